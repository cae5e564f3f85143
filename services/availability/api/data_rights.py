"""``GET /api/v1/me/export/availability``: this service's part of the caller's data export
(the gateway's ``GET /api/v1/me/export`` gathers every service's part)."""

from __future__ import annotations

from flask import Blueprint, Response

from services.availability.service_layer import data_rights
from services.common.api import json_response, runtime
from services.common.auth import require_principal
from services.common.openapi import operation

bp = Blueprint("availability_data_rights", __name__, url_prefix="/api/v1/me/export")


@bp.get("/availability")
@operation(summary="What the availability service holds about you", tags=("data rights",))
def export_part() -> Response:
    principal = require_principal(verified=False)
    response = json_response(data_rights.export(runtime(), principal.account_id))
    response.headers["Cache-Control"] = "no-store"
    return response
