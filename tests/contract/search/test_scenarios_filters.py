"""Filters: any-of code lists, all-of accessibility, exclusions, ages, dates, expiry.

Semantics (services/search/domain/query.py): causes, skills, commitment and available are
any-of, accessibility is all-of, exclude_requirements removes roles needing any of them,
every parameter combines with AND; closes_on before today never matches.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.search.adapters.index.port import SearchIndex
from services.search.domain.query import RemoteMode
from tests.contract.search.builders import (
    M1_1AE,
    ORIGIN,
    TODAY,
    add,
    at,
    id_set,
    remote_role,
    role,
    search,
)

NAMED = dict[str, str]


def named(index: SearchIndex, **docs) -> NAMED:
    add(index, *docs.values())
    return {name: doc.id for name, doc in docs.items()}


def found(index: SearchIndex, names: NAMED, **params) -> set[str]:
    """Names of the roles the search returns (the whole result fits one page)."""
    page = search(index, per_page=50, **params)
    by_id = {role_id: name for name, role_id in names.items()}
    result = {by_id[role_id] for role_id in id_set(page)}
    assert page.total == len(result)
    return result


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ({"environment"}, {"env", "both"}),
        ({"environment", "animals"}, {"env", "both"}),
        ({"environment", "health"}, {"env", "health", "both"}),
        ({"arts"}, set()),
    ],
)
def test_causes_are_any_of(search_index: SearchIndex, wanted: set, expected: set) -> None:
    names = named(
        search_index,
        env=role(causes=("environment",)),
        health=role(causes=("health",)),
        both=role(causes=("environment", "health")),
        none=role(),
    )
    assert found(search_index, names) == {"env", "health", "both", "none"}
    assert found(search_index, names, causes=frozenset(wanted)) == expected


def test_skills_are_any_of(search_index: SearchIndex) -> None:
    names = named(
        search_index,
        driver=role(skills=("driving",)),
        cook=role(skills=("cooking", "first_aid")),
        gardener=role(skills=("gardening",)),
        none=role(),
    )
    assert found(search_index, names, skills=frozenset({"driving", "cooking"})) == {
        "driver",
        "cook",
    }
    assert found(search_index, names, skills=frozenset({"first_aid"})) == {"cook"}


def test_commitment_is_any_of(search_index: SearchIndex) -> None:
    names = named(
        search_index,
        regular=role(commitment="regular"),
        one_off=role(commitment="one_off"),
        flexible=role(commitment="flexible"),
    )
    wanted = frozenset({"regular", "one_off"})
    assert found(search_index, names, commitment=wanted) == {"regular", "one_off"}
    assert found(search_index, names, commitment=frozenset({"flexible"})) == {"flexible"}


def test_available_is_any_of_the_sessions(search_index: SearchIndex) -> None:
    names = named(
        search_index,
        monday=role(sessions=("MondayMorning", "MondayAfternoon")),
        tuesday=role(sessions=("TuesdayEvening",)),
        weekend=role(sessions=("SaturdayMorning", "SundayMorning")),
        unscheduled=role(sessions=()),
    )
    wanted = frozenset({"MondayMorning", "TuesdayEvening"})
    assert found(search_index, names, available=wanted) == {"monday", "tuesday"}
    assert found(search_index, names, available=frozenset({"SundayMorning"})) == {"weekend"}
    assert found(search_index, names, available=frozenset({"FridayEvening"})) == set()


def test_accessibility_is_all_of(search_index: SearchIndex) -> None:
    names = named(
        search_index,
        both=role(accessibility=("step_free", "hearing_loop")),
        step_free=role(accessibility=("step_free",)),
        loop=role(accessibility=("hearing_loop",)),
        none=role(),
    )
    both = frozenset({"step_free", "hearing_loop"})
    assert found(search_index, names, accessibility=both) == {"both"}
    step_free = frozenset({"step_free"})
    assert found(search_index, names, accessibility=step_free) == {"both", "step_free"}


def test_exclude_requirements_removes_roles_needing_any(search_index: SearchIndex) -> None:
    names = named(
        search_index,
        dbs=role(requirements=("dbs_check",)),
        licence=role(requirements=("driving_licence",)),
        both=role(requirements=("dbs_check", "driving_licence")),
        none=role(),
    )
    dbs = frozenset({"dbs_check"})
    assert found(search_index, names, exclude_requirements=dbs) == {"licence", "none"}
    every = frozenset({"dbs_check", "driving_licence"})
    assert found(search_index, names, exclude_requirements=every) == {"none"}


AGE_CASES = [
    (15, {"teens", "any"}),
    (16, {"teens", "young", "any"}),
    (17, {"teens", "young", "any"}),
    (18, {"adults", "teens", "young", "any"}),
    (19, {"adults", "young", "any"}),
    (24, {"adults", "young", "any"}),
    (25, {"adults", "any"}),
]


@pytest.mark.parametrize(("age", "expected"), AGE_CASES, ids=[str(a) for a, _ in AGE_CASES])
def test_age_limits_are_inclusive(search_index: SearchIndex, age: int, expected: set) -> None:
    names = named(
        search_index,
        adults=role(minimum_age=18),
        teens=role(maximum_age=18),
        young=role(minimum_age=16, maximum_age=24),
        any=role(),
    )
    assert found(search_index, names, age=age) == expected


def test_starts_before_keeps_roles_starting_by_then_or_undated(
    search_index: SearchIndex,
) -> None:
    names = named(
        search_index,
        january=role(starts_on=dt.date(2027, 1, 10)),
        february=role(starts_on=dt.date(2027, 2, 1)),
        undated=role(starts_on=None),
    )
    assert found(search_index, names, starts_before=dt.date(2027, 1, 9)) == {"undated"}
    assert found(search_index, names, starts_before=dt.date(2027, 1, 10)) == {
        "january",
        "undated",
    }
    assert found(search_index, names, starts_before=dt.date(2027, 2, 1)) == set(names)


def test_ends_after_keeps_roles_ending_then_or_later_or_open_ended(
    search_index: SearchIndex,
) -> None:
    names = named(
        search_index,
        january=role(ends_on=dt.date(2027, 1, 31)),
        march=role(ends_on=dt.date(2027, 3, 31)),
        open_ended=role(ends_on=None),
    )
    assert found(search_index, names, ends_after=dt.date(2027, 1, 31)) == set(names)
    assert found(search_index, names, ends_after=dt.date(2027, 2, 1)) == {"march", "open_ended"}
    assert found(search_index, names, ends_after=dt.date(2027, 3, 31)) == {"march", "open_ended"}
    assert found(search_index, names, ends_after=dt.date(2027, 4, 1)) == {"open_ended"}


def test_date_window_combines_starts_before_and_ends_after(search_index: SearchIndex) -> None:
    names = named(
        search_index,
        spring=role(starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 5, 31)),
        winter=role(starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2027, 2, 28)),
        summer=role(starts_on=dt.date(2027, 6, 1), ends_on=None),
        always=role(),
    )
    # Who can help at some point in April 2027?
    april = {"starts_before": dt.date(2027, 4, 30), "ends_after": dt.date(2027, 4, 1)}
    assert found(search_index, names, **april) == {"spring", "always"}


def test_organisation_ids_are_any_of(search_index: SearchIndex) -> None:
    names = named(
        search_index,
        a=role(organisation_id="org-a"),
        b=role(organisation_id="org-b"),
        c=role(organisation_id="org-c"),
    )
    assert found(search_index, names, organisation_ids=frozenset({"org-a", "org-c"})) == {
        "a",
        "c",
    }


@pytest.mark.parametrize(
    ("closes_on", "matches"),
    [
        (TODAY - dt.timedelta(days=1), False),
        (TODAY, True),
        (TODAY + dt.timedelta(days=1), True),
        (None, True),
    ],
    ids=["yesterday", "today", "tomorrow", "never"],
)
def test_expired_roles_never_match(
    search_index: SearchIndex, closes_on: dt.date | None, matches: bool
) -> None:
    target = role(closes_on=closes_on, remote=True, causes=("health",))
    control = role()
    add(search_index, target, control)

    queries: list[dict[str, Any]] = [
        {},
        {"origin": ORIGIN, "radius_km": 10},
        {"remote": RemoteMode.ONLY},
        {"causes": frozenset({"health"})},
    ]
    for params in queries:
        page = search(search_index, per_page=50, **params)
        assert (target.id in id_set(page)) is matches, params
    assert control.id in id_set(search(search_index))


def test_every_parameter_combines_with_and(search_index: SearchIndex) -> None:
    wanted = dict(
        causes=("environment",),
        skills=("gardening",),
        commitment="regular",
        accessibility=("step_free",),
        sessions=("SaturdayMorning",),
        minimum_age=16,
        organisation_id="org-green",
        locations=at(4.0, 30),
    )
    names = named(
        search_index,
        all_=role(**wanted),
        wrong_cause=role(**{**wanted, "causes": ("health",)}),
        wrong_skill=role(**{**wanted, "skills": ("driving",)}),
        wrong_commitment=role(**{**wanted, "commitment": "one_off"}),
        no_access=role(**{**wanted, "accessibility": ()}),
        wrong_day=role(**{**wanted, "sessions": ("MondayEvening",)}),
        too_young=role(**{**wanted, "minimum_age": 18}),
        needs_dbs=role(**{**wanted, "requirements": ("dbs_check",)}),
        other_org=role(**{**wanted, "organisation_id": "org-grey"}),
        too_far=role(**{**wanted, "locations": (M1_1AE,)}),
        home_only=remote_role(**{k: v for k, v in wanted.items() if k != "locations"}),
    )
    page_params = dict(
        origin=ORIGIN,
        radius_km=10,
        remote=RemoteMode.EXCLUDE,
        causes=frozenset({"environment", "arts"}),
        skills=frozenset({"gardening"}),
        commitment=frozenset({"regular"}),
        accessibility=frozenset({"step_free"}),
        available=frozenset({"SaturdayMorning", "SundayMorning"}),
        age=17,
        exclude_requirements=frozenset({"dbs_check"}),
        organisation_ids=frozenset({"org-green"}),
    )
    assert found(search_index, names, **page_params) == {"all_"}
    # Without the filters, every one of them matches: each role is excluded by one only.
    assert found(search_index, names) == set(names)
