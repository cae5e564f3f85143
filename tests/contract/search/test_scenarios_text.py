"""Free text: every term must match (title, summary, description or organisation name) after
English stemming and the synonym rules in conftest.SYNONYMS; stop words are dropped; title
and summary tolerate typos (one edit for 3-5 letters, two from 6). Highlights are escaped
HTML with <mark> around matches; suggest() offers titles for type-ahead.
"""

from __future__ import annotations

import html
import re

import pytest

from services.search.adapters.index.port import SearchIndex
from services.search.domain.query import Sort
from tests.contract.search.builders import add, id_set, only_hit, role, search


def matching(index: SearchIndex, text: str, **params) -> set[str]:
    return id_set(search(index, text=text, sort=Sort.RELEVANCE, per_page=50, **params))


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("gardening", "Help at the community garden"),
        ("garden", "Gardening club assistant"),
        ("cooked", "Cooking for the lunch club"),
        ("painting", "Paint the village hall"),
    ],
)
def test_english_stemming(search_index: SearchIndex, query: str, title: str) -> None:
    target = role(title=title)
    decoy = role(title="Reading with children", description="Story time at the library.")
    add(search_index, target, decoy)

    assert matching(search_index, query) == {target.id}


def test_stop_words_in_the_query_are_ignored(search_index: SearchIndex) -> None:
    garden = role(title="Community garden", summary="Help keep the beds weeded")
    only_with = role(title="Reading with children", summary="Share stories")
    add(search_index, garden, only_with)

    assert matching(search_index, "help with the gardening") == {garden.id}


def test_every_term_must_match(search_index: SearchIndex) -> None:
    both = role(title="Garden tools sorting")
    garden_only = role(title="Garden helper")
    tools_only = role(title="Tool library", description="Lend tools to neighbours.")
    add(search_index, both, garden_only, tools_only)

    assert matching(search_index, "garden tools") == {both.id}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Litter picking crew"),
        ("summary", "Litter picking on the common"),
        ("description", "Monthly litter picking along the canal towpath."),
        ("organisation_name", "Litter Free Lambeth"),
    ],
)
def test_every_text_field_is_searched(search_index: SearchIndex, field: str, value: str) -> None:
    target = role(**{field: value})
    decoy = role(title="Reading with children")
    add(search_index, target, decoy)

    assert matching(search_index, "litter") == {target.id}


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("elderly", {"description": "Weekly calls to older people living alone."}),
        ("seniors", {"title": "Lunch club for the elderly"}),
        ("teenagers", {"title": "Youth club leader"}),
        ("companionship", {"title": "Befriending volunteer"}),
    ],
)
def test_synonyms(search_index: SearchIndex, query: str, fields: dict) -> None:
    target = role(**fields)
    decoy = role(title="Reading with children", summary="Share stories")
    add(search_index, target, decoy)

    assert matching(search_index, query) == {target.id}


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("gardning", {"title": "Community gardening volunteers"}),
        ("libary", {"summary": "Reading with children at the library"}),
        ("drivr", {"title": "Minibus driver"}),
    ],
)
def test_typos_are_tolerated_in_title_and_summary(
    search_index: SearchIndex, query: str, fields: dict
) -> None:
    target = role(**fields)
    decoy = role(title="Food bank shift", summary="Sort tins")
    add(search_index, target, decoy)

    assert matching(search_index, query) == {target.id}


def test_typos_are_not_tolerated_in_the_description(search_index: SearchIndex) -> None:
    in_title = role(title="Gardening volunteers")
    in_description = role(title="Volunteer role", description="Weekly gardening sessions.")
    add(search_index, in_title, in_description)

    assert matching(search_index, "gardening") == {in_title.id, in_description.id}
    assert matching(search_index, "gardning") == {in_title.id}


def test_three_typos_in_a_long_word_do_not_match(search_index: SearchIndex) -> None:
    target = role(title="Gardening volunteers")
    add(search_index, target)

    assert matching(search_index, "gardening") == {target.id}
    assert matching(search_index, "gxxdxning") == set()


def test_text_combines_with_filters(search_index: SearchIndex) -> None:
    green = role(title="Garden helper", causes=("environment",))
    care = role(title="Garden helper at the care home", causes=("health",))
    other = role(title="Shop assistant", causes=("environment",))
    add(search_index, green, care, other)

    assert matching(search_index, "garden", causes=frozenset({"environment"})) == {green.id}


def test_highlight_marks_the_match_and_escapes_html(search_index: SearchIndex) -> None:
    target = role(
        title="Gardening <b>club</b> & friends",
        summary="Weekly sessions",
        description="Bring gloves.",
    )
    add(search_index, target)

    hit = only_hit(search(search_index, text="gardening"), target.id)

    assert hit.highlight is not None
    assert re.search(r"<mark>gardening</mark>", hit.highlight, re.IGNORECASE), hit.highlight
    # Outside the <mark> tags there is no markup left: the title's <b> and & are entities
    # (any valid escaping: "/" may or may not be written as &#x2F;).
    plain = re.sub(r"</?mark>", "", hit.highlight)
    assert "<" not in plain and ">" not in plain, hit.highlight
    assert "&lt;b&gt;club&lt;" in plain
    assert html.unescape(plain) == target.title


def test_highlight_comes_from_the_field_that_matched(search_index: SearchIndex) -> None:
    target = role(title="Volunteer role", description="Sorting donations in the warehouse.")
    add(search_index, target)

    hit = only_hit(search(search_index, text="warehouse"), target.id)

    assert hit.highlight is not None
    assert re.search(r"<mark>warehouse</mark>", hit.highlight, re.IGNORECASE), hit.highlight


def test_no_highlight_without_text(search_index: SearchIndex) -> None:
    target = role(title="Gardening club")
    add(search_index, target)

    assert only_hit(search(search_index), target.id).highlight is None


def test_suggest_offers_titles_with_words_starting_with_the_prefix(
    search_index: SearchIndex,
) -> None:
    add(
        search_index,
        role(title="Gardening club"),
        role(title="Garden helper"),
        role(title="Food bank driver", description="Deliveries to community gardens."),
        role(title="Shop assistant"),
    )

    titles = search_index.suggest("gard")

    assert {"Gardening club", "Garden helper"} <= set(titles)
    assert "Food bank driver" not in titles
    assert "Shop assistant" not in titles
    for title in titles:
        assert any(word.lower().startswith("gard") for word in title.split()), title
    assert len(search_index.suggest("gard", limit=1)) == 1
    assert search_index.suggest("zzz") == []
