"""The percolator agrees with the search index: ``SqlPercolator.match(role)`` is exactly the
set of saved searches whose results (every page) hold that role.

Seeded random roles and saved searches around the reference postcodes of builders.py, with
every filter of the contract in play, are run both ways: each search on the embedded index,
each role through the percolator (on SQLite, and on PostgreSQL with the ``postgres``
marker). Text cases with stemming, synonyms and typos are checked one by one against both
index adapters.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz.distance import OSA

from services.common.db import make_engine
from services.search.adapters.index.port import SearchIndex
from services.search.adapters.percolator import stem
from services.search.adapters.percolator.sql import SqlPercolator, metadata
from services.search.domain.documents import GeoPoint, RoleDocument
from services.search.domain.query import RemoteMode, SearchQuery, fuzzy_edits, query_terms
from tests.contract.search import builders as b
from tests.contract.search.conftest import SYNONYMS, open_index

SEED = 20261202
ROLE_COUNT = 300
SEARCH_COUNT = 300
PLACES = (b.SE1_7AE, b.SW1A_1AA, b.EC2R_8AH, b.BN1_1AA, b.CB2_1TN, b.B1_1BB, b.M1_1AE,
          b.TR18_2HJ, b.EH1_1YZ)  # fmt: skip
RADII = (1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 200.0)
CAUSES = ("Animals", "Arts", "Environment", "Health", "Sport", "Youth")
SKILLS = ("Cooking", "Driving", "Gardening", "Listening", "Teaching")
COMMITMENTS = ("one_off", "regular", "flexible", "micro")
SESSIONS = ("MondayMorning", "TuesdayEvening", "SaturdayAfternoon", "SundayMorning")
ACCESSIBILITY = ("StepFreeAccess", "AccessibleToilet", "HearingLoop")
REQUIREMENTS = ("DBSCheck", "DrivingLicence", "Uniform")
ORGANISATIONS = ("org-1", "org-2", "org-3")
# Text that exercises stemming and the synonym rules. Percolation judges typos on the role's
# own words, a search on every indexed title and summary word: they agree while no word here
# is within a typo of a query term without sharing its stem with all the words it could
# stand for (test_the_vocabulary_keeps_typos_local checks that).
TITLES = (
    "Gardening club",
    "Community garden helper",
    "Cooking for the lunch club",
    "Befriending volunteer",
    "Youth club leader",
    "Litter picking crew",
    "Technology helper",
    "Reading with children",
    "Minibus driver",
    "Trek leader",
)
SUMMARIES = (
    "",
    "Weekly calls to older people",
    "Cooked meals for seniors",
    "Companionship for the elderly",
    "Help young people",
    "Paint the village hall",
    "Responsible dog walking",
)
DESCRIPTIONS = ("", "Gardens and allotments", "Teenagers welcome", "Trekking in the hills")
QUERY_TERMS = (
    "gardens",
    "cooked",
    "elderly",
    "seniors",
    "youth",
    "teenagers",
    "befriending",
    "companionship",
    "litter",
    "technological",
    "responsibly",
    "trekking",
    "children",
    "driver",
    "club",
)


@dataclass(frozen=True)
class DataSet:
    roles: list[RoleDocument]
    searches: dict[str, SearchQuery]


def near(rng: random.Random, within_km: float) -> GeoPoint:
    origin = rng.choice(PLACES)
    return b.point_at(origin, rng.uniform(0.0, within_km), rng.uniform(0.0, 360.0))


def some(rng: random.Random, codes: tuple[str, ...], chance: float, most: int = 2) -> Any:
    if rng.random() >= chance:
        return frozenset()
    return frozenset(rng.sample(codes, rng.randint(1, most)))


def maybe(rng: random.Random, chance: float, value: Any) -> Any:
    return value if rng.random() < chance else None


def make_role(rng: random.Random, n: int) -> RoleDocument:
    kind = rng.random()
    remote = kind >= 0.75
    located = kind < 0.75 or kind >= 0.88  # an eighth are hybrid, an eighth remote only
    day = b.TODAY + dt.timedelta(days=rng.randint(-40, 40))
    return b.role(
        id=f"pr-{n:04d}",
        title=rng.choice(TITLES),
        summary=rng.choice(SUMMARIES),
        description=rng.choice(DESCRIPTIONS),
        organisation_id=rng.choice(ORGANISATIONS),
        remote=remote,
        locations=tuple(near(rng, 40.0) for _ in range(rng.randint(1, 3))) if located else (),
        causes=tuple(some(rng, CAUSES, 0.8)),
        skills=tuple(some(rng, SKILLS, 0.6)),
        commitment=rng.choice(COMMITMENTS),
        sessions=tuple(some(rng, SESSIONS, 0.6, 3)),
        accessibility=tuple(some(rng, ACCESSIBILITY, 0.6, 3)),
        requirements=tuple(some(rng, REQUIREMENTS, 0.4, 1)),
        minimum_age=maybe(rng, 0.3, rng.choice((14, 16, 18))),
        maximum_age=maybe(rng, 0.2, rng.choice((25, 65))),
        starts_on=maybe(rng, 0.3, day),
        ends_on=maybe(rng, 0.3, day + dt.timedelta(days=rng.randint(0, 90))),
        closes_on=maybe(rng, 0.5, b.TODAY + dt.timedelta(days=rng.randint(-10, 30))),
    )


def make_search(rng: random.Random) -> SearchQuery:
    origin = near(rng, 30.0) if rng.random() < 0.8 else None
    terms = rng.sample(QUERY_TERMS, rng.randint(1, 2)) if rng.random() < 0.3 else []
    return SearchQuery(
        today=b.TODAY,
        origin=origin,
        radius_km=rng.choice(RADII),
        remote=rng.choice((RemoteMode.INCLUDE,) * 3 + (RemoteMode.ONLY, RemoteMode.EXCLUDE)),
        text=" and the ".join(terms) or None,  # stop words too, which must be ignored
        causes=some(rng, CAUSES, 0.25),
        skills=some(rng, SKILLS, 0.2),
        commitment=some(rng, COMMITMENTS, 0.2),
        available=some(rng, SESSIONS, 0.15),
        accessibility=some(rng, ACCESSIBILITY, 0.15),
        exclude_requirements=some(rng, REQUIREMENTS, 0.15, 1),
        organisation_ids=some(rng, ORGANISATIONS, 0.1),
        age=maybe(rng, 0.2, rng.randint(13, 70)),
        starts_before=maybe(rng, 0.15, b.TODAY + dt.timedelta(days=rng.randint(-20, 40))),
        ends_after=maybe(rng, 0.15, b.TODAY + dt.timedelta(days=rng.randint(0, 60))),
        per_page=50,
    )


@pytest.fixture(scope="module")
def dataset() -> DataSet:
    rng = random.Random(SEED)
    roles = [make_role(rng, n) for n in range(ROLE_COUNT)]
    searches = {f"saved-{n:04d}": make_search(rng) for n in range(SEARCH_COUNT)}
    return DataSet(roles, searches)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def percolator(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlPercolator]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'percolator.sqlite'}")
    else:
        server = request.getfixturevalue("postgres_engine")
        name = f"t_percolator_{uuid.uuid4().hex[:8]}"
        server.create_database(name)
        request.addfinalizer(lambda: server.drop_database(name))
        engine = make_engine(server.dsn(name))
    metadata.create_all(engine)
    yield SqlPercolator(engine, synonyms=SYNONYMS)
    engine.dispose()


@pytest.fixture
def embedded_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    """The reference for the random agreement. Elasticsearch differs from it on typos (it
    counts edits on the stem: "trekking", stem "trek", reaches "crew"), so not that one."""
    index, dispose = open_index(request, "embedded", tmp_path / "idx.sqlite")
    yield index
    dispose()


def found_by(index: SearchIndex, query: SearchQuery) -> set[str]:
    return set(b.walked_ids(b.walk(index, query)))


# --- the random agreement ---------------------------------------------------------------------


def test_the_vocabulary_keeps_typos_local() -> None:
    words = {w for text in TITLES + SUMMARIES for w in query_terms(text)}
    for term in QUERY_TERMS:
        edits = fuzzy_edits(term)
        for near_miss in (w for w in words if OSA.distance(term, w) <= edits):
            for other in words:
                if stem(other) == stem(near_miss) and stem(other) != stem(term):
                    assert OSA.distance(term, other) <= edits, (term, near_miss, other)


def test_each_role_matches_exactly_the_searches_that_find_it(
    embedded_index: SearchIndex, percolator: SqlPercolator, dataset: DataSet
) -> None:
    embedded_index.upsert(dataset.roles)
    percolator.add_many(dataset.searches.items())
    expected: dict[str, set[str]] = defaultdict(set)
    for saved_id, query in dataset.searches.items():
        for role_id in found_by(embedded_index, query):
            expected[role_id].add(saved_id)

    wrong = {}
    for doc in dataset.roles:
        got = percolator.match(doc, b.TODAY)
        if got != expected[doc.id]:
            wrong[doc.id] = (sorted(got - expected[doc.id]), sorted(expected[doc.id] - got))
    assert not wrong, f"{len(wrong)} roles disagree (extra, missing): {list(wrong.items())[:5]}"
    check_coverage(dataset, expected)


def check_coverage(dataset: DataSet, expected: dict[str, set[str]]) -> None:
    """The data set exercises what it should: enough matches of every kind."""
    pairs = [(doc, dataset.searches[s]) for doc in dataset.roles for s in expected[doc.id]]
    assert len(pairs) > 1500, len(pairs)
    kinds = {
        "text": sum(1 for _, q in pairs if q.terms),
        "radius": sum(1 for d, q in pairs if q.origin is not None and not d.remote),
        "remote at any distance": sum(1 for d, q in pairs if q.origin is not None and d.remote),
        "national": sum(1 for _, q in pairs if q.origin is None),
        "codes": sum(1 for _, q in pairs if q.causes or q.skills or q.accessibility),
        "age": sum(1 for _, q in pairs if q.age is not None),
    }
    assert min(kinds.values()) >= 20, kinds
    unmatched = sum(1 for doc in dataset.roles if not expected[doc.id])
    assert 0 < unmatched < ROLE_COUNT // 2, unmatched  # expired roles, and some others


# --- lifecycle ----------------------------------------------------------------------------


def test_removed_searches_stop_matching(percolator: SqlPercolator) -> None:
    doc = b.role()
    percolator.add("near", SearchQuery(today=b.TODAY, origin=b.ORIGIN, radius_km=5.0))
    percolator.add("everywhere", SearchQuery(today=b.TODAY))
    assert percolator.match(doc, b.TODAY) == {"near", "everywhere"}

    percolator.remove("near")
    percolator.remove("never-added")

    assert percolator.match(doc, b.TODAY) == {"everywhere"}
    assert percolator.count() == 1


def test_a_replaced_search_is_matched_as_it_now_is(percolator: SqlPercolator) -> None:
    doc = b.role()
    percolator.add("mine", SearchQuery(today=b.TODAY, origin=b.ORIGIN, radius_km=5.0))
    assert percolator.match(doc, b.TODAY) == {"mine"}  # now parsed and cached
    # Another process (here another percolator on the same tables) moves it to Cambridge.
    other = SqlPercolator(percolator.engine, synonyms=SYNONYMS)
    other.add("mine", SearchQuery(today=b.TODAY, origin=b.CB2_1TN, radius_km=5.0))

    assert percolator.match(doc, b.TODAY) == set()
    assert percolator.match(replace(doc, locations=(b.CB2_1TN,)), b.TODAY) == {"mine"}


def test_preload_parses_every_saved_search(percolator: SqlPercolator) -> None:
    percolator.add("near", SearchQuery(today=b.TODAY, origin=b.ORIGIN, radius_km=5.0))
    percolator.add("far", SearchQuery(today=b.TODAY, origin=b.CB2_1TN, radius_km=5.0))
    fresh = SqlPercolator(percolator.engine, synonyms=SYNONYMS)

    assert fresh.preload() == 2
    assert fresh.match(b.role(), b.TODAY) == {"near"}


def test_the_day_of_the_match_decides_expiry(percolator: SqlPercolator) -> None:
    doc = b.role(closes_on=b.TODAY)
    percolator.add("national", SearchQuery(today=dt.date(2020, 1, 1)))

    assert percolator.match(doc, b.TODAY) == {"national"}
    assert percolator.match(doc, b.TODAY + dt.timedelta(days=1)) == set()
    assert percolator.match(doc, b.TODAY - dt.timedelta(days=1)) == {"national"}


# --- text, case by case -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fields", "expected"),
    [
        ("gardening", {"title": "Help at the community garden"}, True),
        ("cooked", {"title": "Cooking for the lunch club"}, True),
        ("technology", {"title": "Technological support"}, True),
        ("responsibly", {"summary": "Responsible dog walking"}, True),
        ("trekking", {"title": "Trek leader"}, True),
        ("cafe", {"title": "Café volunteer"}, True),
        ("help with the gardening", {"title": "Community garden", "summary": "Help out"}, True),
        ("garden tools", {"title": "Garden helper"}, False),
        ("elderly", {"description": "Weekly calls to older people living alone."}, True),
        ("seniors", {"title": "Lunch club for the elderly"}, True),
        ("teenagers", {"title": "Youth club leader"}, True),
        ("companionship", {"organisation_name": "Befriending Network"}, True),
        ("seniors", {"description": "People who are older"}, False),
        ("gardning", {"title": "Community gardening volunteers"}, True),
        ("libary", {"summary": "Reading with children at the library"}, True),
        ("drivr", {"title": "Minibus driver"}, True),
        ("gardning", {"description": "Weekly gardening sessions."}, False),
        ("gxxdxning", {"title": "Gardening volunteers"}, False),
        ("boko", {"title": "Book club"}, True),
        ("bkoo", {"title": "Book club"}, False),
    ],
)
def test_text_agrees_with_the_index(
    search_index: SearchIndex,
    percolator: SqlPercolator,
    text: str,
    fields: dict[str, str],
    expected: bool,
) -> None:
    target = b.role(**{"title": "Volunteer role", **fields})
    decoy = b.role(title="Food bank shift", summary="Sort tins")
    b.add(search_index, target, decoy)
    query = SearchQuery(today=b.TODAY, text=text)
    percolator.add("saved", query)

    assert (target.id in found_by(search_index, query)) is expected
    assert percolator.match(target, b.TODAY) == ({"saved"} if expected else set())
    assert percolator.match(decoy, b.TODAY) == set()
