"""HTTP handlers for roles (opportunities): create, edit, lifecycle actions, read, export."""

from __future__ import annotations

from flask import Blueprint, Response, request
from marshmallow import Schema, fields, validate

from services.common.auth import current_principal, require_principal
from services.common.openapi import operation
from services.opportunities.api.common import json_body, json_response, load, runtime
from services.opportunities.api.opportunity_schemas import (
    OpportunityIn,
    OpportunityOut,
    ReasonIn,
    load_changes,
    load_new,
    opportunity_view,
)
from services.opportunities.domain.errors import Forbidden
from services.opportunities.service_layer import opportunities as use_cases

bp = Blueprint("opportunities", __name__, url_prefix="/api/v1/opportunities")
TAGS = ("opportunities",)
EXPORT_ROLES = frozenset({"admin", "service"})


class ExportQuery(Schema):
    after = fields.String(load_default=None, metadata={"description": "Last id of the page before"})
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 1000))


class ExportOrganisationOut(Schema):
    id = fields.String()
    name = fields.String()
    moderation = fields.String()
    type = fields.String()
    postcode = fields.String(allow_none=True)


class ExportItemOut(Schema):
    opportunity_id = fields.String()
    revision = fields.Integer()
    opportunity = fields.Nested(OpportunityOut)
    organisation = fields.Nested(ExportOrganisationOut)


class ExportPageOut(Schema):
    items = fields.List(fields.Nested(ExportItemOut))
    next_after = fields.String(allow_none=True)
    next = fields.String(allow_none=True)


@bp.post("")
@operation(
    summary="Create a draft role", tags=TAGS, body=OpportunityIn, responses={201: OpportunityOut}
)
def create() -> Response:
    principal = require_principal()
    role = use_cases.create_opportunity(runtime(), principal, load_new(json_body()))
    return json_response(opportunity_view(role), 201, f"{bp.url_prefix}/{role.id}")


@bp.get("/<role_id>")
@operation(
    summary="A role (drafts only to its organisation's members)",
    tags=TAGS,
    responses={200: OpportunityOut},
)
def show(role_id: str) -> Response:
    role = use_cases.get_opportunity(runtime(), current_principal(), role_id)
    return json_response(opportunity_view(role))


@bp.patch("/<role_id>")
@operation(
    summary="Change some of a role's fields (a published role stays published)",
    tags=TAGS,
    body=OpportunityIn,
    responses={200: OpportunityOut},
)
def update(role_id: str) -> Response:
    principal = require_principal()
    changes = load_changes(json_body())
    role = use_cases.update_opportunity(runtime(), principal, role_id, changes)
    return json_response(opportunity_view(role))


@bp.delete("/<role_id>")
@operation(summary="Delete a draft role", tags=TAGS, responses={200: OpportunityOut})
def delete(role_id: str) -> Response:
    return _act(role_id, "delete")


@bp.post("/<role_id>/publish")
@operation(summary="Publish a role", tags=TAGS, responses={200: OpportunityOut})
def publish(role_id: str) -> Response:
    return _act(role_id, "publish")


@bp.post("/<role_id>/pause")
@operation(
    summary="Pause a published role", tags=TAGS, body=ReasonIn, responses={200: OpportunityOut}
)
def pause(role_id: str) -> Response:
    return _act(role_id, "pause", load(ReasonIn(), json_body())["reason"])


@bp.post("/<role_id>/close")
@operation(
    summary="Close a role for good", tags=TAGS, body=ReasonIn, responses={200: OpportunityOut}
)
def close(role_id: str) -> Response:
    return _act(role_id, "close", load(ReasonIn(), json_body())["reason"])


@bp.post("/<role_id>/confirm")
@operation(summary="Confirm a role is still recruiting", tags=TAGS, responses={200: OpportunityOut})
def confirm(role_id: str) -> Response:
    return _act(role_id, "confirm")


def _act(role_id: str, action: str, reason: str | None = None) -> Response:
    principal = require_principal()
    role = use_cases.act(runtime(), principal, role_id, action, reason)
    return json_response(opportunity_view(role))


@bp.get("/export")
@operation(
    summary="INTERNAL: every non-deleted role with its organisation, paged by id "
    "(search reindex; needs an admin or service token)",
    tags=("internal",),
    query=ExportQuery,
    responses={200: ExportPageOut},
)
def export() -> Response:
    principal = require_principal(verified=False)
    if not EXPORT_ROLES & principal.roles:
        raise Forbidden("The export is for the platform's own services.")
    query = load(ExportQuery(), request.args.to_dict())
    page = use_cases.export_page(runtime(), query["after"], query["limit"])
    items = [
        {
            "opportunity_id": listed.opportunity.id,
            "revision": listed.opportunity.revision,
            "opportunity": listed.opportunity.snapshot(),
            "organisation": {
                "id": listed.organisation.id,
                "name": listed.organisation.name,
                "moderation": listed.organisation.moderation.value,
                "type": listed.organisation.type.value,
                "postcode": listed.organisation.postcode,
            },
        }
        for listed in page
    ]
    after = items[-1]["opportunity_id"] if len(items) == query["limit"] else None
    link = f"{bp.url_prefix}/export?after={after}&limit={query['limit']}" if after else None
    return json_response({"items": items, "next_after": after, "next": link})
