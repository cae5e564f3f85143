"""Applying for a role, and the volunteer's own applications with their statuses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request
from werkzeug.wrappers import Response

from gateway.web.api import api
from gateway.web.forms import error_list, page, sign_in_first

bp = Blueprint("applications", __name__)
STATUSES = {
    "submitted": ("Waiting for a reply", "govuk-tag--blue"),
    "seen": ("Seen by the organisation", "govuk-tag--light-blue"),
    "in_contact": ("The organisation is in touch", "govuk-tag--purple"),
    "accepted": ("Accepted", "govuk-tag--green"),
    "declined": ("Not successful", "govuk-tag--red"),
    "withdrawn": ("Withdrawn", "govuk-tag--grey"),
}


@bp.route("/opportunities/<role_id>/apply", methods=["GET", "POST"])
def apply(role_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    role = page(api().get(f"/api/v1/opportunities/{role_id}"))
    if role["status"] != "published":
        abort(404)
    form: dict[str, Any] = {"message": request.form.get("message", "")}
    for question in role.get("questions", []):
        form[f"answer-{question['id']}"] = request.form.get(f"answer-{question['id']}", "")
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers = [{"question_id": q["id"], "answer": form[f"answer-{q['id']}"]}
                   for q in role.get("questions", []) if form[f"answer-{q['id']}"]]  # fmt: skip
        body = {"opportunity_id": role_id, "message": form["message"], "answers": answers}
        answer = api().call("POST", "/api/v1/applications", body=body)
        if answer.ok:
            return redirect(f"/account/applications?applied={answer.body['id']}", 303)
        errors = _apply_errors(answer.errors(), answer.detail)
    return render_template(
        "applications/apply.html", title=f"Apply: {role['title']}", nav="search", role=role,
        form=form, errors=errors, error_list=error_list(errors, {}),
    )  # fmt: skip


def _apply_errors(fields: dict[str, str], detail: str) -> dict[str, str]:
    """Map the API's field names (answers.<i>, or a rule's detail) onto the form's ids."""
    if not fields:
        return {"message": detail or "Your application was not sent. Try again."}
    out: dict[str, str] = {}
    for name, message in fields.items():
        out["message" if name in {"message", "opportunity_id"} else name] = message
    return out


@bp.get("/account/applications")
def mine() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    found = page(api().get("/api/v1/applications", {"per_page": 100}))
    titles = {}
    for item in found["items"]:
        role = api().get(f"/api/v1/opportunities/{item['opportunity_id']}")
        titles[item["opportunity_id"]] = (
            role.body["title"] if role.ok else "A role no longer listed"
        )
    return render_template(
        "applications/mine.html", title="Your applications", nav="applications",
        items=found["items"], titles=titles, statuses=STATUSES,
        applied=request.args.get("applied"),
    )  # fmt: skip
