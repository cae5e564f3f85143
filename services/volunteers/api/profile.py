"""``/api/v1/me/profile``: the signed-in volunteer's profile (theirs alone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from marshmallow import Schema, ValidationError, fields, validate, validates

from services.common.api import json_body
from services.common.auth import require_principal
from services.common.envelope import utcnow
from services.common.geo.postcodes import UnknownPostcode
from services.common.openapi import operation
from services.common.problems import flatten_errors
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput
from services.common.vocab.vocabularies import load_vocabularies
from services.volunteers.adapters.profile_tables import ProfileRepository
from services.volunteers.domain.profile import CONSENTS, CONTACT_CHANNELS, MAX_TRAVEL_KM, Profile

bp = Blueprint("profile", __name__, url_prefix="/api/v1/me/profile")
COMMITMENTS = ("one_off", "regular", "flexible", "micro")


def _codes(vocabulary: str) -> fields.List:
    def check(codes: list[str]) -> None:
        errors = load_vocabularies()[vocabulary].validate(codes)
        if errors:
            raise ValidationError(errors)

    return fields.List(fields.String(), validate=check)


class ProfileIn(Schema):
    postcode = fields.String(allow_none=True, validate=validate.Length(max=10))
    travel_km = fields.Float(validate=validate.Range(min=0, max=MAX_TRAVEL_KM, min_inclusive=False))
    causes = _codes("causes")
    skills = _codes("skills")
    availability = _codes("session_times")
    commitments = fields.List(fields.String(validate=validate.OneOf(COMMITMENTS)))
    date_of_birth = fields.Date(allow_none=True)
    accessibility_needs = fields.String(validate=validate.Length(max=2000))
    contact_channels = fields.List(fields.String(validate=validate.OneOf(CONTACT_CHANNELS)))
    phone = fields.String(allow_none=True, validate=validate.Length(max=30))
    consents = fields.Dict(
        keys=fields.String(validate=validate.OneOf(CONSENTS)), values=fields.Boolean()
    )

    @validates("date_of_birth")
    def _born(self, value: dt.date | None, **_kw: Any) -> None:
        if value is not None and not dt.date(1900, 1, 1) <= value <= dt.date.today():
            raise ValidationError("Enter a real date of birth.")


def _runtime() -> ServiceRuntime:
    runtime: ServiceRuntime = current_app.extensions["runtime"]
    return runtime


def view(profile: Profile) -> dict[str, Any]:
    return {
        "postcode": profile.postcode,
        "travel_km": profile.travel_km,
        "causes": list(profile.causes),
        "skills": list(profile.skills),
        "availability": list(profile.availability),
        "commitments": list(profile.commitments),
        "date_of_birth": profile.date_of_birth.isoformat() if profile.date_of_birth else None,
        "accessibility_needs": profile.accessibility_needs,
        "contact_channels": list(profile.contact_channels),
        "phone": profile.phone,
        "consents": {
            name: {"given": c.given, "at": c.at.isoformat()} for name, c in profile.consents.items()
        },
        "updated_at": profile.updated_at.isoformat() if profile.updated_at else None,
    }


@bp.get("")
@operation(summary="Your volunteer profile", tags=("profile",))
def show() -> Response:
    principal = require_principal(verified=False)
    runtime = _runtime()
    with runtime.session_factory() as session:
        return jsonify(view(ProfileRepository(session).get(principal.account_id)))


@bp.patch("")
@operation(summary="Change your volunteer profile", tags=("profile",), body=ProfileIn)
def change() -> Response:
    principal = require_principal(verified=False)
    try:
        changes: dict[str, Any] = ProfileIn().load(json_body())
    except ValidationError as exc:
        raise InvalidInput(flatten_errors(exc.messages)) from exc
    runtime = _runtime()
    if "postcode" in changes:
        changes.update(_place(runtime, changes["postcode"]))
    for name in ("causes", "skills", "availability", "commitments", "contact_channels"):
        if name in changes:
            changes[name] = tuple(dict.fromkeys(changes[name]))
    now = runtime.extensions.get("clock", utcnow)()
    with runtime.session_factory() as session, session.begin():
        repository = ProfileRepository(session)
        profile = repository.get(principal.account_id).changed(now, **changes)
        repository.save(profile)
    return jsonify(view(profile))


def _place(runtime: ServiceRuntime, postcode: str | None) -> dict[str, Any]:
    if not postcode:
        return {"postcode": None, "latitude": None, "longitude": None}
    try:
        found = runtime.extensions["geocoder"].lookup(postcode)
    except UnknownPostcode as exc:
        raise InvalidInput.field("postcode", exc.message) from exc
    return {"postcode": found.postcode, "latitude": found.latitude, "longitude": found.longitude}
