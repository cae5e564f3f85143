"""Sort orders, page numbers and cursors.

newest: latest published first. closing_soon: earliest closing date first, roles that never
close last. relevance: only clear cases (a title match above a description-only match).
Cursors (``after=page.next_after``) must walk the whole result set exactly once, in the
same order as one big page; ``next_after`` is None on the last page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from services.search.adapters.index.port import SearchIndex
from services.search.domain.query import MAX_PER_PAGE, SearchQuery, Sort
from tests.contract.search.builders import (
    ORIGIN,
    PUBLISHED,
    TODAY,
    add,
    assert_nearest_first,
    at,
    id_set,
    ids,
    remote_role,
    role,
    search,
    walk,
    walked_ids,
)


def published(day: int, month: int = 11) -> dict:
    moment = dt.datetime(2026, month, day, 9, 0, tzinfo=dt.UTC)
    return {"published_at": moment, "updated_at": moment}


def test_newest_first(search_index: SearchIndex) -> None:
    oct_1 = role(**published(1, 10))
    nov_15 = role(**published(15))
    sep_20 = role(**published(20, 9))
    nov_1 = role(**published(1))
    add(search_index, oct_1, nov_15, sep_20, nov_1)

    page = search(search_index, sort=Sort.NEWEST)

    assert ids(page) == [nov_15.id, nov_1.id, oct_1.id, sep_20.id]


def test_newest_is_the_default_sort(search_index: SearchIndex) -> None:
    older = role(**published(2))
    newer = role(**published(20))
    add(search_index, older, newer)

    assert ids(search(search_index)) == [newer.id, older.id]


def test_closing_soon_puts_roles_without_a_closing_date_last(search_index: SearchIndex) -> None:
    dec_20 = role(closes_on=dt.date(2026, 12, 20))
    never_a = role(closes_on=None)
    dec_5 = role(closes_on=dt.date(2026, 12, 5))
    jan_10 = role(closes_on=dt.date(2027, 1, 10))
    never_b = role(closes_on=None)
    today = role(closes_on=TODAY)
    add(search_index, dec_20, never_a, dec_5, jan_10, never_b, today)

    page = search(search_index, sort=Sort.CLOSING_SOON)

    assert ids(page)[:4] == [today.id, dec_5.id, dec_20.id, jan_10.id]
    assert set(ids(page)[4:]) == {never_a.id, never_b.id}


def test_relevance_ranks_a_title_match_above_a_description_match(
    search_index: SearchIndex,
) -> None:
    in_description = role(
        title="Office assistant",
        description="Answer the phone, file letters and sometimes water the garden.",
        **published(20),
    )
    in_title = role(
        title="Garden volunteer",
        description="Weeding, planting and keeping the paths clear.",
        **published(1),
    )
    unrelated = role(title="Shop assistant", description="Sort donations.")
    add(search_index, in_description, in_title, unrelated)

    page = search(search_index, text="garden", sort=Sort.RELEVANCE)

    assert ids(page) == [in_title.id, in_description.id]


def test_page_numbers_continue_without_overlap(search_index: SearchIndex) -> None:
    roles = [role(**published(day)) for day in range(1, 11)]
    add(search_index, *roles)
    everything = ids(search(search_index, per_page=MAX_PER_PAGE))
    assert everything == [r.id for r in reversed(roles)]

    pages = [search(search_index, per_page=4, page=n) for n in (1, 2, 3, 4)]

    assert [len(p.hits) for p in pages] == [4, 4, 2, 0]
    assert [p.total for p in pages] == [10, 10, 10, 10]
    assert [i for p in pages for i in ids(p)] == everything


# Data with ties on every sort key, so a cursor must break them the same way each time.
def tied_roles() -> list:
    same_day = published(10)
    docs = []
    for n in range(4):
        docs.append(role(title="Garden helper", locations=at(2.0, 90 * n), **same_day))
        docs.append(role(title="Garden helper", locations=at(1.0 + n), **published(n + 1)))
        docs.append(remote_role(title="Garden helper", **same_day))
    docs.append(role(title="Garden helper", closes_on=dt.date(2026, 12, 24), **same_day))
    docs.append(role(title="Garden helper", closes_on=dt.date(2026, 12, 24), **same_day))
    docs.append(role(title="Garden helper", closes_on=TODAY, locations=at(1.5)))
    return docs


CURSOR_QUERIES: dict[str, dict[str, Any]] = {
    "distance": {"origin": ORIGIN, "radius_km": 10, "sort": Sort.DISTANCE},
    "newest": {"sort": Sort.NEWEST},
    "closing_soon": {"sort": Sort.CLOSING_SOON},
    "relevance": {"text": "garden", "sort": Sort.RELEVANCE},
}


@pytest.mark.parametrize("name", list(CURSOR_QUERIES))
def test_cursor_walks_every_result_once_in_order(search_index: SearchIndex, name: str) -> None:
    docs = tied_roles()
    add(search_index, *docs)
    query = SearchQuery(today=TODAY, per_page=3, **CURSOR_QUERIES[name])
    big_page = search_index.search(replace(query, per_page=MAX_PER_PAGE))
    assert big_page.total == len(docs) == len(big_page.hits)
    assert big_page.next_after is None

    pages = walk(search_index, query)
    walked = walked_ids(pages)

    assert len(walked) == len(set(walked)), "a cursor returned a role twice"
    assert walked == ids(big_page)
    assert len(pages) == 5  # 15 roles, 3 a page
    assert all(p.total == len(docs) for p in pages)
    assert all(len(p.hits) == 3 for p in pages)
    if name == "distance":
        distances = [h.distance_km for p in pages for h in p.hits]
        assert_nearest_first(distances)
        assert distances[-5:] == [pytest.approx(4.0, abs=0.002), None, None, None, None]


def test_next_after_is_none_on_a_last_page_that_is_full(search_index: SearchIndex) -> None:
    docs = [role(**published(day)) for day in range(1, 7)]
    add(search_index, *docs)
    query = SearchQuery(today=TODAY, per_page=3)

    first = search_index.search(query)
    assert first.next_after is not None
    second = search_index.search(replace(query, after=first.next_after))

    assert len(second.hits) == 3
    assert second.next_after is None
    assert id_set(first) | id_set(second) == {d.id for d in docs}


def test_next_after_is_none_when_everything_fits(search_index: SearchIndex) -> None:
    add(search_index, role(), role())

    page = search(search_index, per_page=5)

    assert len(page.hits) == 2
    assert page.next_after is None


def test_cursor_pages_keep_the_filters(search_index: SearchIndex) -> None:
    wanted = [role(causes=("health",), **published(day)) for day in range(1, 8)]
    others = [role(causes=("arts",), **published(day)) for day in range(1, 8)]
    add(search_index, *wanted, *others)

    pages = walk(search_index, SearchQuery(today=TODAY, per_page=2, causes=frozenset({"health"})))

    assert walked_ids(pages) == [r.id for r in reversed(wanted)]
    assert [p.total for p in pages] == [7, 7, 7, 7]
    assert pages[0].facets["causes"] == {"health": 7, "arts": 7}


def test_published_at_is_compared_as_an_instant(search_index: SearchIndex) -> None:
    # 10:00 in UTC+02:00 is 08:00 UTC: earlier than 09:00 UTC.
    plus_two = dt.timezone(dt.timedelta(hours=2))
    local = role(published_at=dt.datetime(2026, 11, 1, 10, 0, tzinfo=plus_two))
    utc = role(published_at=PUBLISHED)
    add(search_index, local, utc)

    assert ids(search(search_index, sort=Sort.NEWEST)) == [utc.id, local.id]
