"""HTTP handlers for organisations: thin, marshmallow at the edge, use cases behind."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import Schema, fields, validate

from services.common.openapi import operation
from services.common.problems import Problem
from services.common.runtime import ServiceRuntime
from services.opportunities.domain.model import Organisation, OrganisationType
from services.opportunities.service_layer import handlers

bp = Blueprint("organisations", __name__, url_prefix="/api/v1/organisations")


class OrganisationIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.Enum(OrganisationType, by_value=True, required=True)
    postcode = fields.String(load_default=None, validate=validate.Length(max=10))
    website = fields.URL(load_default=None, schemes={"http", "https"})
    description = fields.String(load_default="", validate=validate.Length(max=5000))


class OrganisationOut(Schema):
    id = fields.String()
    name = fields.String()
    type = fields.String()
    postcode = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    description = fields.String()
    registered_at = fields.DateTime()


def _runtime() -> ServiceRuntime:
    runtime: ServiceRuntime = current_app.extensions["runtime"]
    return runtime


def _dump(org: Organisation) -> dict:
    return OrganisationOut().dump({**org.__dict__, "type": org.type.value})


@bp.post("")
@operation(
    summary="Register an organisation",
    tags=("organisations",),
    body=OrganisationIn,
    responses={201: OrganisationOut},
)
def create() -> tuple[Response, int]:
    data = OrganisationIn().load(request.get_json(force=True, silent=False) or {})
    org = handlers.register_organisation(_runtime(), handlers.RegisterOrganisation(**data))
    response = jsonify(_dump(org))
    response.headers["Location"] = f"{bp.url_prefix}/{org.id}"
    return response, 201


@bp.get("/<org_id>")
@operation(summary="An organisation", tags=("organisations",), responses={200: OrganisationOut})
def show(org_id: str) -> Response:
    org = handlers.get_organisation(_runtime(), org_id)
    if org is None:
        raise Problem(404, "Not Found", f"There is no organisation {org_id}.")
    return jsonify(_dump(org))
