"""Hours and time credits: logging hours given, the verified record of them, and the time
credits they earned (balance, statement, and exchanges waiting for an answer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, redirect, request
from werkzeug.wrappers import Response

from gateway.web.api import api
from gateway.web.forms import error_list, page, sign_in_first
from gateway.web.pages.micro_format import parse_date, plain, render, uk
from gateway.web.templating import signed_in_principal

FIELD_IDS = {"booking_id": "source", "opportunity_id": "source", "minutes": "minutes",
             "worked_on": "worked_on", "note": "note"}  # fmt: skip
LABELS = {"source": "what the hours were for", "minutes": "the minutes given",
          "worked_on": "the date"}  # fmt: skip
EXCHANGE_ACTIONS = ("confirm", "decline", "cancel")


def hours() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    form = {name: request.form.get(name, "") for name in ("source", "minutes", "worked_on", "note")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        answer = api().call("POST", "/api/v1/hours", body=_report(form))
        if answer.ok:
            return redirect("/account/hours?logged=1", 303)
        found = answer.errors() or {"booking_id": answer.detail}
        errors = plain({FIELD_IDS.get(k, "source"): v for k, v in found.items()}, LABELS)
    items = page(api().get("/api/v1/hours", {"limit": 200}))["items"]
    record = page(api().get("/api/v1/hours/record"))
    return render(
        "hours.html", title="Your hours", nav="microtasks", form=form, items=items,
        record=record, sources=_sources(), logged=bool(request.args.get("logged")),
        errors=errors, error_list=error_list(errors, {}),
    )  # fmt: skip


def _report(form: dict[str, str]) -> dict[str, Any]:
    kind, _, ref = form["source"].partition(":")
    body: dict[str, Any] = {"worked_on": parse_date(form["worked_on"]) or None,
                            "note": form["note"].strip()}  # fmt: skip
    body["booking_id" if kind == "task" else "opportunity_id"] = ref or None
    try:
        body["minutes"] = int(form["minutes"])
    except ValueError:
        body["minutes"] = form["minutes"] or None  # the API names the problem
    return body


def _sources() -> list[dict[str, str]]:
    """What hours can be logged for: tasks the volunteer took that have started, and the
    roles they applied for."""
    now = dt.datetime.now(dt.UTC)
    items = [{"value": "", "text": "Choose"}]
    offered = api().get("/api/v1/microtasks/offers")
    for task in offered.body["items"] if offered.ok else []:
        if task["booking"]["status"] in {"accepted", "attended"} and uk(task["starts_at"]) <= now:
            items.append({"value": f"task:{task['booking']['id']}",
                          "text": f"Short task: {task['title']}"})  # fmt: skip
    applied = api().get("/api/v1/applications", {"per_page": 100})
    for application in applied.body["items"] if applied.ok else []:
        role = api().get(f"/api/v1/opportunities/{application['opportunity_id']}")
        if role.ok:
            title = role.body["title"]
            items.append({"value": f"role:{role.body['id']}", "text": f"Role: {title}"})
    return items


def time_credits() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    statement = page(api().get("/api/v1/timebank/statement",
                               {"cursor": request.args.get("cursor"), "limit": 50}))  # fmt: skip
    exchanges = page(api().get("/api/v1/timebank/exchanges", {"status": "pending"}))
    principal = signed_in_principal()
    me = principal.account_id if principal else ""
    return render(
        "time_credits.html", title="Your time credits", nav="microtasks", statement=statement,
        exchanges=exchanges.get("items", []), me=me, done=request.args.get("done"),
    )  # fmt: skip


def exchange(exchange_id: str, action: str) -> Any:
    if (go := sign_in_first()) is not None:
        return go
    if action not in EXCHANGE_ACTIONS:
        abort(404)
    answer = api().call("POST", f"/api/v1/timebank/exchanges/{exchange_id}/{action}")
    if answer.status in {403, 404}:
        abort(answer.status)
    outcome = {"confirm": "confirmed", "decline": "declined", "cancel": "cancelled"}[action]
    return redirect(f"/account/time-credits?done={outcome if answer.ok else 'refused'}", 303)
