"""Matching over HTTP: a task's eligible volunteers, ranked with the reasons, for its
organisation; and the open tasks that fit the signed-in volunteer.

``/api/v1/microtasks/suggested`` is a fixed path, so it wins over the microtasks
blueprint's ``/api/v1/microtasks/<task_id>``.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from marshmallow import Schema, fields, validate

from services.availability.service_layer import matching as use_cases
from services.common.api import json_response, load, runtime
from services.common.auth import require_principal
from services.common.openapi import operation

bp = Blueprint("availability_matching", __name__, url_prefix="/api/v1/microtasks")
TAGS = ("micro-volunteering",)
BOOKING_STATUSES = ["offered", "accepted", "declined", "lapsed", "attended", "no_show"]


class CandidatesQuery(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class CandidateOut(Schema):
    rank = fields.Integer(metadata={"description": "1 is the best match"})
    account_id = fields.String()
    distance_km = fields.Float(
        allow_none=True, metadata={"description": "From their home; null for remote tasks"}
    )
    reasons = fields.List(
        fields.String(),
        metadata={"description": 'Why they rank here: "1.2 km away", "Attended 9 of 10"'},
    )
    booking_status = fields.String(
        allow_none=True,
        validate=validate.OneOf(BOOKING_STATUSES),
        metadata={"description": "Their booking on this task, if offered it"},
    )


class CandidatesOut(Schema):
    task_id = fields.String()
    status = fields.String()
    total = fields.Integer(metadata={"description": "Eligible volunteers in all"})
    items = fields.List(fields.Nested(CandidateOut))


class SuggestedQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class SuggestedTaskOut(Schema):
    id = fields.String()
    title = fields.String()
    task_type = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    duration_minutes = fields.Integer()
    remote = fields.Boolean()
    postcode_district = fields.String(
        allow_none=True, metadata={"description": 'The outward code only ("SE1")'}
    )
    organisation_id = fields.String()
    organisation_name = fields.String(allow_none=True)
    distance_km = fields.Float(allow_none=True)


class SuggestedOut(Schema):
    items = fields.List(fields.Nested(SuggestedTaskOut))


@bp.get("/<task_id>/candidates")
@operation(
    summary="Volunteers eligible for a task, best first, with the reasons (its organisation)",
    tags=TAGS,
    query=CandidatesQuery,
    responses={200: CandidatesOut, 404: "No such task, or not your organisation's"},
)
def candidates(task_id: str) -> Response:
    principal = require_principal()
    params = load(CandidatesQuery(), request.args.to_dict())
    body = use_cases.task_candidates(
        runtime(),
        task_id,
        principal.account_id,
        admin=principal.is_admin,
        limit=params["limit"],
    )
    return json_response(body)


@bp.get("/suggested")
@operation(
    summary="Open tasks you could do: free then, near enough, and you hold what they need",
    tags=TAGS,
    query=SuggestedQuery,
    responses={200: SuggestedOut},
)
def suggested() -> Response:
    principal = require_principal(verified=False)
    params = load(SuggestedQuery(), request.args.to_dict())
    items = use_cases.suggestions_for(runtime(), principal.account_id, params["limit"])
    return json_response({"items": items})
