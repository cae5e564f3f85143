"""From the opportunities service's snapshot of a role to what search shows, and whether.

A role reaches search only while it is published and its organisation is approved; an
expired closing date keeps it out at query time too (``SearchQuery.today``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from services.search.domain.documents import GeoPoint, RoleDocument

# Parts of the day as the UK Volunteering Data session-time list defines them
# (MondayMorning 06:00-12:00, afternoon 12:00-18:00, evening 18:00 onwards).
_PARTS = (
    ("Morning", "06:00", "12:00"),
    ("Afternoon", "12:00", "18:00"),
    ("Evening", "18:00", "24:00"),
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def is_searchable(snapshot: Mapping[str, Any], moderation: str | None) -> bool:
    """Published, and its organisation approved (``None``: not heard of it yet)."""
    return snapshot.get("status") == "published" and moderation == "approved"


def session_codes(
    sessions: Iterable[str], dated_sessions: Iterable[Mapping[str, str]]
) -> tuple[str, ...]:
    """Weekday x part-of-day codes: the role's own, plus those its dated sessions fall in."""
    codes = set(sessions)
    for session in dated_sessions:
        day = _DAYS[dt.date.fromisoformat(session["date"]).weekday()]
        starts, ends = session["starts"], session["ends"]
        for part, part_starts, part_ends in _PARTS:
            if starts < part_ends and ends > part_starts:  # "HH:MM" strings order as times
                codes.add(day + part)
    return tuple(sorted(codes))


def to_document(snapshot: Mapping[str, Any], organisation_name: str) -> RoleDocument:
    return RoleDocument(
        id=snapshot["id"],
        title=snapshot["title"],
        summary=snapshot.get("summary") or "",
        description=snapshot.get("description") or "",
        organisation_id=snapshot["organisation_id"],
        organisation_name=organisation_name,
        commitment=snapshot["commitment"],
        remote=bool(snapshot["remote"]),
        published_at=_moment(snapshot.get("published_at") or snapshot["updated_at"]),
        updated_at=_moment(snapshot["updated_at"]),
        locations=tuple(
            GeoPoint(float(p["latitude"]), float(p["longitude"]), p.get("postcode"))
            for p in snapshot.get("locations") or ()
        ),
        causes=tuple(snapshot.get("causes") or ()),
        skills=tuple(snapshot.get("skills") or ()),
        requirements=tuple(snapshot.get("requirements") or ()),
        accessibility=tuple(snapshot.get("accessibility") or ()),
        sessions=session_codes(
            snapshot.get("sessions") or (), snapshot.get("dated_sessions") or ()
        ),
        minimum_age=snapshot.get("minimum_age"),
        maximum_age=snapshot.get("maximum_age"),
        starts_on=_day(snapshot.get("starts_on")),
        ends_on=_day(snapshot.get("ends_on")),
        closes_on=_day(snapshot.get("closes_on")),
    )


def _moment(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
