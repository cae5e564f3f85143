"""The volunteer's availability: where they set out from, how far they go, what they will
do, and when they are free. One form without JavaScript: a fixed number of rows for times,
the saved ones plus a few blank ones (save, and more blank rows appear)."""

from __future__ import annotations

import re
from typing import Any

from flask import redirect, request
from werkzeug.wrappers import Response

from gateway.web.api import api
from gateway.web.forms import error_list, page, sign_in_first
from gateway.web.pages.micro_format import WEEKDAYS, iso_to_form, parse_date, plain, render
from gateway.web.templating import KM_PER_MILE
from services.common.vocab.micro import TASK_TYPES

MILES = (1, 2, 3, 5, 10, 15, 25, 50)
BLANK_ROWS = 3
MAX_ROWS = 50
# Half-hour steps are enough to say when you are free; other saved times stay selectable.
TIMES = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)] + ["24:00"]
LABELS = {"postcode": "your postcode", "travel": "how far you will travel",
          "date_of_birth": "your date of birth"}  # fmt: skip
FIELD_IDS = {"postcode": "postcode", "travel_km": "travel", "task_types": "task_types",
             "date_of_birth": "date_of_birth", "paused": "paused"}  # fmt: skip


def availability() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    errors: dict[str, str] = {}
    if request.method == "POST":
        body, rows = _body()
        answer = api().call("PUT", "/api/v1/availability", body=body)
        if answer.ok:
            return redirect("/account/availability?saved=1", 303)
        errors = plain(_errors(answer.errors() or {"postcode": answer.detail}, rows), LABELS)
        form = _posted_form()
    else:
        answer = api().get("/api/v1/availability")
        form = _saved_form(page(answer) if answer.status != 404 else None)
    return render(
        "availability.html", title="When you are free for short tasks", nav="microtasks",
        form=form, miles=MILES, times=TIMES, weekdays=WEEKDAYS, task_types=TASK_TYPES,
        saved=bool(request.args.get("saved")) and not errors, errors=errors,
        error_list=error_list(errors, {}),
    )  # fmt: skip


def _saved_form(saved: dict[str, Any] | None) -> dict[str, Any]:
    if saved is None:
        return {"new": True, "postcode": "", "miles": "3", "task_types": [], "paused": False,
                "date_of_birth": "", "rows": _blank(0)}  # fmt: skip
    rows = [_row(w) for w in saved.get("windows", [])]
    return {
        "new": False,
        "postcode": saved["postcode"],
        "miles": _miles(saved["travel_km"]),
        "task_types": saved["task_types"],
        "paused": saved["paused"],
        "date_of_birth": iso_to_form(saved["date_of_birth"]),
        "rows": rows + _blank(len(rows)),
    }


def _row(window: dict[str, Any]) -> dict[str, str]:
    return {
        "day": "date" if window.get("date") else window["weekday"],
        "date": iso_to_form(window.get("date")),
        "start": window["start"],
        "end": window["end"],
        "from": window.get("from") or "",
        "until": window.get("until") or "",
    }


def _blank(count: int) -> list[dict[str, str]]:
    empty = {"day": "", "date": "", "start": "10:00", "end": "12:00", "from": "", "until": ""}
    return [dict(empty) for _ in range(min(BLANK_ROWS, MAX_ROWS - count))]


def _miles(km: float) -> str:
    miles = km / KM_PER_MILE
    return f"{miles:.1f}".removesuffix(".0")


def _posted_form() -> dict[str, Any]:
    values = request.form
    rows_sent = values.get("rows", "")
    count = min(int(rows_sent), MAX_ROWS) if rows_sent.isdigit() else 0
    rows = [
        {key: values.get(f"windows-{i}-{key}", "") for key in ("day", "date", "start", "end",
                                                               "from", "until")}
        for i in range(count)
    ]  # fmt: skip
    return {
        "new": values.get("new") == "1",
        "postcode": values.get("postcode", ""),
        "miles": values.get("travel", ""),
        "task_types": values.getlist("task_types"),
        "paused": values.get("paused") == "yes",
        "date_of_birth": values.get("date_of_birth", ""),
        "rows": rows,
    }


def _body() -> tuple[dict[str, Any], list[int]]:
    """The API's document, and for each window sent the form row it came from."""
    form = _posted_form()
    windows, rows = [], []
    for index, row in enumerate(form["rows"]):
        if not row["day"]:
            continue  # a blank row
        window: dict[str, Any] = {"start": row["start"], "end": row["end"]}
        if row["day"] == "date":
            window["date"] = parse_date(row["date"]) or None
        else:
            window["weekday"] = row["day"]
            window.update({k: row[k] for k in ("from", "until") if row[k]})
        windows.append(window)
        rows.append(index)
    try:
        km: Any = round(float(form["miles"]) * KM_PER_MILE, 3)
    except ValueError:
        km = None
    body = {"postcode": form["postcode"].strip(), "travel_km": km, "paused": form["paused"],
            "task_types": form["task_types"], "date_of_birth": parse_date(form["date_of_birth"]),
            "windows": windows}  # fmt: skip
    return body, rows


def _errors(found: dict[str, str], rows: list[int]) -> dict[str, str]:
    """The API's field names (``windows[2].end``) as the form's ids (``windows-5-end``)."""
    out: dict[str, str] = {}
    for name, message in found.items():
        window = re.match(r"windows\[(\d+)\](?:\.(\w+))?", name)
        if window:
            row = rows[int(window[1])] if int(window[1]) < len(rows) else 0
            part = {"end": "end", "start": "start", "date": "date"}.get(window[2] or "", "day")
            out.setdefault(f"windows-{row}-{part}", message)
        elif name.startswith("windows"):
            out.setdefault("windows-0-day", message)
        else:
            out.setdefault(FIELD_IDS.get(name.split("[")[0], "postcode"), message)
    return out
