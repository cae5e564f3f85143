"""HTTP handlers for an organisation's members (owners and editors)."""

from __future__ import annotations

from flask import Blueprint, Response
from marshmallow import Schema, fields, validate

from services.common.auth import require_principal
from services.common.openapi import operation
from services.opportunities.api.common import json_body, json_response, load, runtime
from services.opportunities.domain.organisation import MemberRole
from services.opportunities.service_layer import organisations as use_cases

bp = Blueprint("members", __name__, url_prefix="/api/v1/organisations/<org_id>/members")
TAGS = ("organisations",)


class MemberIn(Schema):
    account_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    role = fields.Enum(MemberRole, by_value=True, required=True)


class MemberOut(Schema):
    account_id = fields.String()
    role = fields.String()


class MembersOut(Schema):
    organisation_id = fields.String()
    members = fields.List(fields.Nested(MemberOut))


def _members_view(org_id: str, members: dict[str, MemberRole]) -> dict:
    return {
        "organisation_id": org_id,
        "members": [{"account_id": a, "role": r.value} for a, r in sorted(members.items())],
    }


@bp.get("")
@operation(
    summary="Members of an organisation (members only)", tags=TAGS, responses={200: MembersOut}
)
def index(org_id: str) -> Response:
    principal = require_principal()
    return json_response(_members_view(org_id, use_cases.members(runtime(), principal, org_id)))


@bp.post("")
@operation(
    summary="Add a member or change their role (owners only)",
    tags=TAGS,
    body=MemberIn,
    responses={200: MembersOut, 201: MembersOut},
)
def add(org_id: str) -> Response:
    principal = require_principal()
    data = load(MemberIn(), json_body())
    org, created = use_cases.set_member(
        runtime(), principal, org_id, data["account_id"], data["role"]
    )
    return json_response(_members_view(org.id, org.members), 201 if created else 200)


@bp.delete("/<account_id>")
@operation(
    summary="Remove a member (owners; or yourself). One owner always stays",
    tags=TAGS,
    responses={204: None},
)
def remove(org_id: str, account_id: str) -> Response:
    principal = require_principal()
    use_cases.remove_member(runtime(), principal, org_id, account_id)
    return Response(status=204)
