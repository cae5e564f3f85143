"""Documents, places and small helpers for the search-index scenarios.

The reference postcodes were looked up once in the Code-Point Open database
(var/data/postcodes.sqlite, 2025 release) and are written down here as literals, so the
expectations never depend on the code under test. ``point_at`` places a role at an exact
great-circle distance from an origin, on the same sphere as services.common.geo.distance.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import replace
from math import asin, atan2, cos, degrees, radians, sin
from typing import Any

from services.common.geo.distance import EARTH_RADIUS_KM
from services.search.adapters.index.port import SearchIndex
from services.search.domain.documents import GeoPoint, Hit, RoleDocument, SearchPage
from services.search.domain.query import SearchQuery

# --- reference places (Code-Point Open, WGS84) ----------------------------------------------
# Distances from SE1 7AE in the comments (haversine, services.common.geo.distance).
SE1_7AE = GeoPoint(51.50052, -0.113771, "SE1 7AE")  # Waterloo: the origin of most scenarios
SE1_7PB = GeoPoint(51.502499, -0.11941, "SE1 7PB")  # 0.448 km
SW1A_1AA = GeoPoint(51.501009, -0.141588, "SW1A 1AA")  # 1.926 km
EC2R_8AH = GeoPoint(51.514186, -0.088648, "EC2R 8AH")  # 2.309 km
BN1_1AA = GeoPoint(50.826334, -0.140818, "BN1 1AA")  # Brighton, 74.990 km
CB2_1TN = GeoPoint(52.205105, 0.116179, "CB2 1TN")  # Cambridge, 79.922 km
B1_1BB = GeoPoint(52.480418, -1.903454, "B1 1BB")  # Birmingham, 163.971 km
M1_1AE = GeoPoint(53.483471, -2.231184, "M1 1AE")  # Manchester, 262.973 km
TR18_2HJ = GeoPoint(50.121159, -5.535228, "TR18 2HJ")  # Penzance, 410.517 km
EH1_1YZ = GeoPoint(55.950332, -3.193017, "EH1 1YZ")  # Edinburgh, 534.529 km
ORIGIN = SE1_7AE

# --- fixed clock ------------------------------------------------------------------------------
TODAY = dt.date(2026, 12, 1)
PUBLISHED = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
UPDATED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

_ids = itertools.count(1)


def point_at(origin: GeoPoint, km: float, bearing_deg: float) -> GeoPoint:
    """The point ``km`` along the great circle leaving ``origin`` at ``bearing_deg``."""
    delta = km / EARTH_RADIUS_KM
    theta = radians(bearing_deg)
    phi1, lambda1 = radians(origin.latitude), radians(origin.longitude)
    phi2 = asin(sin(phi1) * cos(delta) + cos(phi1) * sin(delta) * cos(theta))
    lambda2 = lambda1 + atan2(
        sin(theta) * sin(delta) * cos(phi1), cos(delta) - sin(phi1) * sin(phi2)
    )
    return GeoPoint(degrees(phi2), (degrees(lambda2) + 540) % 360 - 180)


def role(**overrides: Any) -> RoleDocument:
    """A published, in-person, regular role at SE1 7AE; override any field."""
    number = next(_ids)
    base = RoleDocument(
        id=f"role-{number:05d}",
        title="Volunteer role",
        summary="",
        description="",
        organisation_id="org-1",
        organisation_name="Southwark Council for Voluntary Service",
        commitment="regular",
        remote=False,
        published_at=PUBLISHED,
        updated_at=UPDATED,
        locations=(ORIGIN,),
    )
    return replace(base, **overrides)


def remote_role(**overrides: Any) -> RoleDocument:
    """A role done from home only: remote, no locations."""
    return role(**{"remote": True, "locations": (), **overrides})


def at(km: float, bearing_deg: float = 90.0, origin: GeoPoint = ORIGIN) -> tuple[GeoPoint]:
    """``locations`` for a role exactly ``km`` from the origin."""
    return (point_at(origin, km, bearing_deg),)


def add(index: SearchIndex, *documents: RoleDocument) -> None:
    index.upsert(list(documents))


def search(index: SearchIndex, **params: Any) -> SearchPage:
    return index.search(SearchQuery(**{"today": TODAY, **params}))


def ids(page: SearchPage) -> list[str]:
    return [hit.document.id for hit in page.hits]


def id_set(page: SearchPage) -> set[str]:
    found = ids(page)
    assert len(found) == len(set(found)), f"duplicate hits: {found}"
    return set(found)


def only_hit(page: SearchPage, role_id: str) -> Hit:
    matching = [hit for hit in page.hits if hit.document.id == role_id]
    assert len(matching) == 1, f"{role_id} should appear once in {ids(page)}"
    return matching[0]


def walk(index: SearchIndex, query: SearchQuery, max_pages: int = 1000) -> list[SearchPage]:
    """Every page of ``query`` following ``next_after`` cursors from the first page."""
    pages = [index.search(query)]
    while pages[-1].next_after is not None:
        assert len(pages) < max_pages, "the cursor never reached the last page"
        pages.append(index.search(replace(query, after=pages[-1].next_after)))
    return pages


def assert_nearest_first(distances: list[float | None]) -> None:
    """Distances never decrease (to 1 cm: Elasticsearch stores points at ~1 cm resolution,
    so two roles a hair apart may sort either way), and None comes only at the end."""
    located = [d for d in distances if d is not None]
    assert distances[len(located) :] == [None] * (len(distances) - len(located)), distances
    for i, (before, after) in enumerate(itertools.pairwise(located)):
        assert after >= before - 1e-5, f"distance decreases at hit {i + 1}: {before} > {after}"


def walked_ids(pages: Iterable[SearchPage]) -> list[str]:
    return [role_id for page in pages for role_id in ids(page)]
