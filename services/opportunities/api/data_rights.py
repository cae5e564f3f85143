"""``GET /api/v1/me/export/opportunities``: this service's part of the caller's data export
(the gateway puts every service's part together at ``GET /api/v1/me/export``)."""

from __future__ import annotations

from flask import Blueprint, Response

from services.common.auth import require_principal
from services.common.openapi import operation
from services.opportunities.api.common import json_response, runtime
from services.opportunities.service_layer import data_rights as use_cases

bp = Blueprint("data_rights", __name__, url_prefix="/api/v1/me/export")


@bp.get("/opportunities")
@operation(
    summary="Your memberships and moderation decisions (part of GET /api/v1/me/export)",
    tags=("data rights",),
    responses={200: None, 401: None},
)
def export_part() -> Response:
    principal = require_principal(verified=False)
    response = json_response(use_cases.export(runtime(), principal.account_id))
    response.headers["Cache-Control"] = "no-store"  # personal data: no cache keeps a copy
    return response
