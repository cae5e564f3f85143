"""An organisation's hours to approve: the hours volunteers logged for its roles and short
tasks, each approved (it earns the volunteer time credits) or rejected with a reason the
volunteer sees.

Rejecting has a page of its own, so the reason is one question on one page, with its error
summary, and the list stays a list of buttons that work without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import abort, redirect, render_template, request
from werkzeug.wrappers import Response

from gateway.web.api import Answer, api
from gateway.web.forms import error_list, page
from gateway.web.pages.micro_format import day, duration, short_id

PAGE_SIZE = 200  # the API's largest page; the page says when there may be more
REASON_MAX = 500  # as the API's DecisionIn
DONE = {
    "approved": "The hours are approved. The volunteer earns time credits for them.",
    "rejected": "The hours are rejected. The volunteer sees your reason.",
    "already": "Those hours were already answered, perhaps by another member.",
}
MESSAGES = {
    "missing": "Enter why you are rejecting these hours",
    "long": f"The reason must be {REASON_MAX} characters or fewer",
}


def pending(org_id: str) -> list[dict[str, Any]] | None:
    """The hours waiting for approval; None just after the organisation registered, until
    the availability service has heard who its members are (it learns that by event)."""
    answer = api().get("/api/v1/hours/pending", {"organisation_id": org_id, "limit": PAGE_SIZE})
    if answer.status == 403:
        return None
    items: list[dict[str, Any]] = page(answer)["items"]
    return items


def names(applications: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Volunteers' names the organisation already has, from their applications to its
    roles: account id -> name."""
    return {
        str(item["volunteer_id"]): str(item["applicant"]["name"])
        for item in applications
        if item.get("applicant")
    }


def row(item: Mapping[str, Any], known: Mapping[str, str]) -> dict[str, Any]:
    """One logged stretch of hours, in words."""
    if item["source"] == "task":
        # Volunteers on short tasks stay pseudonymous to the organisation.
        who, what = short_id(str(item["account_id"])), "A short task"
    else:
        who = known.get(str(item["account_id"])) or short_id(str(item["account_id"]))
        what = f"Role: {item.get('role_title') or 'a role no longer listed'}"
    return {"hours": item, "volunteer": who, "what": what, "worked": day(item["worked_on"]),
            "time": duration(item["minutes"])}  # fmt: skip


def listing(org: Mapping[str, Any], known: Mapping[str, str]) -> str:
    found = pending(str(org["id"]))
    rows = [row(item, known) for item in found or []]
    return render_template(
        "organisations/hours.html", title=f"Hours to approve for {org['name']}", nav="manage",
        org=org, rows=rows, ready=found is not None, full=len(rows) >= PAGE_SIZE,
        done=DONE.get(request.args.get("done", "")),
    )  # fmt: skip


def answer(org: Mapping[str, Any], hours_id: str, known: Mapping[str, str]) -> str | Response:
    """GET: the page to reject one stretch of hours. POST: approve or reject it."""
    org_id = str(org["id"])
    item = next((i for i in pending(org_id) or [] if i["id"] == hours_id), None)
    if request.method == "POST" and request.form.get("action") == "approve":
        return _sent(org_id, api().call("POST", f"/api/v1/hours/{hours_id}/approve"), "approved")
    if item is None:
        abort(404)  # another organisation's hours, or already answered
    reason = request.form.get("reason", "").strip()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("action") != "reject":
            abort(404)
        errors = _reason_errors(reason)
        if not errors:
            sent = api().call("POST", f"/api/v1/hours/{hours_id}/reject", body={"reason": reason})
            if sent.status != 422:
                return _sent(org_id, sent, "rejected")
            errors = {"reason": sent.errors().get("reason") or sent.detail}
    return render_template(
        "organisations/hours_reject.html", title="Reject hours", nav="manage", org=org,
        row=row(item, known), reason=reason, errors=errors, error_list=error_list(errors, {}),
    )  # fmt: skip


def _reason_errors(reason: str) -> dict[str, str]:
    if not reason:
        return {"reason": MESSAGES["missing"]}
    if len(reason) > REASON_MAX:
        return {"reason": MESSAGES["long"]}
    return {}


def _sent(org_id: str, sent: Answer, outcome: str) -> Response:
    if sent.status == 409:
        outcome = "already"
    else:
        page(sent)  # any other refusal becomes its error page
    return redirect(f"/manage/{org_id}/hours?done={outcome}", 303)
