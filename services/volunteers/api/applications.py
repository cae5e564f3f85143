"""HTTP handlers for applications: thin; marshmallow at the edge, use cases behind.

Listings are paged (``?page=&per_page=``, newest first); ``next`` is the next page's path,
or null on the last page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.api import json_body, load, runtime
from services.common.auth import require_principal
from services.common.openapi import operation
from services.common.problems import TYPE_BASE, Problem, problem_response
from services.common.validation import InvalidInput
from services.volunteers.adapters.applicants import applicants
from services.volunteers.domain.applications import (
    Application,
    ApplicationError,
    Listing,
    Page,
    Status,
)
from services.volunteers.service_layer import applications as use_cases
from services.volunteers.service_layer.guarantee import organisation_stats

bp = Blueprint("applications", __name__, url_prefix="/api/v1/applications")
MOVES = {"seen": Status.SEEN, "in-contact": Status.IN_CONTACT, "accept": Status.ACCEPTED,
         "decline": Status.DECLINED}  # fmt: skip


class AnswerIn(Schema):
    question_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    answer = fields.String(required=True, validate=validate.Length(max=5000))


class ApplicationIn(Schema):
    opportunity_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    message = fields.String(load_default="", validate=validate.Length(max=5000))
    answers = fields.List(fields.Nested(AnswerIn), load_default=list)
    share_adjustments = fields.Boolean(load_default=False)


class ReasonIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class PageQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        load_default=None,
        validate=validate.OneOf([s.value for s in Status], error="Choose one of: {choices}."),
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class ListQuery(PageQuery):
    organisation_id = fields.String(load_default=None, validate=validate.Length(max=36))


class ApplicationOut(Schema):
    id = fields.String()
    opportunity_id = fields.String()
    organisation_id = fields.String()
    volunteer_id = fields.String()
    message = fields.String()
    answers = fields.Dict()
    status = fields.String()
    submitted_at = fields.DateTime()
    first_response_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    escalated_at = fields.DateTime(allow_none=True)
    escalated_to = fields.String(
        allow_none=True, metadata={"description": "The Volunteer Centre asked to help"}
    )
    applicant = fields.Dict(
        allow_none=True,
        metadata={"description": "Name and email, for the organisation and its Volunteer "
                  "Centre only; null once the account is deleted"},
    )  # fmt: skip


class SimilarRoleOut(Schema):
    id = fields.String()
    title = fields.String()


class ApplicationDetailOut(ApplicationOut):
    escalated = fields.Boolean()
    similar_roles = fields.List(
        fields.Nested(SimilarRoleOut),
        metadata={"description": "To the volunteer only, once escalated: roles like this one"},
    )


class ApplicationList(Schema):
    items = fields.List(fields.Nested(ApplicationOut))
    page = fields.Integer()
    per_page = fields.Integer()
    next = fields.String(allow_none=True, metadata={"description": "The next page's path"})


@bp.errorhandler(ApplicationError)
def _rule_broken(exc: ApplicationError) -> Response:
    title = "Invalid request" if exc.status == 422 else "Conflict"
    if exc.status == 404:
        title = "Not Found"
    return problem_response(Problem(exc.status, title, exc.message, type_=TYPE_BASE + exc.code))


@bp.errorhandler(use_cases.NotAllowed)
def _not_allowed(exc: use_cases.NotAllowed) -> Response:
    if exc.status == 403:
        detail = exc.detail or "You cannot do this to this application."
        return problem_response(Problem(403, "Forbidden", detail))
    return problem_response(Problem(404, "Not Found", f"There is nothing at {request.path}."))


def _body(schema: Schema) -> dict[str, Any]:
    return load(schema, json_body())


def _view(application: Application) -> dict[str, Any]:
    # The same for the volunteer, the organisation and the Volunteer Centre's staff: none of
    # it comes from the volunteer's profile (accessibility needs are not part of it).
    return ApplicationOut().dump({**application.__dict__, "status": application.status.value})


def _query(schema: Schema) -> dict[str, Any]:
    # An empty parameter (?status=) means no filter, as it always has.
    return load(schema, {k: v for k, v in request.args.items() if v != ""})


def _with_applicants(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add who applied, for callers seeing applications as the organisation or centre."""
    with runtime().session_factory() as session:
        found = applicants(session, (v["volunteer_id"] for v in views))
    return [{**v, "applicant": found.get(v["volunteer_id"])} for v in views]


def _listing(found: Listing, query: dict[str, Any], as_organisation: bool = False) -> Response:
    page = found.page
    following = None
    if found.more:
        args = {k: v for k, v in query.items() if v and k not in ("page", "per_page")}
        args.update(page=page.page + 1, per_page=page.per_page)
        following = f"{request.path}?{urlencode(args)}"
    views = [_view(a) for a in found.items]
    if as_organisation:
        views = _with_applicants(views)
    body = {"items": views, "page": page.page,
            "per_page": page.per_page, "next": following}  # fmt: skip
    return jsonify(body)


@bp.post("")
@operation(summary="Apply for a role", tags=("applications",), body=ApplicationIn,
           responses={201: ApplicationOut})  # fmt: skip
def create() -> tuple[Response, int]:
    principal = require_principal()
    data = _body(ApplicationIn())
    answers = {a["question_id"]: a["answer"] for a in data["answers"]}
    application = use_cases.submit(
        runtime(), principal, data["opportunity_id"], data["message"], answers,
        data["share_adjustments"],
    )  # fmt: skip
    response = jsonify(_view(application))
    response.headers["Location"] = f"{bp.url_prefix}/{application.id}"
    return response, 201


@bp.get("")
@operation(summary="Your applications, or an organisation's inbox (?organisation_id=)",
           tags=("applications",), query=ListQuery, responses={200: ApplicationList})  # fmt: skip
def listing() -> Response:
    principal = require_principal(verified=False)
    query = _query(ListQuery())
    page = Page(query["page"], query["per_page"])
    if query["organisation_id"]:
        found = use_cases.inbox(
            runtime(), principal, query["organisation_id"], query["status"], page
        )
        return _listing(found, query, as_organisation=True)
    found = use_cases.mine(runtime(), principal, query["status"], page)
    return _listing(found, query)


@bp.get("/escalated")
@operation(summary="Applications escalated to your Volunteer Centres (Volunteer Centre staff, "
           "admins: all)", tags=("applications",), query=PageQuery,
           responses={200: ApplicationList, 403: None})  # fmt: skip
def escalated() -> Response:
    principal = require_principal(verified=False)
    query = _query(PageQuery())
    page = Page(query["page"], query["per_page"])
    found = use_cases.escalated(runtime(), principal, query["status"], page)
    return _listing(found, query, as_organisation=True)


@bp.get("/stats")
@operation(summary="How quickly an organisation answers applications (public)",
           tags=("applications",))  # fmt: skip
def stats() -> Response:
    organisation_id = request.args.get("organisation_id", "")
    if not organisation_id:
        raise InvalidInput.field("organisation_id", "Give the organisation's id.")
    found = organisation_stats(runtime(), organisation_id)
    return jsonify(
        {
            "organisation_id": organisation_id,
            "applications": found.count if found else 0,
            "answered": found.responded if found else 0,
            "median_working_days_to_first_response": found.median_days if found else None,
            "share_answered_within_5_working_days": found.within_promise_share if found else None,
        }
    )


@bp.get("/<application_id>")
@operation(summary="One application", tags=("applications",), responses={200: ApplicationDetailOut})
def show(application_id: str) -> Response:
    principal = require_principal(verified=False)
    service = runtime()
    application = use_cases.get(service, principal, application_id)
    body = _view(application)
    if application.volunteer_id != principal.account_id:
        body = _with_applicants([body])[0]
    body["escalated"] = application.escalated_at is not None
    if body["escalated"] and application.volunteer_id == principal.account_id:
        # The organisation did not answer in 7 working days: offer the volunteer others.
        similar = use_cases.escalation(service, application.id) or []
        body["similar_roles"] = [{"id": r.id, "title": r.title} for r in similar]
    return jsonify(body)


@bp.post("/<application_id>/<move>")
@operation(summary="Answer (seen, in-contact, accept, decline) or withdraw an application",
           tags=("applications",), body=ReasonIn, responses={200: ApplicationOut})  # fmt: skip
def act(application_id: str, move: str) -> Response:
    principal = require_principal()
    reason = _body(ReasonIn())["reason"]
    if move == "withdraw":
        application = use_cases.withdraw(runtime(), principal, application_id, reason)
    elif move in MOVES:
        application = use_cases.respond(runtime(), principal, application_id, MOVES[move], reason)
    else:
        raise Problem(404, "Not Found", f"There is nothing at {request.path}.")
    return jsonify(_view(application))
