"""``GET /api/v1/me/suggestions``: published roles ranked for the signed-in volunteer, each
with the reasons it was suggested ("2.3 km away", "Older people", "Monday mornings")."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, request

from services.common.auth import require_principal
from services.common.envelope import utcnow
from services.common.openapi import operation
from services.common.runtime import ServiceRuntime
from services.common.vocab.vocabularies import load_vocabularies
from services.search.domain.documents import GeoPoint
from services.volunteers.adapters.copies import organisation_copies, role_copies
from services.volunteers.adapters.profile_tables import ProfileRepository
from services.volunteers.domain.matching import Role, Suggestion, VolunteerProfile, suggest
from services.volunteers.domain.profile import Profile

bp = Blueprint("suggestions", __name__, url_prefix="/api/v1/me/suggestions")
UK = ZoneInfo("Europe/London")
# Requirements a volunteer's verified credentials can meet (the credentials wallet arrives
# with micro-volunteering; until then none are assumed).
NO_CHECKS: frozenset[str] = frozenset()


def labels() -> dict[str, str]:
    found: dict[str, str] = {}
    vocabularies = load_vocabularies()
    for name in vocabularies.names():
        for concept in vocabularies[name].concepts:
            found[concept.code] = concept.label
    return found


def matching_profile(profile: Profile) -> VolunteerProfile:
    home = None
    if profile.latitude is not None and profile.longitude is not None:
        home = GeoPoint(profile.latitude, profile.longitude, profile.postcode)
    return VolunteerProfile(
        home=home,
        travel_km=profile.travel_km,
        causes=frozenset(profile.causes),
        skills=frozenset(profile.skills),
        availability=frozenset(profile.availability),
        commitments=frozenset(profile.commitments),
        date_of_birth=profile.date_of_birth,
        checks=NO_CHECKS,
    )


def published_roles(session: Any) -> list[Role]:
    """Published roles of approved organisations, from this service's copies."""
    rows = session.execute(
        sa.select(role_copies.c.snapshot)
        .join(organisation_copies, organisation_copies.c.id == role_copies.c.organisation_id)
        .where(role_copies.c.status == "published", organisation_copies.c.moderation == "approved")
    ).scalars()
    return [Role.from_snapshot(snapshot) for snapshot in rows]


def _view(found: Suggestion) -> dict[str, Any]:
    return {
        "id": found.role.id,
        "title": found.role.title,
        "organisation_id": found.role.organisation_id,
        "score": found.score,
        "distance_km": None if found.distance_km is None else round(found.distance_km, 2),
        "reasons": list(found.reasons),
        "unmet_requirements": list(found.unmet_requirements),
    }


@bp.get("")
@operation(summary="Roles suggested for you, with reasons", tags=("profile",))
def suggestions() -> Response:
    principal = require_principal(verified=False)
    runtime: ServiceRuntime = current_app.extensions["runtime"]
    limit = min(max(request.args.get("limit", 20, type=int) or 20, 1), 50)
    today = runtime.extensions.get("clock", utcnow)().astimezone(UK).date()
    with runtime.session_factory() as session:
        profile = ProfileRepository(session).get(principal.account_id)
        roles = published_roles(session)
    found = suggest(matching_profile(profile), roles, today, limit, labels())
    return jsonify({"items": [_view(s) for s in found], "as_of": today.isoformat()})
