"""``/api/v1/me``: the signed-in person's data rights here (UK GDPR articles 15 and 17).

``GET /api/v1/me/export/volunteers`` is this service's part of the export; the gateway puts
every service's part together at ``GET /api/v1/me/export``. ``DELETE /api/v1/me`` erases the
account (202: the other services follow within a minute, from the ``AccountErased`` event).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from marshmallow import Schema, fields

from services.common.auth import require_principal
from services.common.openapi import operation
from services.volunteers.api.auth import SESSION_COOKIE
from services.volunteers.api.common import client_ip, json_body, json_response, load, runtime
from services.volunteers.domain.data_rights import ERASURE_ACCEPTED
from services.volunteers.service_layer import data_rights as use_cases

bp = Blueprint("data_rights", __name__, url_prefix="/api/v1/me")
TAGS = ("data rights",)


class EraseIn(Schema):
    password = fields.String(
        required=True,
        metadata={"description": "The account's password, again: a token alone is not enough"},
        error_messages={
            "required": "Enter your password to delete your account",
            "null": "Enter your password to delete your account",
            "invalid": "This must be text",
        },
    )


class ErasedOut(Schema):
    detail = fields.String()
    erased_at = fields.DateTime()


@bp.get("/export/volunteers")
@operation(
    summary="What the volunteers service holds about you (part of GET /api/v1/me/export)",
    tags=TAGS,
    responses={200: None, 401: None},
)
def export_part() -> Response:
    principal = require_principal(verified=False)
    response = json_response(use_cases.export(runtime(), principal.account_id))
    response.headers["Cache-Control"] = "no-store"  # personal data: no cache keeps a copy
    return response


@bp.delete("")
@operation(
    summary="Delete your account and everything held about you (give your password)",
    tags=TAGS,
    body=EraseIn,
    responses={202: ErasedOut, 401: None, 404: None, 422: None, 429: None},
)
def erase() -> Response:
    principal = require_principal(verified=False)
    data = load(EraseIn(), json_body())
    erased = use_cases.erase(
        runtime(), principal.account_id, password=data["password"], ip=client_ip()
    )
    response = json_response({"detail": ERASURE_ACCEPTED, "erased_at": erased.erased_at}, 202)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=current_app.config["VMP"].production,
    )
    return response
