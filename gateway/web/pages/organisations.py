"""Organisations' pages: the dashboard, posting, editing, pausing and closing roles, the
applications inbox and the hours volunteers logged, to approve.

Every page acts through the public API as the signed-in member, so the API decides who may
do what; the pages only check that a role or application belongs to the organisation in
the address, so one organisation's page never shows another's things.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request
from werkzeug.wrappers import Response

from gateway.web.api import api
from gateway.web.forms import error_list, page, sign_in_first
from gateway.web.pages import organisations_hours as hours_pages
from gateway.web.pages import organisations_inbox as inbox
from gateway.web.pages import organisations_roles as roles
from gateway.web.templating import signed_in_principal

bp = Blueprint("web_organisations", __name__)
ORG_TYPES = {
    "charity": "Registered charity",
    "community_group": "Community group",
    "public_body": "Public body, like a council or school",
}
ORG_FIELDS = ("name", "type", "postcode", "website", "description", "charity_number")
# Plain English for the API's terse schema messages (its own rules' messages are already).
ORG_MESSAGES = {
    "name": "Enter the name of the organisation",
    "type": "Select what kind of organisation it is",
    "website": "Enter the website's full address, like https://www.example.org",
}
ROLE_STATUSES = {  # status -> (heading, tag words, tag class): words, never colour alone
    "draft": ("Drafts", "Draft", "govuk-tag--grey"),
    "published": ("Published", "Published", "govuk-tag--green"),
    "paused": ("Paused", "Paused", "govuk-tag--yellow"),
    "expired": ("Past their closing date", "Closing date passed", "govuk-tag--grey"),
    "closed": ("Closed", "Closed", "govuk-tag--red"),
}
# What the dashboard says after a role's status changed, by its new status.
MOVED = {
    "published": "{title} is open again. It appears in search within a minute.",
    "paused": (
        "{title} is paused: it is out of search and takes no applications until you reopen it."
    ),
    "closed": (
        "{title} is closed: it is out of search and takes no more applications. "
        "Applications you already have stay in your inbox."
    ),
}
# The role moves the dashboard's buttons make -> the API's action ("reopen" publishes again).
MOVES = {"pause": "pause", "reopen": "publish"}
CLOSABLE = ("published", "paused", "expired")
INBOX_SIZE = 100  # the API's largest page; the inbox says when there are more


@bp.get("/manage")
def index() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    mine = page(api().get("/api/v1/organisations", {"member": "me"}))["items"]
    return render_template("organisations/index.html", title="Your organisations",
                           nav="manage", organisations=mine)  # fmt: skip


@bp.route("/manage/organisations/new", methods=["GET", "POST"])
def register() -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    form = {name: request.form.get(name, "").strip() for name in ORG_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        body = {name: form[name] or None for name in ORG_FIELDS}
        body["description"] = form["description"]
        answer = api().call("POST", "/api/v1/organisations", body=body)
        if answer.ok:
            return redirect(f"/manage/{answer.body['id']}?registered=1", 303)
        errors = _org_errors(answer.errors(), form) or {
            "name": answer.detail or "The organisation was not registered. Try again."
        }
    return render_template(
        "organisations/register.html", title="Register an organisation", nav="manage",
        form=form, org_types=ORG_TYPES, errors=errors,
        error_list=error_list(errors, {"type": "type"}),
    )  # fmt: skip


@bp.get("/manage/<org_id>")
def dashboard(org_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    return _dashboard(_organisation(org_id), None)


def _dashboard(org: dict[str, Any], refused: dict[str, str] | None) -> str:
    org_id = org["id"]
    listed = _roles(org_id)
    applications = _inbox(org_id)
    found = inbox.rows(applications or [], {}, _now())
    stats = api().get("/api/v1/applications/stats", {"organisation_id": org_id})
    waiting = hours_pages.pending(org_id)
    return render_template(
        "organisations/dashboard.html", title=org["name"], nav="manage", org=org,
        groups=_grouped(listed), statuses=ROLE_STATUSES, inbox_ready=applications is not None,
        counts=inbox.counts(found), stats=stats.body if stats.ok else None,
        registered=request.args.get("registered"), published=_published(listed),
        moved=_moved(listed), refused=refused, closable=CLOSABLE,
        hours_waiting=None if waiting is None else len(waiting),
    )  # fmt: skip


@bp.route("/manage/<org_id>/roles/new", methods=["GET", "POST"])
def new_role(org_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    if request.method == "GET":
        return _role_form(org, None, roles.blank_form(), {})
    form = roles.form_from_post(request.form)
    body = {"organisation_id": org_id, **roles.api_body(form)}
    answer = api().call("POST", "/api/v1/opportunities", body=body)
    if answer.ok:
        return redirect(f"/manage/{org_id}/roles/{answer.body['id']}/preview", 303)
    return _role_form(org, None, form, roles.field_errors(answer, form))


@bp.route("/manage/<org_id>/roles/<role_id>/edit", methods=["GET", "POST"])
def edit_role(org_id: str, role_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    role = _role(org_id, role_id)
    if request.method == "GET":
        return _role_form(org, role, roles.form_from_role(role), {})
    form = roles.form_from_post(request.form)
    answer = api().call("PATCH", f"/api/v1/opportunities/{role_id}", body=roles.api_body(form))
    if answer.ok:
        return redirect(f"/manage/{org_id}/roles/{role_id}/preview", 303)
    return _role_form(org, role, form, roles.field_errors(answer, form))


@bp.get("/manage/<org_id>/roles/<role_id>/preview")
def preview(org_id: str, role_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    return _preview(_organisation(org_id), _role(org_id, role_id), {})


@bp.post("/manage/<org_id>/roles/<role_id>/publish")
def publish(org_id: str, role_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    role = _role(org_id, role_id)
    answer = api().call("POST", f"/api/v1/opportunities/{role_id}/publish")
    if answer.ok:
        return redirect(f"/manage/{org_id}?published={role_id}", 303)
    if answer.status not in {409, 422}:
        page(answer)
    message = answer.detail or "The role was not published. Try again."
    return _preview(org, role, {"publish": message})


@bp.post("/manage/<org_id>/roles/<role_id>/pause")
def pause_role(org_id: str, role_id: str) -> str | Response:
    return _move_role(org_id, role_id, "pause")


@bp.post("/manage/<org_id>/roles/<role_id>/reopen")
def reopen_role(org_id: str, role_id: str) -> str | Response:
    return _move_role(org_id, role_id, "reopen")


def _move_role(org_id: str, role_id: str, move: str) -> str | Response:
    """Pause a published role, or reopen a paused one, from the dashboard's list."""
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    role = _role(org_id, role_id)
    answer = api().call("POST", f"/api/v1/opportunities/{role_id}/{MOVES[move]}", body={})
    if answer.ok:
        return redirect(f"/manage/{org_id}?moved={role_id}", 303)
    if answer.status not in {409, 422}:
        page(answer)
    # Refused as things stand (a closing date passed, say): say why, on the dashboard.
    return _dashboard(org, {"title": role["title"], "detail": answer.detail})


@bp.route("/manage/<org_id>/roles/<role_id>/close", methods=["GET", "POST"])
def close_role(org_id: str, role_id: str) -> str | Response:
    """Closing cannot be undone, so it is asked on a page of its own (no script needed)."""
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    role = _role(org_id, role_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        answer = api().call("POST", f"/api/v1/opportunities/{role_id}/close", body={})
        if answer.ok:
            return redirect(f"/manage/{org_id}?moved={role_id}", 303)
        if answer.status not in {409, 422}:
            page(answer)
        errors = {"close": answer.detail or "The role was not closed. Try again."}
    return render_template(
        "organisations/close.html", title=f"Close {role['title']}", nav="manage", org=org,
        role=role, closable=role["status"] in CLOSABLE, errors=errors,
        error_list=error_list(errors, {}),
    )  # fmt: skip


@bp.get("/manage/<org_id>/hours")
def hours(org_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    return hours_pages.listing(org, hours_pages.names(_inbox(org_id) or []))


@bp.route("/manage/<org_id>/hours/<hours_id>", methods=["GET", "POST"])
def hours_answer(org_id: str, hours_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    return hours_pages.answer(org, hours_id, hours_pages.names(_inbox(org_id) or []))


@bp.get("/manage/<org_id>/applications")
def applications(org_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    found = _inbox(org_id)
    titles = {role["id"]: role["title"] for role in _roles(org_id)}
    listed = inbox.rows(found or [], titles, _now())
    return render_template(
        "organisations/inbox.html", title=f"Applications to {org['name']}", nav="manage",
        org=org, rows=listed, counts=inbox.counts(listed), inbox_ready=found is not None,
        full=found is not None and len(found) >= INBOX_SIZE, answered=request.args.get("answered"),
    )  # fmt: skip


@bp.route("/manage/<org_id>/applications/<application_id>", methods=["GET", "POST"])
def application(org_id: str, application_id: str) -> str | Response:
    if (go := sign_in_first()) is not None:
        return go
    org = _organisation(org_id)
    found = page(api().get(f"/api/v1/applications/{application_id}"))
    if found["organisation_id"] != org_id:
        abort(404)
    form = {"decision": request.form.get("decision", ""), "reason": request.form.get("reason", "")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _decide(org_id, application_id, form)
        if not errors:
            return redirect(f"/manage/{org_id}/applications?answered={application_id}", 303)
    role = api().get(f"/api/v1/opportunities/{found['opportunity_id']}")
    return render_template(
        "organisations/application.html", title="Application", nav="manage", org=org,
        row=inbox.rows([found], {}, _now())[0], role=role.body if role.ok else None,
        form=form, decisions=inbox.DECISIONS, errors=errors,
        error_list=error_list(errors, {}),
    )  # fmt: skip


def _org_errors(found: dict[str, str], form: dict[str, str]) -> dict[str, str]:
    terse = ("Field may not be null.", "Missing data", "Not a valid", "Must be one of")
    return {
        name: ORG_MESSAGES[name]
        if name in ORG_MESSAGES and (not form[name] or message.startswith(terse))
        else message
        for name, message in found.items()
    }


def _decide(org_id: str, application_id: str, form: dict[str, str]) -> dict[str, str]:
    """Send the organisation's answer; the form's errors, or none when it was sent."""
    if form["decision"] not in inbox.DECISIONS:
        return {"decision": "Select your answer to the application"}
    reason = form["reason"].strip() if form["decision"] == "decline" else ""
    path = f"/api/v1/applications/{application_id}/{form['decision']}"
    answer = api().call("POST", path, body={"reason": reason or None})
    if answer.ok:
        return {}
    if answer.status == 422:
        return {"reason": answer.errors().get("reason") or answer.detail}
    if answer.status != 409:
        page(answer)  # any other refusal becomes its error page
    return {"decision": answer.detail or "That answer is not possible now."}


def _role_form(org: dict[str, Any], role: dict[str, Any] | None, form: dict[str, Any],
               errors: dict[str, str]) -> str:  # fmt: skip
    return render_template(
        "organisations/role_form.html",
        title=f"Edit {role['title']}" if role else "Post a role", nav="manage", org=org,
        role=role, form=form, checkboxes=roles.checkbox_items(form),
        commitments=roles.commitment_items(form), errors=errors,
        error_list=[{"text": m, "href": f"#{k}"} for k, m in errors.items()],
    )  # fmt: skip


def _preview(org: dict[str, Any], role: dict[str, Any], errors: dict[str, str]) -> str:
    return render_template(
        "organisations/preview.html", title=f"Preview: {role['title']}", nav="manage",
        org=org, role=role, errors=errors, error_list=error_list(errors, {"publish": "publish"}),
    )  # fmt: skip


def _organisation(org_id: str) -> dict[str, Any]:
    """The organisation, for its members (and admins) only: others get 'cannot see'."""
    org: dict[str, Any] = page(api().get(f"/api/v1/organisations/{org_id}"))
    principal = signed_in_principal()
    if org.get("your_role") is None and not (principal and principal.is_admin):
        abort(403)
    return org


def _role(org_id: str, role_id: str) -> dict[str, Any]:
    role: dict[str, Any] = page(api().get(f"/api/v1/opportunities/{role_id}"))
    if role["organisation_id"] != org_id:
        abort(404)
    return role


def _roles(org_id: str) -> list[dict[str, Any]]:
    answer = api().get(f"/api/v1/organisations/{org_id}/opportunities")
    items: list[dict[str, Any]] = page(answer)["items"]
    return items


def _inbox(org_id: str) -> list[dict[str, Any]] | None:
    """The organisation's applications; None just after it registered, until the
    applications service has heard who its members are (it learns that by event)."""
    answer = api().get("/api/v1/applications",
                       {"organisation_id": org_id, "per_page": INBOX_SIZE})  # fmt: skip
    if answer.status == 403:
        return None
    items: list[dict[str, Any]] = page(answer)["items"]
    return items


def _grouped(listed: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {status: [] for status in ROLE_STATUSES}
    for role in sorted(listed, key=lambda r: str(r.get("updated_at") or ""), reverse=True):
        groups.setdefault(str(role["status"]), []).append(role)
    return groups


def _published(listed: list[dict[str, Any]]) -> dict[str, Any] | None:
    wanted = request.args.get("published")
    return next((role for role in listed if role["id"] == wanted), None) if wanted else None


def _moved(listed: list[dict[str, Any]]) -> str | None:
    wanted = request.args.get("moved")
    role = next((role for role in listed if role["id"] == wanted), None) if wanted else None
    if role is None or role["status"] not in MOVED:
        return None
    return MOVED[role["status"]].format(title=role["title"])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
