"""Facet counts: each facet counts the matches under every filter except its own.

The data set (all near SE1 7AE unless said otherwise; searched within 10 km):

    f1  environment          gardening         regular   step_free               in person
    f2  environment, health  driving           one_off   step_free, hearing_loop in person
    f3  health               driving, cooking  regular   -                       remote only
    f4  animals              cooking           flexible  hearing_loop            in person
    f5  environment          cooking           regular   -                       Manchester
    f6  heritage             gardening         regular   step_free               expired
    f7  environment          gardening         regular   -                       hybrid, 3 km

So the search matches f1, f2, f3, f4 and f7: f5 is out of range and f6 closed yesterday.
Every expected count below is worked out by hand from that table.
"""

from __future__ import annotations

import datetime as dt

import pytest

from services.search.adapters.index.port import SearchIndex
from services.search.domain.query import RemoteMode, SearchQuery
from tests.contract.search.builders import (
    M1_1AE,
    ORIGIN,
    TODAY,
    add,
    at,
    id_set,
    remote_role,
    role,
)

NEARBY = {"origin": ORIGIN, "radius_km": 10.0}


@pytest.fixture
def facet_roles(search_index: SearchIndex) -> dict[str, str]:
    docs = {
        "f1": role(
            causes=("environment",),
            skills=("gardening",),
            accessibility=("step_free",),
            locations=at(1.0),
        ),
        "f2": role(
            causes=("environment", "health"),
            skills=("driving",),
            commitment="one_off",
            accessibility=("step_free", "hearing_loop"),
            locations=at(2.0),
        ),
        "f3": remote_role(causes=("health",), skills=("driving", "cooking")),
        "f4": role(
            causes=("animals",),
            skills=("cooking",),
            commitment="flexible",
            accessibility=("hearing_loop",),
            locations=at(5.0),
        ),
        "f5": role(causes=("environment",), skills=("cooking",), locations=(M1_1AE,)),
        "f6": role(
            causes=("heritage",),
            skills=("gardening",),
            accessibility=("step_free",),
            closes_on=TODAY - dt.timedelta(days=1),
        ),
        "f7": role(
            causes=("environment",),
            skills=("gardening",),
            remote=True,
            locations=at(3.0, 200),
        ),
    }
    add(search_index, *docs.values())
    return {name: doc.id for name, doc in docs.items()}


def run(index: SearchIndex, **params):
    return index.search(SearchQuery(today=TODAY, per_page=50, **{**NEARBY, **params}))


def names_of(page, roles: dict[str, str]) -> set[str]:
    by_id = {role_id: name for name, role_id in roles.items()}
    return {by_id[role_id] for role_id in id_set(page)}


def test_facets_without_filters(search_index: SearchIndex, facet_roles) -> None:
    page = run(search_index)

    assert names_of(page, facet_roles) == {"f1", "f2", "f3", "f4", "f7"}
    assert page.facets["causes"] == {"environment": 3, "health": 2, "animals": 1}
    assert page.facets["skills"] == {"gardening": 2, "driving": 2, "cooking": 2}
    assert page.facets["commitment"] == {"regular": 3, "one_off": 1, "flexible": 1}
    assert page.facets["accessibility"] == {"step_free": 2, "hearing_loop": 2}
    assert page.facets["remote"] == {"true": 2, "false": 3}


def test_causes_facet_ignores_the_causes_filter(search_index: SearchIndex, facet_roles) -> None:
    page = run(search_index, causes=frozenset({"environment"}))

    assert names_of(page, facet_roles) == {"f1", "f2", "f7"}
    assert page.total == 3
    # Its own facet still offers health and animals, counted as if unfiltered.
    assert page.facets["causes"] == {"environment": 3, "health": 2, "animals": 1}
    # The other facets apply the causes filter; cooking drops out (zero counts omitted).
    assert page.facets["skills"] == {"gardening": 2, "driving": 1}
    assert page.facets["commitment"] == {"regular": 2, "one_off": 1}
    assert page.facets["accessibility"] == {"step_free": 2, "hearing_loop": 1}
    assert page.facets["remote"] == {"true": 1, "false": 2}


def test_skills_facet_ignores_the_skills_filter(search_index: SearchIndex, facet_roles) -> None:
    page = run(search_index, skills=frozenset({"cooking"}))

    assert names_of(page, facet_roles) == {"f3", "f4"}
    assert page.facets["skills"] == {"gardening": 2, "driving": 2, "cooking": 2}
    assert page.facets["causes"] == {"health": 1, "animals": 1}
    assert page.facets["commitment"] == {"regular": 1, "flexible": 1}
    assert page.facets["accessibility"] == {"hearing_loop": 1}
    assert page.facets["remote"] == {"true": 1, "false": 1}


def test_commitment_facet_ignores_the_commitment_filter(
    search_index: SearchIndex, facet_roles
) -> None:
    page = run(search_index, commitment=frozenset({"regular"}))

    assert names_of(page, facet_roles) == {"f1", "f3", "f7"}
    assert page.facets["commitment"] == {"regular": 3, "one_off": 1, "flexible": 1}
    assert page.facets["causes"] == {"environment": 2, "health": 1}
    assert page.facets["skills"] == {"gardening": 2, "driving": 1, "cooking": 1}


def test_accessibility_facet_ignores_the_accessibility_filter(
    search_index: SearchIndex, facet_roles
) -> None:
    page = run(search_index, accessibility=frozenset({"step_free", "hearing_loop"}))

    assert names_of(page, facet_roles) == {"f2"}
    assert page.facets["accessibility"] == {"step_free": 2, "hearing_loop": 2}
    assert page.facets["causes"] == {"environment": 1, "health": 1}
    assert page.facets["remote"] == {"false": 1}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(RemoteMode.ONLY, {"f3", "f7"}), (RemoteMode.EXCLUDE, {"f1", "f2", "f4", "f7"})],
    ids=["only", "exclude"],
)
def test_remote_facet_ignores_the_remote_filter(
    search_index: SearchIndex, facet_roles, mode: RemoteMode, expected: set[str]
) -> None:
    page = run(search_index, remote=mode)

    assert names_of(page, facet_roles) == expected
    # Keys are the strings "true" and "false"; counted as with remote=include.
    assert page.facets["remote"] == {"true": 2, "false": 3}


def test_remote_only_applies_to_the_other_facets(search_index: SearchIndex, facet_roles) -> None:
    page = run(search_index, remote=RemoteMode.ONLY)

    assert page.facets["causes"] == {"environment": 1, "health": 1}
    assert page.facets["skills"] == {"gardening": 1, "driving": 1, "cooking": 1}


def test_two_filters_each_facet_applies_the_other(search_index: SearchIndex, facet_roles) -> None:
    page = run(search_index, causes=frozenset({"environment"}), skills=frozenset({"gardening"}))

    assert names_of(page, facet_roles) == {"f1", "f7"}
    # causes under the skills filter alone: gardening roles f1, f7.
    assert page.facets["causes"] == {"environment": 2}
    # skills under the causes filter alone: environment roles f1, f2, f7.
    assert page.facets["skills"] == {"gardening": 2, "driving": 1}
    assert page.facets["commitment"] == {"regular": 2}


def test_facets_never_count_expired_or_out_of_range_roles(
    search_index: SearchIndex, facet_roles
) -> None:
    national = search_index.search(SearchQuery(today=TODAY, per_page=50))

    # Without an origin f5 (Manchester) counts; f6 (expired) never does.
    assert names_of(national, facet_roles) == {"f1", "f2", "f3", "f4", "f5", "f7"}
    assert national.facets["causes"] == {"environment": 4, "health": 2, "animals": 1}
    assert "heritage" not in national.facets["causes"]
    assert national.facets["skills"] == {"gardening": 2, "driving": 2, "cooking": 3}


@pytest.mark.parametrize("facet", ["causes", "skills", "commitment", "accessibility"])
def test_facet_counts_equal_the_filtered_totals(
    search_index: SearchIndex, facet_roles, facet: str
) -> None:
    counts = run(search_index).facets[facet]

    assert counts, f"the {facet} facet should not be empty here"
    for code, count in counts.items():
        assert run(search_index, **{facet: frozenset({code})}).total == count, code


def test_remote_true_count_equals_the_remote_only_total(
    search_index: SearchIndex, facet_roles
) -> None:
    counts = run(search_index).facets["remote"]

    assert counts["true"] == run(search_index, remote=RemoteMode.ONLY).total == 2
