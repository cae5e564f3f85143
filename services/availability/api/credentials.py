"""``/api/v1/credentials``: the signed-in volunteer's wallet of checks and training, who may
see it, and verification by those organisations.

A DBS check is recorded by its level, workforce, issue date and whether it is on the DBS
Update Service: never its certificate number or contents, so any other field is refused.
Someone else's credential, or one not shared with the organisation asking, is a 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response
from flask import request as flask_request
from marshmallow import EXCLUDE, Schema, fields, validate

from services.availability.domain.model import DBS_LEVELS, TRAINING_TYPES, WORKFORCES
from services.availability.domain.wallet import KINDS
from services.availability.service_layer import wallet as use_cases
from services.common.api import json_body, json_response, load, runtime
from services.common.auth import require_principal
from services.common.openapi import operation

bp = Blueprint("availability_credentials", __name__, url_prefix="/api/v1/credentials")
TAGS = ("micro-volunteering: credentials",)
_DBS = "kind dbs only"
_TRAINING = "kind training only"
_REQUIREMENT = "kind requirement only"


def _note(text: str) -> dict[str, Any]:
    return {"metadata": {"description": text}}


class CredentialIn(Schema):
    """Fields by kind -- dbs: level, workforce, issued_on, update_service; training: type,
    completed_on, expires_on; requirement: code, obtained_on, expires_on."""

    error_messages = {
        "unknown": "Unknown field. A credential holds only the fields listed for its kind: "
        "never send a DBS certificate's number or contents."
    }

    kind = fields.String(
        required=True, validate=validate.OneOf(KINDS), **_note("dbs|training|requirement")
    )
    level = fields.String(**_note(f"{_DBS}: {' | '.join(DBS_LEVELS)}"))
    workforce = fields.String(**_note(f"{_DBS}: {' | '.join(WORKFORCES)}"))
    issued_on = fields.Date(**_note(f"{_DBS}: the certificate's issue date"))
    update_service = fields.Boolean(**_note(f"{_DBS}: on the DBS Update Service (default false)"))
    type = fields.String(**_note(f"{_TRAINING}: {', '.join(TRAINING_TYPES)}"))
    completed_on = fields.Date(**_note(f"{_TRAINING}: the day you completed it"))
    code = fields.String(
        validate=validate.Length(max=40),
        **_note(f"{_REQUIREMENT}: a UK Volunteering Data requirement code, e.g. IDCheck"),
    )
    obtained_on = fields.Date(**_note(f"{_REQUIREMENT}: the day you got it"))
    expires_on = fields.Date(allow_none=True, **_note("training or requirement: when it lapses"))


class VerifiedBy(Schema):
    organisation_id = fields.String()
    name = fields.String()


class CredentialOut(CredentialIn):
    class Meta:
        unknown = EXCLUDE

    id = fields.String()
    label = fields.String()
    valid_until = fields.Date(
        allow_none=True,
        **_note("Its expiry, or for a DBS check not on the Update Service its 3-year recheck"),
    )
    status = fields.String(**_note("valid | expiring_soon (within 30 days) | expired"))
    verified = fields.Boolean()
    verified_by = fields.Nested(VerifiedBy, allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CredentialList(Schema):
    items = fields.List(fields.Nested(CredentialOut))


class SharesIn(Schema):
    organisation_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(max=100),
        **_note("Every organisation that may see your credentials; [] for none"),
    )


class ShareOut(Schema):
    organisation_id = fields.String()
    name = fields.String()
    granted_at = fields.DateTime()


class SharesOut(Schema):
    organisation_ids = fields.List(fields.String())
    organisations = fields.List(fields.Nested(ShareOut))


class VerifyIn(Schema):
    organisation_id = fields.String(
        required=True, validate=validate.Length(min=1, max=36), **_note("Who is verifying")
    )


class SharedQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    organisation_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class Sharer(Schema):
    account_id = fields.String()
    shared_at = fields.DateTime()
    credentials = fields.List(fields.Nested(CredentialOut))


class SharedOut(Schema):
    organisation_id = fields.String()
    items = fields.List(fields.Nested(Sharer))
    page = fields.Integer()
    per_page = fields.Integer()
    next = fields.String(allow_none=True, **_note("The next page's path, or null"))


@bp.get("")
@operation(summary="Your credentials wallet", tags=TAGS, responses={200: CredentialList})
def index() -> Response:
    principal = require_principal()
    return json_response({"items": use_cases.list_mine(runtime(), principal.account_id)})


@bp.post("")
@operation(
    summary="Add a DBS check, a training record or another requirement to your wallet",
    tags=TAGS,
    body=CredentialIn,
    responses={201: CredentialOut, 409: "The wallet is full", 422: "Invalid"},
)
def create() -> Response:
    principal = require_principal()
    doc = load(CredentialIn(), json_body())
    created = use_cases.add(runtime(), principal.account_id, doc)
    return json_response(created, 201, location=f"{bp.url_prefix}/{created['id']}")


@bp.get("/shares")
@operation(
    summary="The organisations that may see your credentials", tags=TAGS, responses={200: SharesOut}
)
def shares() -> Response:
    principal = require_principal()
    return json_response(_shares_view(use_cases.shares(runtime(), principal.account_id)))


@bp.put("/shares")
@operation(
    summary="Choose the organisations that may see (and verify) your credentials",
    tags=TAGS,
    body=SharesIn,
    responses={200: SharesOut, 422: "An organisation id is unknown"},
)
def replace_shares() -> Response:
    principal = require_principal()
    ids = load(SharesIn(), json_body())["organisation_ids"]
    return json_response(
        _shares_view(use_cases.replace_shares(runtime(), principal.account_id, ids))
    )


@bp.get("/shared")
@operation(
    summary="Volunteers who share their credentials with your organisation",
    tags=TAGS,
    query=SharedQuery,
    responses={200: SharedOut, 403: "Not a member or Volunteer Centre staff of it"},
)
def shared() -> Response:
    principal = require_principal()
    query = load(SharedQuery(), flask_request.args.to_dict())
    org, page, per_page = query["organisation_id"], query["page"], query["per_page"]
    found = use_cases.shared_with(
        runtime(), principal.account_id, principal.centres, org, page, per_page
    )
    following = None
    if found["more"]:
        args = urlencode({"organisation_id": org, "page": page + 1, "per_page": per_page})
        following = f"{bp.url_prefix}/shared?{args}"
    body = {"organisation_id": org, "items": found["items"], "page": page,
            "per_page": per_page, "next": following}  # fmt: skip
    return json_response(body)


@bp.get("/<credential_id>")
@operation(summary="One of your credentials", tags=TAGS, responses={200: CredentialOut})
def show(credential_id: str) -> Response:
    principal = require_principal()
    return json_response(use_cases.get(runtime(), principal.account_id, credential_id))


@bp.patch("/<credential_id>")
@operation(
    summary="Correct or renew a credential (changing it clears its verification)",
    tags=TAGS,
    body=CredentialIn,
    responses={200: CredentialOut, 422: "Invalid"},
)
def change(credential_id: str) -> Response:
    principal = require_principal()
    changes = load(CredentialIn(), json_body(), partial=True)
    return json_response(use_cases.change(runtime(), principal.account_id, credential_id, changes))


@bp.delete("/<credential_id>")
@operation(summary="Remove a credential from your wallet", tags=TAGS, responses={204: None})
def delete(credential_id: str) -> Response:
    principal = require_principal()
    use_cases.delete(runtime(), principal.account_id, credential_id)
    return Response(status=204)


@bp.post("/<credential_id>/verify")
@operation(
    summary="Verify a credential shared with your organisation or Volunteer Centre",
    tags=TAGS,
    body=VerifyIn,
    responses={200: CredentialOut, 403: "Not a member or staff of it", 404: "Not shared with it"},
)
def verify(credential_id: str) -> Response:
    principal = require_principal()
    org = load(VerifyIn(), json_body())["organisation_id"]
    found = use_cases.verify(runtime(), principal.account_id, principal.centres, credential_id, org)
    return json_response(found)


def _shares_view(held: list[dict[str, Any]]) -> dict[str, Any]:
    return {"organisation_ids": [s["organisation_id"] for s in held], "organisations": held}
