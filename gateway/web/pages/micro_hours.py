"""Hours and time credits: logging hours given, the verified record of them, and the time
credits they earned (balance, statement, proposing an exchange with another member, and
exchanges waiting for an answer)."""

from __future__ import annotations

import datetime as dt
import re
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
EXCHANGE_FIELDS = ("counterparty", "direction", "amount", "reason")
# API field -> the exchange form's input id (the error summary links to it).
EXCHANGE_IDS = {"counterparty_id": "counterparty", "direction": "direction",
                "amount": "amount", "reason": "reason"}  # fmt: skip
# What to do, for an empty field or a schema message that does not say it plainly.
EXCHANGE_MESSAGES = {
    "counterparty": "Enter the other member's number",
    "direction": "Select whether you pay them or ask them to pay you",
    "amount": "Enter the hours as a number, like 1.5, or as hours and minutes, like 1:30",
    "reason": "Enter what the exchange is for",
}
TERSE = ("Missing data", "Field may not be null", "Not a valid", "Must be one of", "Length must",
         "Shorter than")  # fmt: skip
HOURS_AND_MINUTES = re.compile(r"(\d{1,3}):([0-5]\d)")
DECIMAL_HOURS = re.compile(r"\d{1,3}(?:\.\d{1,2})?|\.\d{1,2}")


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
    form = {name: request.form.get(name, "").strip() for name in EXCHANGE_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        answer = api().call("POST", "/api/v1/timebank/exchanges", body=_exchange_body(form))
        if answer.ok:
            return redirect("/account/time-credits?done=proposed", 303)
        if answer.status != 422:
            page(answer)  # any other refusal becomes its error page
        errors = _exchange_errors(answer.errors() or {"counterparty_id": answer.detail}, form)
    statement = page(api().get("/api/v1/timebank/statement",
                               {"cursor": request.args.get("cursor"), "limit": 50}))  # fmt: skip
    exchanges = page(api().get("/api/v1/timebank/exchanges", {"status": "pending"}))
    principal = signed_in_principal()
    me = principal.account_id if principal else ""
    return render(
        "time_credits.html", title="Your time credits", nav="microtasks", statement=statement,
        exchanges=exchanges.get("items", []), me=me, done=request.args.get("done"),
        form=form, errors=errors, error_list=error_list(errors, {}),
    )  # fmt: skip


def credit_hundredths(text: str) -> int | None:
    """Hours typed as 1.5 or 1:30 in the API's unit, hundredths of a credit (one hour is
    one credit); None when they cannot be read."""
    text = text.strip()
    if found := HOURS_AND_MINUTES.fullmatch(text):
        return int(found.group(1)) * 100 + round(int(found.group(2)) * 100 / 60)
    if DECIMAL_HOURS.fullmatch(text):
        return round(float(text) * 100)
    return None


def _exchange_body(form: dict[str, str]) -> dict[str, Any]:
    amount = credit_hundredths(form["amount"])
    return {
        "counterparty_id": form["counterparty"],
        "direction": form["direction"] or None,
        # What cannot be read is sent as typed, so the API names the field.
        "amount": (form["amount"] or None) if amount is None else amount,
        "reason": form["reason"],
    }


def _exchange_errors(found: dict[str, str], form: dict[str, str]) -> dict[str, str]:
    """The API's messages on the form's fields, in the form's order; terse ones in words."""
    out: dict[str, str] = {}
    for name, message in found.items():
        target = EXCHANGE_IDS.get(name, "counterparty")
        terse = not form[target] or message.startswith(TERSE)
        out.setdefault(target, EXCHANGE_MESSAGES[target] if terse else message)
    return {name: out[name] for name in EXCHANGE_FIELDS if name in out}


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
