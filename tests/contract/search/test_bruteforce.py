"""Radius searches over 10,000 roles at real postcodes, checked against brute force.

The roles sit at postcodes sampled (seeded) from the Code-Point Open database: most drawn in
proportion to each district's postcode count, so towns are dense enough for 1 km searches,
plus whole neighbourhoods of a few districts. For every origin and radius, walking all pages
with cursors must give exactly the roles a plain loop over every location finds with
services.common.geo.distance, in never-decreasing distance order, with the same cause counts.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from services.common.geo.distance import distance_km
from services.common.geo.paths import default_db_path
from services.common.geo.schema import MICRODEGREES
from services.search.adapters.index.port import SearchIndex
from services.search.domain.documents import GeoPoint, Hit, RoleDocument, SearchPage
from services.search.domain.query import RemoteMode, SearchQuery, Sort
from tests.contract.search.builders import TODAY, assert_nearest_first, role, walk, walked_ids
from tests.contract.search.conftest import ADAPTERS, open_index

pytestmark = pytest.mark.slow

SEED = 20261201
ROLE_COUNT = 10_000
POSTCODE_COUNT = 3_000
NEIGHBOURHOODS = 12  # districts taken whole (up to PER_NEIGHBOURHOOD postcodes each)
PER_NEIGHBOURHOOD = 80
ORIGIN_COUNT = 25
RADII = (1.0, 5.0, 10.0, 25.0, 50.0, 200.0)
CAUSES = ("animals", "arts", "community", "environment", "health", "heritage", "sport", "youth")
BATCH = 500
PER_PAGE = 50
# Result sets up to this size are walked in full with cursors (every pair here, 200 km
# around London included: the embedded index ranks a query once and pages from that);
# larger ones would be checked by totals, facets, first pages and last page only.
FULL_WALK_LIMIT = 10_000
SAMPLED_PAGES = 3
# Inward codes never use C, I, K, M, O or V.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class DataSet:
    roles: list[RoleDocument]
    origins: list[GeoPoint]

    def nearest_km(self, origin: GeoPoint) -> dict[str, float]:
        """Distance to each live, located role's nearest location, by brute force."""
        nearest = {}
        for doc in self.roles:
            if not doc.locations or (doc.closes_on is not None and doc.closes_on < TODAY):
                continue
            nearest[doc.id] = min(
                distance_km(origin.latitude, origin.longitude, p.latitude, p.longitude)
                for p in doc.locations
            )
        return nearest

    def causes_of(self, role_ids: set[str]) -> Counter[str]:
        return Counter(c for doc in self.roles if doc.id in role_ids for c in doc.causes)


class PostcodeSampler:
    """Seeded draws of real postcodes from the Code-Point database."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        self.rng = rng
        rows = self.conn.execute("SELECT outward, postcode_count FROM outwards ORDER BY outward")
        self.outwards, self.weights = zip(*rows, strict=True)

    def _point(self, postcode: str, lat_e6: int, lon_e6: int) -> GeoPoint:
        formatted = f"{postcode[:-3]} {postcode[-3:]}"
        return GeoPoint(lat_e6 / MICRODEGREES, lon_e6 / MICRODEGREES, formatted)

    def one(self) -> GeoPoint:
        """A postcode from a district chosen in proportion to its number of postcodes."""
        while True:
            outward = self.rng.choices(self.outwards, self.weights)[0]
            probe = f"{outward}{self.rng.randrange(10)}{self.rng.choice(INWARD_LETTERS)}A"
            row = self.conn.execute(
                "SELECT postcode, lat_e6, lon_e6 FROM postcodes WHERE postcode >= ?"
                " ORDER BY postcode LIMIT 1",
                (probe,),
            ).fetchone()
            if row and row[0][:-3] == outward:
                return self._point(*row)

    def neighbourhood(self, size: int) -> list[GeoPoint]:
        """Up to ``size`` postcodes of one district (all within a few km of each other)."""
        outward = self.rng.choices(self.outwards, self.weights)[0]
        rows = [
            row
            for row in self.conn.execute(
                "SELECT postcode, lat_e6, lon_e6 FROM postcodes"
                " WHERE postcode >= ? AND postcode < ? ORDER BY postcode",
                (outward, outward + "~"),
            )
            if row[0][:-3] == outward
        ]
        return [self._point(*row) for row in self.rng.sample(rows, min(size, len(rows)))]

    def close(self) -> None:
        self.conn.close()


def sample_postcodes(sampler: PostcodeSampler) -> list[GeoPoint]:
    points: dict[str | None, GeoPoint] = {}
    for _ in range(NEIGHBOURHOODS):
        points.update((p.postcode, p) for p in sampler.neighbourhood(PER_NEIGHBOURHOOD))
    while len(points) < POSTCODE_COUNT:
        point = sampler.one()
        points[point.postcode] = point
    return list(points.values())


def make_role(rng: random.Random, number: int, places: list[GeoPoint]) -> RoleDocument:
    remote = rng.random() < 0.10
    located = not remote or rng.random() < 0.5  # half the remote roles are hybrid
    locations = tuple(rng.sample(places, rng.randint(1, 3))) if located else ()
    roll = rng.random()
    if roll < 0.05:
        closes_on = TODAY - dt.timedelta(days=rng.randint(1, 30))
    elif roll < 0.10:
        closes_on = TODAY
    elif roll < 0.55:
        closes_on = TODAY + dt.timedelta(days=rng.randint(1, 120))
    else:
        closes_on = None
    published = dt.datetime(2026, 6, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(10**5))
    return role(
        id=f"bf-{number:05d}",
        title=f"Volunteer role {number}",
        remote=remote,
        locations=locations,
        causes=tuple(rng.sample(CAUSES, rng.randint(1, 2))),
        closes_on=closes_on,
        published_at=published,
        updated_at=published,
    )


@pytest.fixture(scope="module")
def dataset() -> DataSet:
    rng = random.Random(SEED)
    path = default_db_path()
    sampler = PostcodeSampler(path if path.is_absolute() else ROOT / path, rng)
    try:
        places = sample_postcodes(sampler)
        roles = [make_role(rng, n, places) for n in range(ROLE_COUNT)]
        # Most origins where roles are (so small radii find something), a few anywhere.
        origins = rng.sample(places, ORIGIN_COUNT - 5) + [sampler.one() for _ in range(5)]
    finally:
        sampler.close()
    return DataSet(roles, origins)


@pytest.fixture(scope="module", params=ADAPTERS)
def bulk_index(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, dataset: DataSet
) -> Iterator[SearchIndex]:
    path = tmp_path_factory.mktemp("bruteforce") / "idx.sqlite"
    index, dispose = open_index(request, request.param, path)
    try:
        for start in range(0, len(dataset.roles), BATCH):
            index.upsert(dataset.roles[start : start + BATCH])
        assert index.count() == ROLE_COUNT
        yield index
    finally:
        dispose()


def test_the_data_set_exercises_every_radius(dataset: DataSet) -> None:
    assert len({doc.id for doc in dataset.roles}) == ROLE_COUNT
    assert sum(1 for doc in dataset.roles if doc.remote and not doc.locations) > 300
    assert sum(1 for doc in dataset.roles if len(doc.locations) > 1) > 5000
    walked_in_full = 0
    for radius in RADII:
        found = [
            sum(1 for km in dataset.nearest_km(origin).values() if km <= radius)
            for origin in dataset.origins
        ]
        assert sum(1 for n in found if n > 0) >= 12, (radius, found)
        walked_in_full += sum(1 for n in found if n <= FULL_WALK_LIMIT)
    assert walked_in_full == len(RADII) * ORIGIN_COUNT  # every pair proven exactly


@pytest.mark.parametrize("n", range(ORIGIN_COUNT), ids=lambda n: f"origin{n:02d}")
def test_radius_search_equals_brute_force(
    bulk_index: SearchIndex, dataset: DataSet, n: int
) -> None:
    origin = dataset.origins[n]
    nearest = dataset.nearest_km(origin)
    for radius in RADII:
        expected = {role_id: km for role_id, km in nearest.items() if km <= radius}
        query = SearchQuery(
            today=TODAY,
            origin=origin,
            radius_km=radius,
            remote=RemoteMode.EXCLUDE,
            sort=Sort.DISTANCE,
            per_page=PER_PAGE,
        )
        where = f"{radius:g} km from {origin.postcode}"
        if len(expected) <= FULL_WALK_LIMIT:
            first = check_full_walk(bulk_index, query, expected, where)
        else:
            first = check_head_and_tail(bulk_index, query, expected, where)
        causes = dataset.causes_of(set(expected))
        assert first.facets.get("causes", {}) == dict(causes), where
        if causes:
            check_cause_filter(bulk_index, query, causes, where)


def check_full_walk(
    index: SearchIndex, query: SearchQuery, expected: dict[str, float], where: str
) -> SearchPage:
    """Every page by cursor: exactly the expected ids, nearest first, right distances."""
    pages = walk(index, query)
    walked = walked_ids(pages)
    assert len(walked) == len(set(walked)), f"{where}: a role came back twice"
    missing, extra = sorted(expected.keys() - set(walked)), sorted(set(walked) - expected.keys())
    assert not missing and not extra, f"{where}: missing {missing[:10]}, extra {extra[:10]}"
    assert {p.total for p in pages} == {len(expected)}, where
    check_distances([hit for page in pages for hit in page.hits], expected, where)
    return pages[0]


def check_head_and_tail(
    index: SearchIndex, query: SearchQuery, expected: dict[str, float], where: str
) -> SearchPage:
    """A large result: the first pages by cursor and the last page by number must be the
    nearest and the farthest expected roles, and the totals exact."""
    pages = [index.search(query)]
    for _ in range(SAMPLED_PAGES - 1):
        pages.append(index.search(replace(query, after=pages[-1].next_after)))
    last_number = -(-len(expected) // PER_PAGE)
    last = index.search(replace(query, page=last_number))
    assert {p.total for p in [*pages, last]} == {len(expected)}, where
    assert last.next_after is None, where
    assert len(last.hits) == len(expected) - (last_number - 1) * PER_PAGE, where
    head = [hit for page in pages for hit in page.hits]
    walked = [hit.document.id for hit in head + last.hits]
    assert len(walked) == len(set(walked)), f"{where}: a role came back twice"
    assert set(walked) <= expected.keys(), f"{where}: extra {sorted(set(walked) - expected.keys())}"
    ordered = sorted(expected.values())
    check_distances(head, expected, where, ordered[: len(head)])
    check_distances(last.hits, expected, where, ordered[-len(last.hits) :])
    return pages[0]


def check_distances(
    hits: list[Hit], expected: dict[str, float], where: str, ordered: list[float] | None = None
) -> None:
    """Each hit's distance is its brute-force distance; nearest first; ``ordered`` if given."""
    distances = [hit.distance_km for hit in hits]
    assert_nearest_first(distances)
    for hit in hits:
        want = expected[hit.document.id]
        assert hit.distance_km == pytest.approx(want, abs=0.002), (where, hit.document.id)
    if ordered is not None:
        assert distances == pytest.approx(ordered, abs=0.002), where


def check_cause_filter(
    index: SearchIndex, query: SearchQuery, causes: Counter[str], where: str
) -> None:
    """The least common cause: its total is its facet count, the facet ignores the filter."""
    cause, count = min(causes.items(), key=lambda item: (item[1], item[0]))
    page = index.search(replace(query, causes=frozenset({cause})))
    assert page.total == count, f"{where}: causes={cause}"
    assert page.facets.get("causes", {}) == dict(causes), f"{where}: causes={cause}"
