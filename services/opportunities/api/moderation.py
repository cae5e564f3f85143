"""HTTP handlers for moderation: approve or reject organisations, and the queue to do it from."""

from __future__ import annotations

from flask import Blueprint, Response
from marshmallow import Schema, fields, validate

from services.common.auth import require_principal
from services.common.openapi import operation
from services.opportunities.api.common import json_body, json_response, load, runtime
from services.opportunities.api.organisations import OrganisationOut, organisation_view
from services.opportunities.domain.organisation import REASON_MAX
from services.opportunities.service_layer import moderation as use_cases

bp = Blueprint("moderation", __name__, url_prefix="/api/v1")
TAGS = ("moderation",)


class RejectIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=REASON_MAX))


class QueueOut(Schema):
    items = fields.List(fields.Nested(OrganisationOut))


@bp.post("/organisations/<org_id>/approve")
@operation(
    summary="Approve an organisation (its Volunteer Centre's staff, or an admin)",
    tags=TAGS,
    responses={200: OrganisationOut},
)
def approve(org_id: str) -> Response:
    principal = require_principal()
    org = use_cases.approve(runtime(), principal, org_id)
    return json_response(organisation_view(org, principal))


@bp.post("/organisations/<org_id>/reject")
@operation(
    summary="Reject an organisation, saying why",
    tags=TAGS,
    body=RejectIn,
    responses={200: OrganisationOut},
)
def reject(org_id: str) -> Response:
    principal = require_principal()
    reason = load(RejectIn(), json_body())["reason"]
    org = use_cases.reject(runtime(), principal, org_id, reason)
    return json_response(organisation_view(org, principal))


@bp.get("/moderation/queue")
@operation(
    summary="Organisations awaiting your decision (your catchments; all for admins)",
    tags=TAGS,
    responses={200: QueueOut},
)
def queue() -> Response:
    principal = require_principal()
    pending = use_cases.queue(runtime(), principal)
    return json_response({"items": [organisation_view(org, principal) for org in pending]})
