"""``/partner/v1``: partners register and manage their API keys.

Any signed-in user with a verified email address may register a partner and so becomes
its manager. Only a partner's managers (and admins) see it or its keys; to anyone else it
does not exist (404), so partner ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from marshmallow import Schema, ValidationError, fields, validate, validates

from gateway.partners import keys
from gateway.partners.enforce import partners
from gateway.partners.store import ApiKey
from services.common.api import json_body, json_response, load
from services.common.auth import Principal, require_principal
from services.common.openapi import operation
from services.common.problems import Problem

MAX_PER_MINUTE = 600
MAX_DAILY_QUOTA = 1_000_000
MAX_ORIGINS = 20
TAGS = ("partners",)


class PartnerIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    website = fields.Url(
        required=True, schemes={"http", "https"}, validate=validate.Length(max=500)
    )
    contact_email = fields.Email(required=True, validate=validate.Length(max=320))


class PartnerOut(Schema):
    id = fields.String()
    name = fields.String()
    website = fields.String()
    contact_email = fields.String()
    managers = fields.List(fields.String())
    created_at = fields.DateTime()


class PartnerList(Schema):
    partners = fields.List(fields.Nested(PartnerOut))


class KeyIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    per_minute = fields.Integer(load_default=60, validate=validate.Range(1, MAX_PER_MINUTE))
    daily_quota = fields.Integer(load_default=10_000, validate=validate.Range(1, MAX_DAILY_QUOTA))
    allowed_origins = fields.List(
        fields.String(), load_default=list, validate=validate.Length(max=MAX_ORIGINS)
    )

    @validates("allowed_origins")
    def _origins(self, value: list[str], **_: Any) -> None:
        for origin in value:
            if keys.normalise_origin(origin) is None:
                raise ValidationError(
                    f"'{origin[:100]}' is not an origin like https://example.org."
                )


class KeyOut(Schema):
    id = fields.String()
    name = fields.String()
    per_minute = fields.Integer()
    daily_quota = fields.Integer()
    allowed_origins = fields.List(fields.String())
    created_at = fields.DateTime()
    rotated_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    active = fields.Boolean()
    key = fields.String(metadata={"description": "Shown once, when made or rotated."})


class KeyList(Schema):
    keys = fields.List(fields.Nested(KeyOut))


def partner_blueprint() -> Blueprint:
    bp = Blueprint("partners", __name__, url_prefix="/partner/v1")

    @bp.post("/partners")
    @operation(summary="Register a partner", tags=TAGS, body=PartnerIn, responses={201: PartnerOut})
    def create_partner() -> Response:
        principal = require_principal()
        fields_in = load(PartnerIn(), json_body())
        partner = partners().store.create_partner(fields_in, principal.account_id)
        return json_response(partner, 201, location=f"/partner/v1/partners/{partner['id']}")

    @bp.get("/partners")
    @operation(summary="The partners you manage", tags=TAGS, responses={200: PartnerList})
    def my_partners() -> Response:
        principal = require_principal()
        managed = partners().store.partners_managed_by(principal.account_id)
        return json_response({"partners": managed})

    @bp.get("/partners/<partner_id>")
    @operation(summary="A partner you manage", tags=TAGS, responses={200: PartnerOut})
    def get_partner(partner_id: str) -> Response:
        return json_response(_managed(partner_id, require_principal()))

    @bp.post("/partners/<partner_id>/keys")
    @operation(summary="Make an API key", tags=TAGS, body=KeyIn, responses={201: KeyOut})
    def create_key(partner_id: str) -> Response:
        _managed(partner_id, require_principal())
        fields_in = load(KeyIn(), json_body())
        fields_in["allowed_origins"] = sorted(
            {keys.normalise_origin(o) or "" for o in fields_in["allowed_origins"]}
        )
        issued = keys.issue(keys.new_key_id())
        key = partners().store.add_key(partner_id, issued.key_id, issued.secret_hash, fields_in)
        body = {**key.public(), "key": issued.plaintext}
        return _no_store(json_response(body, 201, location=_key_url(key)))

    @bp.get("/partners/<partner_id>/keys")
    @operation(summary="A partner's keys (never secrets)", tags=TAGS, responses={200: KeyList})
    def list_keys(partner_id: str) -> Response:
        _managed(partner_id, require_principal())
        found = partners().store.keys_of(partner_id)
        return json_response({"keys": [key.public() for key in found]})

    @bp.post("/partners/<partner_id>/keys/<key_id>/rotate")
    @operation(summary="Give a key a new secret", tags=TAGS, responses={200: KeyOut})
    def rotate_key(partner_id: str, key_id: str) -> Response:
        key = _managed_key(partner_id, key_id, require_principal())
        if key.revoked_at is not None:
            raise Problem(409, "Conflict", "This key has been revoked; make a new one instead.")
        issued = keys.issue(key.id)
        partners().store.replace_secret(key.id, issued.secret_hash)
        rotated = partners().store.key(key.id)
        assert rotated is not None
        return _no_store(json_response({**rotated.public(), "key": issued.plaintext}))

    @bp.delete("/partners/<partner_id>/keys/<key_id>")
    @operation(summary="Revoke a key", tags=TAGS, responses={204: None})
    def revoke_key(partner_id: str, key_id: str) -> Response:
        key = _managed_key(partner_id, key_id, require_principal())
        partners().store.revoke(key.id)
        return Response(status=204)

    return bp


def _managed(partner_id: str, principal: Principal) -> dict[str, Any]:
    partner = partners().store.partner(partner_id)
    if partner is None or not (principal.is_admin or principal.account_id in partner["managers"]):
        raise Problem(404, "Not Found", f"There is nothing at {request.path}.")
    return partner


def _managed_key(partner_id: str, key_id: str, principal: Principal) -> ApiKey:
    _managed(partner_id, principal)
    key = partners().store.key(key_id)
    if key is None or key.partner_id != partner_id:
        raise Problem(404, "Not Found", f"There is nothing at {request.path}.")
    return key


def _key_url(key: ApiKey) -> str:
    return f"/partner/v1/partners/{key.partner_id}/keys/{key.id}"


def _no_store(response: Response) -> Response:
    # The one response that carries a secret must not sit in any cache.
    response.headers["Cache-Control"] = "no-store"
    return response
