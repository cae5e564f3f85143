"""The whole demo catalogue in one place: towns with their postcodes, organisations, roles.

``postcodes.json`` (written once by ``pick_postcodes.py``) supplies the real postcodes;
everything else is hand-written in the sibling modules. ``problems()`` lists anything
inconsistent (an unknown town or role key, a town without postcodes, an unused role) so a
test can keep the hand-written parts honest.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from services.opportunities.demo import (
    roles_care,
    roles_community,
    roles_office,
    roles_outdoor,
    roles_youth,
)
from services.opportunities.demo.organisations import ORGANISATIONS
from services.opportunities.demo.templates import OrgTemplate, RoleTemplate
from services.opportunities.demo.towns import REGIONS, TOWNS, TOWNS_BY_KEY

POSTCODES_JSON = Path(__file__).with_name("postcodes.json")

ROLE_TEMPLATES: dict[str, RoleTemplate] = {
    template.key: template
    for template in (
        *roles_care.ROLES,
        *roles_youth.ROLES,
        *roles_community.ROLES,
        *roles_outdoor.ROLES,
        *roles_office.ROLES,
        *roles_office.REMOTE_ROLES,
    )
}


@dataclass(frozen=True)
class Place:
    """A real postcode and its position (copied from Code-Point Open into the JSON)."""

    postcode: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class TownPlaces:
    places: tuple[Place, ...]  # the first is the one nearest the town centre
    outward_codes: tuple[str, ...]


@functools.cache
def town_places(path: Path = POSTCODES_JSON) -> dict[str, TownPlaces]:
    """Town key -> its postcodes and nearby outward codes, from ``postcodes.json``."""
    raw = json.loads(path.read_text(encoding="utf-8"))["towns"]
    return {
        key: TownPlaces(
            places=tuple(
                Place(p["postcode"], float(p["latitude"]), float(p["longitude"]))
                for p in town["postcodes"]
            ),
            outward_codes=tuple(town["outward_codes"]),
        )
        for key, town in raw.items()
    }


def area_towns(org: OrgTemplate) -> tuple[str, ...]:
    """The town keys an organisation places roles in, in ``TOWNS`` order."""
    wanted: list[str] = []
    for token in org.area:
        kind, _, value = token.partition(":")
        if not value:
            wanted.append(token)
        elif kind == "region":
            wanted += [t.key for t in TOWNS if t.region == value.replace("_", " ")]
        elif kind == "country":
            wanted += [t.key for t in TOWNS if t.country == value]
        else:
            raise ValueError(f"{org.name}: unknown area token {token!r}")
    if org.home not in wanted:
        wanted.append(org.home)
    return tuple(t.key for t in TOWNS if t.key in wanted)


def problems() -> list[str]:
    """Inconsistencies in the hand-written catalogue; empty when all is well."""
    found = []
    places = town_places()
    for town in TOWNS:
        if not places.get(town.key, TownPlaces((), ())).places:
            found.append(f"town {town.key} has no postcodes in {POSTCODES_JSON.name}")
    used: set[str] = set()
    for org in ORGANISATIONS:
        for token in org.area:
            kind, _, value = token.partition(":")
            if value and kind == "region" and value.replace("_", " ") not in REGIONS:
                found.append(f"{org.name}: no region {value!r}")
            elif not value and token not in TOWNS_BY_KEY:
                found.append(f"{org.name}: no town {token!r}")
        if org.home not in TOWNS_BY_KEY:
            found.append(f"{org.name}: home town {org.home!r} is not in TOWNS")
        for key in org.roles:
            if key not in ROLE_TEMPLATES:
                found.append(f"{org.name}: no role template {key!r}")
        used.update(org.roles)
        if not any(ROLE_TEMPLATES[k].mode != "remote" for k in org.roles if k in ROLE_TEMPLATES):
            found.append(f"{org.name}: offers no located roles")
    found += [
        f"role template {key!r} is not offered by any organisation"
        for key in ROLE_TEMPLATES
        if key not in used
    ]
    return found
