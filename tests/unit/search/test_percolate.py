"""The percolation predicate (domain/percolate.py) on hand-written cases, one filter at a time,
plus the percolator's text analysis and grid (pure parts of adapters/percolator).

Expected values come from the contract in services/search/domain/query.py, worked out by
hand: places sit due north of the origin, where the great-circle distance is exactly the
latitude difference times the Earth's radius.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import Any

import pytest

from services.common.geo.distance import EARTH_RADIUS_KM
from services.search.adapters.percolator import TextMatcher, phrase_stems, stem
from services.search.adapters.percolator.sql import bounding_box, box_cells, point_cells
from services.search.domain.documents import GeoPoint, RoleDocument
from services.search.domain.percolate import matches, query_from_json, query_to_json
from services.search.domain.query import RemoteMode, SearchQuery, Sort

TODAY = dt.date(2026, 12, 1)
WATERLOO = GeoPoint(51.50052, -0.113771, "SE1 7AE")
WHEN = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


def north(km: float, origin: GeoPoint = WATERLOO) -> GeoPoint:
    return GeoPoint(origin.latitude + math.degrees(km / EARTH_RADIUS_KM), origin.longitude)


def doc(**overrides: Any) -> RoleDocument:
    base = RoleDocument(
        id="r1",
        title="Community garden helper",
        summary="Weeding and watering",
        description="",
        organisation_id="org-1",
        organisation_name="Friends of the Park",
        commitment="regular",
        remote=False,
        published_at=WHEN,
        updated_at=WHEN,
        locations=(WATERLOO,),
    )
    return replace(base, **overrides)


def no_text(terms: list[str], role: RoleDocument) -> bool:
    raise AssertionError(f"text_match called for a search without text: {terms}")


def hits(role: RoleDocument, **params: Any) -> bool:
    return matches(SearchQuery(today=TODAY, **params), role, no_text)


# --- expiry, age, dates, organisations ------------------------------------------------------


@pytest.mark.parametrize(
    ("closes_on", "expected"),
    [
        (None, True),
        (TODAY, True),
        (TODAY + dt.timedelta(days=1), True),
        (dt.date(2026, 11, 30), False),
    ],
)
def test_roles_closing_before_today_never_match(closes_on: dt.date | None, expected: bool) -> None:
    assert hits(doc(closes_on=closes_on)) is expected


@pytest.mark.parametrize(
    ("minimum", "maximum", "age", "expected"),
    [
        (18, None, 17, False),
        (18, None, 18, True),
        (None, 25, 25, True),
        (None, 25, 26, False),
        (16, 25, 20, True),
        (16, 25, None, True),  # no age given: no age filter
        (None, None, 9, True),
    ],
)
def test_age_is_within_the_role_limits(
    minimum: int | None, maximum: int | None, age: int | None, expected: bool
) -> None:
    assert hits(doc(minimum_age=minimum, maximum_age=maximum), age=age) is expected


@pytest.mark.parametrize(
    ("starts_on", "expected"),
    [
        (None, True),
        (dt.date(2026, 12, 9), True),
        (dt.date(2026, 12, 10), True),
        (dt.date(2026, 12, 11), False),
    ],
)
def test_starts_before_is_inclusive_and_undated_roles_pass(
    starts_on: dt.date | None, expected: bool
) -> None:
    assert hits(doc(starts_on=starts_on), starts_before=dt.date(2026, 12, 10)) is expected


@pytest.mark.parametrize(
    ("ends_on", "expected"),
    [(None, True), (dt.date(2027, 1, 31), True), (dt.date(2027, 1, 30), False)],
)
def test_ends_after_is_inclusive_and_open_ended_roles_pass(
    ends_on: dt.date | None, expected: bool
) -> None:
    assert hits(doc(ends_on=ends_on), ends_after=dt.date(2027, 1, 31)) is expected


def test_organisations_are_any_of() -> None:
    assert hits(doc(), organisation_ids=frozenset({"org-2", "org-1"}))
    assert not hits(doc(), organisation_ids=frozenset({"org-2"}))


# --- coded filters ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["causes", "skills"])
def test_causes_and_skills_are_any_of(field: str) -> None:
    role = doc(**{field: ("Health", "Sport")})
    assert hits(role, **{field: frozenset({"Sport", "Arts"})})
    assert not hits(role, **{field: frozenset({"Arts"})})
    assert not hits(doc(), **{field: frozenset({"Arts"})})  # a role with none of them


def test_commitment_is_any_of() -> None:
    assert hits(doc(commitment="regular"), commitment=frozenset({"one_off", "regular"}))
    assert not hits(doc(commitment="micro"), commitment=frozenset({"one_off", "regular"}))


def test_available_is_any_of_the_role_sessions() -> None:
    role = doc(sessions=("MondayMorning", "SaturdayAfternoon"))
    assert hits(role, available=frozenset({"SaturdayAfternoon", "SundayMorning"}))
    assert not hits(role, available=frozenset({"SundayMorning"}))
    assert not hits(doc(), available=frozenset({"SundayMorning"}))


def test_accessibility_is_all_of() -> None:
    role = doc(accessibility=("StepFreeAccess", "AccessibleToilet"))
    assert hits(role, accessibility=frozenset({"StepFreeAccess"}))
    assert hits(role, accessibility=frozenset({"StepFreeAccess", "AccessibleToilet"}))
    assert not hits(role, accessibility=frozenset({"StepFreeAccess", "HearingLoop"}))


def test_excluded_requirements_remove_roles_needing_any_of_them() -> None:
    role = doc(requirements=("DBSCheck", "DrivingLicence"))
    assert not hits(role, exclude_requirements=frozenset({"DBSCheck"}))
    assert not hits(role, exclude_requirements=frozenset({"Uniform", "DrivingLicence"}))
    assert hits(role, exclude_requirements=frozenset({"Uniform"}))
    assert hits(doc(), exclude_requirements=frozenset({"DBSCheck"}))


def test_every_parameter_combines_with_and() -> None:
    role = doc(causes=("Health",), skills=("Driving",), minimum_age=18)
    assert hits(role, causes=frozenset({"Health"}), skills=frozenset({"Driving"}), age=30)
    assert not hits(role, causes=frozenset({"Health"}), skills=frozenset({"Driving"}), age=17)
    assert not hits(role, causes=frozenset({"Health"}), skills=frozenset({"Cooking"}), age=30)


# --- place and remote mode --------------------------------------------------------------------


def test_a_location_within_the_radius_matches_and_one_beyond_does_not() -> None:
    assert hits(doc(locations=(north(1.99),)), origin=WATERLOO, radius_km=2.0)
    assert not hits(doc(locations=(north(2.01),)), origin=WATERLOO, radius_km=2.0)


def test_any_location_within_the_radius_is_enough() -> None:
    role = doc(locations=(north(30.0), north(4.0)))
    assert hits(role, origin=WATERLOO, radius_km=5.0)
    assert not hits(role, origin=WATERLOO, radius_km=3.0)


IN_PERSON_NEAR = doc(locations=(north(1.0),))
IN_PERSON_FAR = doc(locations=(north(100.0),))
REMOTE_ONLY = doc(remote=True, locations=())
HYBRID_NEAR = doc(remote=True, locations=(north(1.0),))
HYBRID_FAR = doc(remote=True, locations=(north(100.0),))


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # include: in person within the radius, or remote at any distance.
        (RemoteMode.INCLUDE, [True, False, True, True, True]),
        # only: remote roles alone, located or not, the radius not applying.
        (RemoteMode.ONLY, [False, False, True, True, True]),
        # exclude: a location within the radius, remote or not.
        (RemoteMode.EXCLUDE, [True, False, False, True, False]),
    ],
)
def test_remote_modes_with_an_origin(mode: RemoteMode, expected: list[bool]) -> None:
    roles = [IN_PERSON_NEAR, IN_PERSON_FAR, REMOTE_ONLY, HYBRID_NEAR, HYBRID_FAR]
    found = [hits(r, origin=WATERLOO, radius_km=10.0, remote=mode) for r in roles]
    assert found == expected


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (RemoteMode.INCLUDE, [True, True, True]),  # national: everything
        (RemoteMode.ONLY, [False, True, True]),
        (RemoteMode.EXCLUDE, [True, False, True]),  # any role with a location
    ],
)
def test_remote_modes_without_an_origin(mode: RemoteMode, expected: list[bool]) -> None:
    roles = [IN_PERSON_FAR, REMOTE_ONLY, HYBRID_FAR]
    assert [hits(r, remote=mode) for r in roles] == expected


# --- text ---------------------------------------------------------------------------------


def test_text_is_decided_by_the_injected_matcher_on_the_query_terms() -> None:
    seen: list[tuple[list[str], str]] = []

    def answer(result: bool) -> Any:
        def text_match(terms: list[str], role: RoleDocument) -> bool:
            seen.append((terms, role.id))
            return result

        return text_match

    query = SearchQuery(today=TODAY, text="Help with the Gardening")
    assert matches(query, doc(), answer(True))
    assert not matches(query, doc(), answer(False))
    assert seen == [(["help", "gardening"], "r1")] * 2


def test_text_of_stop_words_alone_asks_for_nothing() -> None:
    assert hits(doc(), text="the and of")


def test_text_is_not_consulted_when_another_filter_already_failed() -> None:
    query = SearchQuery(today=TODAY, text="garden", causes=frozenset({"Arts"}))
    assert not matches(query, doc(), no_text)


# --- the percolator's text analysis (FTS5 porter unicode61 remove_diacritics 2) -----------

SYNONYMS = TextMatcher.from_rules(["elderly, older people, seniors", "befriending, companionship"])


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("gardening", "garden"),
        ("technology", "technolog"),  # -logi -> -log (porter.sbl: "technologi")
        ("responsibly", "respons"),  # -bli -> -ble, then -ible goes (porter.sbl: "responsibli")
        ("trekking", "trek"),  # any doubled consonant but l, s, z (porter.sbl: "trekk")
        ("hopping", "hop"),
        ("falling", "fall"),
        ("is", "is"),  # under 3 bytes: not stemmed
    ],
)
def test_stems_are_those_of_the_fts5_porter_tokenizer(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_tokens_are_folded_like_unicode61() -> None:
    assert phrase_stems("Café CRÈME, don't") == ("cafe", "creme", "don", "t")


@pytest.mark.parametrize(
    ("text", "fields", "expected"),
    [
        ("gardens", {"title": "Gardening club"}, True),
        ("seniors", {"description": "Calls to older people"}, True),  # synonym phrase
        ("seniors", {"description": "People who are older"}, False),  # not as a phrase
        ("companionship", {"organisation_name": "Befriending Network"}, True),
        ("gardan", {"title": "Garden helper"}, True),  # one typo, 6 letters
        (
            "gardan",
            {"title": "Helper", "description": "Garden work"},
            False,
        ),  # typos: title/summary
        ("boko", {"title": "Book club"}, True),  # a transposition is one edit
        ("bkoo", {"title": "Book club"}, False),  # two edits in 4 letters
        ("garden tools", {"title": "Garden helper"}, False),  # every term
    ],
)
def test_text_matcher(text: str, fields: dict[str, str], expected: bool) -> None:
    role = doc(**{"title": "Helper", "summary": "", **fields})
    assert matches(SearchQuery(today=TODAY, text=text), role, SYNONYMS) is expected


# --- the grid and the stored form -------------------------------------------------------------


def towards(origin: GeoPoint, km: float, bearing_deg: float) -> GeoPoint:
    """The point ``km`` along the great circle leaving ``origin`` at ``bearing_deg``."""
    delta, theta = km / EARTH_RADIUS_KM, math.radians(bearing_deg)
    phi1, lambda1 = math.radians(origin.latitude), math.radians(origin.longitude)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return GeoPoint(math.degrees(phi2), math.degrees(lambda2))


@pytest.mark.parametrize("radius", [0.5, 5.0, 10.0, 50.0, 200.0])
@pytest.mark.parametrize("origin", [WATERLOO, GeoPoint(60.8, -0.8), GeoPoint(49.9, -6.3)])
def test_every_point_of_the_circle_is_in_a_cell_of_its_box(radius: float, origin: GeoPoint) -> None:
    box = bounding_box(origin, radius)
    assert box is not None
    keys = box_cells(box)
    assert keys is not None and len(keys) <= 6
    for bearing in range(0, 360, 5):
        for km in (0.0, radius / 2, radius):
            point = towards(origin, km, bearing)
            assert set(point_cells(point)) & set(keys), (radius, bearing, km)


def test_a_saved_query_survives_its_json_form() -> None:
    query = SearchQuery(
        today=TODAY,
        origin=WATERLOO,
        radius_km=12.5,
        text="garden",
        causes=frozenset({"Health"}),
        remote=RemoteMode.EXCLUDE,
        age=17,
        accessibility=frozenset({"StepFreeAccess"}),
        starts_before=dt.date(2027, 1, 1),
        sort=Sort.DISTANCE,
        organisation_ids=frozenset({"org-1"}),
    )
    assert query_from_json(query_to_json(query), TODAY) == query
