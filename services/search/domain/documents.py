"""What the search index holds about one role, and what a search returns.

Plain dataclasses shared by both index adapters (SQLite FTS5 + R*Tree, Elasticsearch) and
the scenario suite that checks they agree. No Flask, SQLAlchemy, Kafka or ES here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FACETS = ("causes", "skills", "commitment", "accessibility", "remote")


@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: float
    longitude: float
    postcode: str | None = None


@dataclass(frozen=True)
class RoleDocument:
    """A published role as it is indexed: only roles that may be shown ever become one."""

    id: str
    title: str
    summary: str
    description: str
    organisation_id: str
    organisation_name: str
    commitment: str
    remote: bool
    published_at: dt.datetime
    updated_at: dt.datetime
    locations: tuple[GeoPoint, ...] = ()
    causes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    # Weekday x part-of-day codes (MondayMorning), dated sessions included as their codes.
    sessions: tuple[str, ...] = ()
    minimum_age: int | None = None
    maximum_age: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    closes_on: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "description": self.description,
            "organisation_id": self.organisation_id,
            "organisation_name": self.organisation_name,
            "commitment": self.commitment,
            "remote": self.remote,
            "published_at": self.published_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "locations": [
                {"postcode": p.postcode, "latitude": p.latitude, "longitude": p.longitude}
                for p in self.locations
            ],
            "causes": list(self.causes),
            "skills": list(self.skills),
            "requirements": list(self.requirements),
            "accessibility": list(self.accessibility),
            "sessions": list(self.sessions),
            "minimum_age": self.minimum_age,
            "maximum_age": self.maximum_age,
            "starts_on": _iso(self.starts_on),
            "ends_on": _iso(self.ends_on),
            "closes_on": _iso(self.closes_on),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> RoleDocument:
        return cls(
            id=raw["id"],
            title=raw["title"],
            summary=raw.get("summary") or "",
            description=raw.get("description") or "",
            organisation_id=raw["organisation_id"],
            organisation_name=raw["organisation_name"],
            commitment=raw["commitment"],
            remote=bool(raw["remote"]),
            published_at=dt.datetime.fromisoformat(raw["published_at"]),
            updated_at=dt.datetime.fromisoformat(raw["updated_at"]),
            locations=tuple(
                GeoPoint(float(p["latitude"]), float(p["longitude"]), p.get("postcode"))
                for p in raw.get("locations") or ()
            ),
            causes=tuple(raw.get("causes") or ()),
            skills=tuple(raw.get("skills") or ()),
            requirements=tuple(raw.get("requirements") or ()),
            accessibility=tuple(raw.get("accessibility") or ()),
            sessions=tuple(raw.get("sessions") or ()),
            minimum_age=raw.get("minimum_age"),
            maximum_age=raw.get("maximum_age"),
            starts_on=_date(raw.get("starts_on")),
            ends_on=_date(raw.get("ends_on")),
            closes_on=_date(raw.get("closes_on")),
        )


@dataclass(frozen=True)
class Hit:
    document: RoleDocument
    # Distance to the nearest location when the search has an origin and the role has
    # locations; None for remote-only roles or searches without a place.
    distance_km: float | None
    nearest: GeoPoint | None
    score: float | None
    # One snippet of matching text, HTML-escaped, matches wrapped in <mark>; None without q.
    highlight: str | None
    # The adapter's sort values for this hit; opaque to everyone else (cursor material).
    sort_values: tuple[Any, ...] = ()


@dataclass
class SearchPage:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Sort values after which the next page starts, when there is one.
    next_after: tuple[Any, ...] | None = None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
