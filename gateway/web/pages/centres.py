"""Volunteer Centre pages: moderation, escalated applications and catchment reports.

Every page asks a staff-only API first (the moderation queue or the escalated list), so the
API, not the page, decides who is Volunteer Centre staff and which area they cover.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, redirect, render_template, request
from werkzeug.wrappers import Response

from gateway.web.api import api
from gateway.web.forms import error_list, page, sign_in_first
from gateway.web.pages import centres_report as report
from gateway.web.templating import signed_in_principal

bp = Blueprint("web_centres", __name__)
QUEUE = "/api/v1/moderation/queue"
ESCALATED = "/api/v1/applications/escalated"
ORG_TYPES = {"charity": "Charity", "community_group": "Community group",
             "public_body": "Public body", "volunteer_centre": "Volunteer Centre"}  # fmt: skip
STATUSES = {"submitted": "Not answered yet", "seen": "Seen, not answered",
            "in_contact": "In touch with the volunteer", "accepted": "Accepted",
            "declined": "Declined", "withdrawn": "Withdrawn by the volunteer"}  # fmt: skip


@bp.get("/centre")
def dashboard() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    queue = page(api().get(QUEUE))["items"]
    escalated = _escalated()
    waiting = [a for a in escalated if a["status"] in {"submitted", "seen"}]
    return render_template("centres/dashboard.html", title="Volunteer Centre", nav="centre",
                           queue=queue, escalated=escalated, waiting=waiting)  # fmt: skip


@bp.get("/centre/moderation")
def moderation() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    queue = page(api().get(QUEUE))["items"]
    decided = _decided_name(request.args.get("approved") or request.args.get("rejected"))
    return render_template(
        "centres/moderation.html", title="Organisations waiting for approval", nav="centre",
        queue=queue, types=ORG_TYPES, decided=decided,
        outcome="approved" if request.args.get("approved") else "rejected",
    )  # fmt: skip


def _decided_name(org_id: str | None) -> str:
    if not org_id:
        return ""
    found = api().get(f"/api/v1/organisations/{org_id}")
    return str(found.body["name"]) if found.ok else "The organisation"


@bp.post("/centre/moderation/<org_id>/approve")
def approve(org_id: str) -> Response:
    if signed_in_principal() is None:  # signed out meanwhile: back to the queue, not a POST
        return redirect("/sign-in?next=/centre/moderation", 303)
    page(api().call("POST", f"/api/v1/organisations/{org_id}/approve"))
    return redirect(f"/centre/moderation?approved={org_id}", 303)


@bp.route("/centre/moderation/<org_id>/reject", methods=["GET", "POST"])
def reject(org_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    # Only what is in the caller's own queue: the API decides whose area it is.
    org = next((o for o in page(api().get(QUEUE))["items"] if o["id"] == org_id), None)
    if org is None:
        abort(404)
    reason = request.form.get("reason", "").strip()
    errors: dict[str, str] = {}
    if request.method == "POST" and not reason:
        errors = {"reason": "Enter why you are rejecting the organisation"}
    elif request.method == "POST":
        answer = api().call("POST", f"/api/v1/organisations/{org_id}/reject",
                            body={"reason": reason})  # fmt: skip
        if answer.ok:
            return redirect(f"/centre/moderation?rejected={org_id}", 303)
        errors = {"reason": _reason_error(answer.errors(), answer.detail)}
    return render_template("centres/reject.html", title=f"Reject {org['name']}", nav="centre",
                           org=org, reason=reason, errors=errors,
                           error_list=error_list(errors, {}))  # fmt: skip


def _reason_error(fields: dict[str, str], detail: str) -> str:
    message = fields.get("reason") or detail or "The organisation was not rejected. Try again."
    # marshmallow's words for a too long reason are not plain English.
    return "The reason must be 1,000 characters or fewer" if "Longer than" in message else message


@bp.get("/centre/escalated")
def escalated() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    items = _escalated()
    names = _names(items)
    return render_template("centres/escalated.html", title="Escalated applications",
                           nav="centre", items=items, names=names,
                           statuses=STATUSES)  # fmt: skip


def _escalated() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page(api().get(ESCALATED, {"per_page": 100}))["items"]
    return found


def _names(items: list[dict[str, Any]]) -> dict[str, str]:
    """Role and organisation names by id, for the applications shown."""
    names: dict[str, str] = {}
    for item in items:
        role, org = item["opportunity_id"], item["organisation_id"]
        if role not in names:
            names[role] = _name(f"/api/v1/opportunities/{role}", "title")
        if org not in names:
            names[org] = _name(f"/api/v1/organisations/{org}", "name")
    return names


def _name(path: str, key: str) -> str:
    found = api().get(path)
    return str(found.body[key]) if found.ok else "No longer listed"


@bp.get("/centre/reports")
def reports() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    found = _reports()
    return render_template("centres/reports.html", title="Catchment report", nav="centre",
                           reports=found, percent=report.percent,
                           hours_text=report.hours_text)  # fmt: skip


@bp.get("/centre/reports.csv")
def reports_csv() -> Response:
    if (go := sign_in_first()) is not None:
        return go
    response = make_response(report.as_csv(_reports()))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = 'attachment; filename="catchment-report.csv"'
    return response


def _reports() -> list[dict[str, Any]]:
    escalations = _escalated()  # staff only: refuses everyone else before any work
    principal = signed_in_principal()
    return report.build(principal.centres if principal else (), escalations)
