"""Suggested roles for a volunteer (``GET /api/v1/me/suggestions``), and why.

Hard filters: a role is only ever suggested when

- the volunteer can get there: one of its locations is within ``travel_km`` of home
  (great-circle, inclusive, as in search), or it can be done remotely. Without a home
  location only remote roles qualify: we cannot say an in-person role is near;
- the volunteer's age is within the role's limits, when the date of birth is known. Age
  goes up on the birthday; someone born on 29 February turns a year older on 1 March in
  other years (the later reading, which is the safe one for minimum ages);
- it has not expired: ``closes_on`` is today or later, or unset.

Score, between 0 and 1, a weighted sum of components each between 0 and 1:

==============  ======  ===========================================================
component       weight  value
==============  ======  ===========================================================
distance        0.25    ``1 - km / travel_km`` for the nearest reachable location
                        (1 when travel_km is 0); a remote role scores at least 0.5
causes          0.30    shared causes / min(volunteer's, role's, 2)
skills          0.15    shared skills / min(volunteer's, role's, 2)
availability    0.15    shared session codes / min(volunteer's, role's, 2)
commitment      0.05    1 when the role's commitment is one the volunteer prefers
requirements    0.10    share of the role's requirements the volunteer already holds
                        (1 when it has none)
==============  ======  ===========================================================

Overlaps saturate at 2: sharing two causes, or every cause the shorter list has, is a full
match, so a volunteer who ticks many causes is not penalised. A requirement the volunteer
lacks (a DBS check the organisation will arrange) lowers the score but never excludes.
Scores are rounded to 4 decimal places; ties go to the nearer role (remote-only last), then
to the smaller id, so the order is stable.

``reasons`` are short phrases in a fixed order: distance, "Can be done remotely", shared
causes, shared skills, shared sessions grouped by day ("Monday mornings", "Weekend
afternoons"), the preferred commitment, requirements already held. Labels come from the
caller's ``labels`` mapping (code -> label), so this module reads no files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from services.common.geo.distance import distance_km
from services.search.domain.documents import GeoPoint

WEIGHTS: Mapping[str, float] = {
    "distance": 0.25,
    "causes": 0.30,
    "skills": 0.15,
    "availability": 0.15,
    "commitment": 0.05,
    "requirements": 0.10,
}
FULL_OVERLAP = 2
REMOTE_CLOSENESS = 0.5
SIMILAR_RADIUS_KM = 15.0
SIMILAR_WEIGHTS: Mapping[str, float] = {"causes": 0.5, "skills": 0.3, "distance": 0.2}

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS_OF_DAY = ("morning", "afternoon", "evening")
_SESSION = re.compile(rf"({'|'.join(DAYS)})(Morning|Afternoon|Evening)")
COMMITMENT_PHRASES: Mapping[str, str] = {
    "one_off": "One-off",
    "regular": "Regular commitment",
    "flexible": "Flexible commitment",
    "micro": "Micro-volunteering",
}


@dataclass(frozen=True)
class VolunteerProfile:
    """What a volunteer told us about themselves; ``checks`` are requirement codes held."""

    home: GeoPoint | None = None
    travel_km: float = 10.0
    causes: AbstractSet[str] = frozenset()
    skills: AbstractSet[str] = frozenset()
    availability: AbstractSet[str] = frozenset()
    commitments: AbstractSet[str] = frozenset()
    date_of_birth: dt.date | None = None
    checks: AbstractSet[str] = frozenset()


@dataclass(frozen=True)
class Role:
    """A published role, as much of it as matching needs."""

    id: str
    title: str
    organisation_id: str = ""
    locations: tuple[GeoPoint, ...] = ()
    remote: bool = False
    causes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    commitment: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    requirements: tuple[str, ...] = ()
    closes_on: dt.date | None = None

    @classmethod
    def from_snapshot(cls, raw: Mapping[str, Any]) -> Role:
        """From ``data.opportunity`` of an opportunities v1 event."""
        closes_on = raw.get("closes_on")
        return cls(
            id=raw["id"],
            title=raw["title"],
            organisation_id=raw["organisation_id"],
            locations=tuple(
                GeoPoint(float(p["latitude"]), float(p["longitude"]), p.get("postcode"))
                for p in raw.get("locations") or ()
            ),
            remote=bool(raw.get("remote")),
            causes=tuple(raw.get("causes") or ()),
            skills=tuple(raw.get("skills") or ()),
            sessions=tuple(raw.get("sessions") or ()),
            commitment=raw.get("commitment"),
            minimum_age=raw.get("minimum_age"),
            maximum_age=raw.get("maximum_age"),
            requirements=tuple(raw.get("requirements") or ()),
            closes_on=dt.date.fromisoformat(closes_on) if closes_on else None,
        )


@dataclass(frozen=True)
class Suggestion:
    """One suggested role. ``distance_km`` is to the nearest location within travel
    distance, None when the role is suggested only because it can be done remotely."""

    role: Role
    score: float
    distance_km: float | None
    reasons: tuple[str, ...]
    unmet_requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class SimilarRole:
    """A role offered instead of one whose organisation did not answer."""

    role: Role
    score: float
    distance_km: float | None
    same_organisation: bool


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day``; a 29 February birthday counts from 1 March in other years."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def nearest_km(origins: Iterable[GeoPoint], locations: Iterable[GeoPoint]) -> float | None:
    """The shortest distance between any origin and any location, None if either is empty."""
    places = tuple(locations)
    distances = [
        distance_km(o.latitude, o.longitude, p.latitude, p.longitude)
        for o in origins
        for p in places
    ]
    return min(distances, default=None)


def is_eligible(profile: VolunteerProfile, role: Role, today: dt.date) -> bool:
    """The hard filters: reachable, age within limits, not expired."""
    return (
        _reach(profile, role) is not None and _age_ok(profile, role, today) and _open(role, today)
    )


def suggest(
    profile: VolunteerProfile,
    roles: Iterable[Role],
    today: dt.date,
    limit: int = 20,
    labels: Mapping[str, str] | None = None,
) -> list[Suggestion]:
    """The best ``limit`` eligible roles for the volunteer, best first, with reasons."""
    labels = labels or {}
    found = []
    for role in roles:
        reach = _reach(profile, role)
        if reach is not None and _age_ok(profile, role, today) and _open(role, today):
            found.append(_suggestion(profile, role, reach, labels))
    found.sort(key=lambda s: (-s.score, _distance_key(s.distance_km), s.role.id))
    return found[:limit]


def similar_roles(
    role: Role,
    candidates: Iterable[Role],
    limit: int = 5,
    *,
    radius_km: float = SIMILAR_RADIUS_KM,
    today: dt.date | None = None,
) -> list[SimilarRole]:
    """Roles to offer a volunteer whose application to ``role`` went unanswered.

    A candidate qualifies when it is not ``role`` itself, shares at least one cause or skill
    with it, and is within ``radius_km`` of one of its locations or can be done remotely
    (for a remote-only ``role`` only remote candidates qualify: we do not know where the
    volunteer is). With ``today``, expired candidates are dropped. Score: shared causes
    0.5, shared skills 0.3, closeness 0.2 (as in ``suggest``).

    Roles of the same organisation are included, but after every other organisation's:
    its silence is why we are offering alternatives, so another of its roles would likely
    reach the same unread inbox, yet it may be a different team worth trying.
    """
    found = []
    for candidate in candidates:
        if candidate.id == role.id or (today is not None and not _open(candidate, today)):
            continue
        similar = _similar(role, candidate, radius_km)
        if similar is not None:
            found.append(similar)
    found.sort(
        key=lambda s: (s.same_organisation, -s.score, _distance_key(s.distance_km), s.role.id)
    )
    return found[:limit]


def session_phrases(codes: Iterable[str], labels: Mapping[str, str] | None = None) -> list[str]:
    """Session codes as phrases: days with the same parts of the day are grouped, all five
    weekdays read "Weekday" and Saturday with Sunday "Weekend"; unknown codes keep their
    label. ``[MondayMorning, WednesdayMorning]`` -> ``["Monday and Wednesday mornings"]``."""
    labels = labels or {}
    parts_by_day: dict[str, set[str]] = {}
    others: list[str] = []
    for code in dict.fromkeys(codes):
        match = _SESSION.fullmatch(code)
        if match:
            parts_by_day.setdefault(match[1], set()).add(match[2].lower())
        else:
            others.append(labels.get(code, code))
    days_by_parts: dict[tuple[str, ...], list[str]] = {}
    for day in DAYS:
        if day in parts_by_day:
            parts = tuple(p for p in PARTS_OF_DAY if p in parts_by_day[day])
            days_by_parts.setdefault(parts, []).append(day)
    phrases = [
        f"{_days_phrase(days)} {_join([f'{part}s' for part in parts])}"
        for parts, days in days_by_parts.items()
    ]
    return phrases + others


def distance_phrase(km: float) -> str:
    """ "Less than 0.1 km away", "2.3 km away" (one decimal under 10 km), "12 km away"."""
    if km < 0.05:
        return "Less than 0.1 km away"
    if round(km, 1) < 10:
        return f"{km:.1f} km away"
    return f"{round(km)} km away"


def _suggestion(
    profile: VolunteerProfile,
    role: Role,
    reach: tuple[float | None, float],
    labels: Mapping[str, str],
) -> Suggestion:
    km, closeness = reach
    causes, cause_fit = _overlap(profile.causes, role.causes)
    skills, skill_fit = _overlap(profile.skills, role.skills)
    sessions, session_fit = _overlap(profile.availability, role.sessions)
    preferred = role.commitment is not None and role.commitment in profile.commitments
    requirements = tuple(dict.fromkeys(role.requirements))
    met = [r for r in requirements if r in profile.checks]
    components = {
        "distance": closeness,
        "causes": cause_fit,
        "skills": skill_fit,
        "availability": session_fit,
        "commitment": 1.0 if preferred else 0.0,
        "requirements": len(met) / len(requirements) if requirements else 1.0,
    }
    reasons = [distance_phrase(km)] if km is not None else []
    if role.remote:
        reasons.append("Can be done remotely")
    reasons += [labels.get(code, code) for code in (*causes, *skills)]
    reasons += session_phrases(sessions, labels)
    if preferred and role.commitment is not None:
        reasons.append(_commitment_phrase(role.commitment))
    if met:
        reasons.append("Already held: " + ", ".join(labels.get(r, r) for r in met))
    return Suggestion(
        role=role,
        score=_weighted(WEIGHTS, components),
        distance_km=km,
        reasons=tuple(reasons),
        unmet_requirements=tuple(r for r in requirements if r not in profile.checks),
    )


def _reach(profile: VolunteerProfile, role: Role) -> tuple[float | None, float] | None:
    """(distance to the nearest reachable location or None, closeness), or None when the
    volunteer cannot do the role from home."""
    km = None
    if profile.home is not None:
        km = nearest_km([profile.home], role.locations)
        if km is not None and km > profile.travel_km:
            km = None
    if km is None:
        return (None, REMOTE_CLOSENESS) if role.remote else None
    closeness = _closeness(km, profile.travel_km)
    return km, max(closeness, REMOTE_CLOSENESS) if role.remote else closeness


def _open(role: Role, today: dt.date) -> bool:
    return role.closes_on is None or role.closes_on >= today


def _age_ok(profile: VolunteerProfile, role: Role, today: dt.date) -> bool:
    if profile.date_of_birth is None:
        return True
    age = age_on(profile.date_of_birth, today)
    too_young = role.minimum_age is not None and age < role.minimum_age
    too_old = role.maximum_age is not None and age > role.maximum_age
    return not (too_young or too_old)


def _similar(role: Role, candidate: Role, radius_km: float) -> SimilarRole | None:
    causes, cause_fit = _overlap(frozenset(role.causes), candidate.causes)
    skills, skill_fit = _overlap(frozenset(role.skills), candidate.skills)
    if not causes and not skills:
        return None
    km = nearest_km(role.locations, candidate.locations)
    if km is not None and km > radius_km:
        km = None
    if km is None and not candidate.remote:
        return None
    closeness = REMOTE_CLOSENESS if km is None else _closeness(km, radius_km)
    if candidate.remote:
        closeness = max(closeness, REMOTE_CLOSENESS)
    components = {"causes": cause_fit, "skills": skill_fit, "distance": closeness}
    return SimilarRole(
        role=candidate,
        score=_weighted(SIMILAR_WEIGHTS, components),
        distance_km=km,
        same_organisation=candidate.organisation_id == role.organisation_id,
    )


def _overlap(wanted: AbstractSet[str], offered: Sequence[str]) -> tuple[list[str], float]:
    """The offered codes also wanted (in offered order), and how full a match that is."""
    unique = list(dict.fromkeys(offered))
    common = [code for code in unique if code in wanted]
    needed = min(len(wanted), len(unique), FULL_OVERLAP)
    return common, min(1.0, len(common) / needed) if needed else 0.0


def _closeness(km: float, limit_km: float) -> float:
    return 1.0 - km / limit_km if limit_km > 0 else 1.0


def _weighted(weights: Mapping[str, float], components: Mapping[str, float]) -> float:
    return round(sum(weights[name] * value for name, value in components.items()), 4)


def _distance_key(km: float | None) -> tuple[bool, float]:
    return (km is None, km or 0.0)


def _days_phrase(days: Sequence[str]) -> str:
    tokens: list[str] = []
    for day in days:
        if set(DAYS[:5]) <= set(days) and day in DAYS[:5]:
            token = "weekday"
        elif {"Saturday", "Sunday"} <= set(days) and day in DAYS[5:]:
            token = "weekend"
        else:
            token = day
        if token not in tokens:
            tokens.append(token)
    phrase = _join(tokens)
    return phrase[0].upper() + phrase[1:]


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _commitment_phrase(code: str) -> str:
    return COMMITMENT_PHRASES.get(code, code.replace("_", " ").capitalize())
