"""HTTP handlers for organisations: thin, marshmallow at the edge, use cases behind."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from marshmallow import Schema, fields, validate

from services.common.auth import Principal, current_principal, require_principal
from services.common.openapi import operation
from services.opportunities.api.common import json_body, json_response, load, runtime
from services.opportunities.api.opportunity_schemas import OpportunityOut, opportunity_view
from services.opportunities.domain.errors import NotFound
from services.opportunities.domain.organisation import Organisation, OrganisationType
from services.opportunities.service_layer import opportunities as roles
from services.opportunities.service_layer import organisations as use_cases

bp = Blueprint("organisations", __name__, url_prefix="/api/v1/organisations")


class OrganisationIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.Enum(OrganisationType, by_value=True, required=True)
    postcode = fields.String(load_default=None, validate=validate.Length(max=10))
    website = fields.URL(
        load_default=None, schemes={"http", "https"}, validate=validate.Length(max=500)
    )
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    charity_number = fields.String(load_default=None, validate=validate.Length(max=20))


class CatchmentIn(Schema):
    outward_codes = fields.List(
        fields.String(validate=validate.Length(min=1, max=8)),
        load_default=list,
        validate=validate.Length(max=500),
    )
    districts = fields.List(
        fields.String(validate=validate.Length(min=1, max=12)),
        load_default=list,
        validate=validate.Length(max=100),
    )


class OrganisationPatch(Schema):
    """Any subset of the profile; ``catchment`` for Volunteer Centres (owners and admins)."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    type = fields.Enum(OrganisationType, by_value=True)
    postcode = fields.String(allow_none=True, validate=validate.Length(max=10))
    website = fields.URL(
        allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=500)
    )
    description = fields.String(validate=validate.Length(max=5000))
    charity_number = fields.String(allow_none=True, validate=validate.Length(max=20))
    catchment = fields.Nested(CatchmentIn)


class CatchmentOut(Schema):
    outward_codes = fields.List(fields.String())
    districts = fields.List(fields.String())


class OrganisationOut(Schema):
    id = fields.String()
    name = fields.String()
    type = fields.String()
    postcode = fields.String(allow_none=True)
    district_code = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    description = fields.String()
    charity_number = fields.String(allow_none=True)
    moderation = fields.String(metadata={"enum": ["pending", "approved", "rejected"]})
    moderation_reason = fields.String(allow_none=True)
    registered_at = fields.DateTime()
    updated_at = fields.DateTime()
    catchment = fields.Nested(CatchmentOut, allow_none=True)
    your_role = fields.String(allow_none=True, metadata={"description": "owner, editor or null"})


class MemberQuery(Schema):
    member = fields.String(
        required=True,
        validate=validate.Equal("me", error="Only member=me is supported."),
        metadata={"description": "me: the organisations you are an owner or editor of"},
    )


class OrganisationListOut(Schema):
    items = fields.List(fields.Nested(OrganisationOut))


class OpportunityListOut(Schema):
    items = fields.List(fields.Nested(OpportunityOut))


def organisation_view(org: Organisation, viewer: Principal | None = None) -> dict[str, Any]:
    role = org.role_of(viewer)
    catchment = org.catchment
    return {
        "id": org.id,
        "name": org.name,
        "type": org.type.value,
        "postcode": org.postcode,
        "district_code": org.district_code,
        "website": org.website,
        "description": org.description,
        "charity_number": org.charity_number,
        "moderation": org.moderation.value,
        # why it was rejected is between the organisation and its moderators
        "moderation_reason": org.moderation_reason if org.can_edit(viewer) else None,
        "registered_at": org.registered_at,
        "updated_at": org.updated_at or org.registered_at,
        "catchment": {
            "outward_codes": list(catchment.outward_codes),
            "districts": list(catchment.districts),
        }
        if org.is_volunteer_centre
        else None,
        "your_role": role.value if role else None,
    }


@bp.post("")
@operation(
    summary="Register an organisation (you become its owner)",
    tags=("organisations",),
    body=OrganisationIn,
    responses={201: OrganisationOut},
)
def create() -> Response:
    principal = require_principal()
    data = load(OrganisationIn(), json_body())
    command = use_cases.RegisterOrganisation(
        **data, owner_id=principal.account_id, by_admin=principal.is_admin
    )
    org = use_cases.register_organisation(runtime(), command)
    return json_response(organisation_view(org, principal), 201, f"{bp.url_prefix}/{org.id}")


@bp.get("")
@operation(
    summary="The organisations you are a member of (?member=me)",
    tags=("organisations",),
    query=MemberQuery,
    responses={200: OrganisationListOut},
)
def index() -> Response:
    # Only "me" for now: a public directory of organisations would be a separate decision.
    principal = require_principal(verified=False)
    load(MemberQuery(), request.args.to_dict())
    found = use_cases.member_of(runtime(), principal)
    return json_response({"items": [organisation_view(org, principal) for org in found]})


@bp.get("/<org_id>")
@operation(summary="An organisation", tags=("organisations",), responses={200: OrganisationOut})
def show(org_id: str) -> Response:
    org = use_cases.get_organisation(runtime(), org_id)
    if org is None:
        raise NotFound(f"There is no organisation {org_id}.")
    return json_response(organisation_view(org, current_principal()))


@bp.patch("/<org_id>")
@operation(
    summary="Change an organisation's profile or a Volunteer Centre's catchment",
    tags=("organisations",),
    body=OrganisationPatch,
    responses={200: OrganisationOut},
)
def update(org_id: str) -> Response:
    principal = require_principal()
    changes = load(OrganisationPatch(), json_body())
    org = use_cases.update_organisation(runtime(), principal, org_id, changes)
    return json_response(organisation_view(org, principal))


@bp.get("/<org_id>/opportunities")
@operation(
    summary="An organisation's roles (members see all, others the published ones)",
    tags=("organisations", "opportunities"),
    responses={200: OpportunityListOut},
)
def opportunities(org_id: str) -> Response:
    found = roles.for_organisation(runtime(), current_principal(), org_id)
    return json_response({"items": [opportunity_view(role) for role in found]})
