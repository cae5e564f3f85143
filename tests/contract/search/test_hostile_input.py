"""Hostile text reaches the index as plain words: SQL, FTS5 and Elasticsearch query syntax
in the search words, the codes or the organisation ids never changes what matches, never
raises, and never touches the stored roles.

The expected ids follow from the text contract (services/search/domain/query.py): words are
runs of letters and digits, stop words drop out, and every remaining word must match.
"""

from __future__ import annotations

import pytest

from services.search.adapters.index.port import SearchIndex
from services.search.domain.query import Sort
from tests.contract.search.builders import add, id_set, role, search

GARDEN = "garden"
LIBRARY = "library"
BOTH = {GARDEN, LIBRARY}
NONE: set[str] = set()

# (search words, which of the two roles match)
TEXT_CASES = [
    ("' OR 1=1 --", NONE),  # the word "1"; "or" is a stop word
    ('"; DROP TABLE roles; --', NONE),  # drop, table, roles: none of them in either role
    ("garden' --", {GARDEN}),
    ("NEAR(garden library)", NONE),  # three plain words, "near" in neither role
    ("garden*", {GARDEN}),  # no prefix operator
    ('"unterminated', NONE),
    ('"garden', {GARDEN}),
    ("title:library", NONE),  # no field filter: "title" is a word every term must match
    ("^garden", {GARDEN}),
    ("AND OR NOT", BOTH),  # all stop words: no text filter at all
    ("(", BOTH),
    (")", BOTH),
    ("-garden", {GARDEN}),  # not a negation
    ("{garden}", {GARDEN}),
    ("title:(garden OR library)", NONE),
    ("*", BOTH),
    ("\\", BOTH),
    ("garden~2", NONE),  # the words garden and 2
    ("[a TO z]", NONE),  # the word z
    ("<>", BOTH),
    ("garden\x00", {GARDEN}),
    ("\u202egarden\u202c", {GARDEN}),  # right-to-left override marks are not letters
    ("🌱 garden 🌱", {GARDEN}),
    ("x" * 200, NONE),  # the longest word the API lets through (q is at most 200 chars)
    ("garden " * 1_500, {GARDEN}),  # 10,500 characters, one word repeated
]


@pytest.fixture
def two_roles(search_index: SearchIndex) -> dict[str, str]:
    garden = role(title="Community garden", organisation_name="Bankside Growers")
    library = role(title="Library helper", organisation_name="Bankside Readers")
    add(search_index, garden, library)
    return {GARDEN: garden.id, LIBRARY: library.id}


CASE_IDS = [repr(text)[:30] for text, _ in TEXT_CASES]


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES, ids=CASE_IDS)
@pytest.mark.parametrize("sort", [Sort.RELEVANCE, Sort.NEWEST])
def test_hostile_search_words_are_plain_words(
    search_index: SearchIndex, two_roles: dict[str, str], text: str, expected: set, sort: Sort
) -> None:
    page = search(search_index, text=text, sort=sort, per_page=50)

    assert id_set(page) == {two_roles[name] for name in expected}
    assert page.total == len(expected)


def test_an_injected_drop_leaves_the_roles_in_place(
    search_index: SearchIndex, two_roles: dict[str, str]
) -> None:
    for text in ('"; DROP TABLE roles; --', "'); DELETE FROM roles; --", "x' OR '1'='1"):
        search(search_index, text=text)
        search_index.suggest(text, 8)

    assert id_set(search(search_index, per_page=50)) == set(two_roles.values())


@pytest.mark.parametrize(
    "value",
    ["' OR 1=1 --", "org-1' OR '1'='1", "*", "org-*", '"; DROP TABLE roles; --', "\x00", "a" * 800],
)
def test_hostile_codes_and_ids_match_nothing(
    search_index: SearchIndex, two_roles: dict[str, str], value: str
) -> None:
    # The HTTP edge checks codes against the vocabularies; the index must cope regardless.
    for field in ("organisation_ids", "causes", "skills", "commitment", "accessibility"):
        page = search(search_index, **{field: frozenset({value})})
        assert id_set(page) == set(), field
    excluded = search(search_index, exclude_requirements=frozenset({value}), per_page=50)
    assert id_set(excluded) == set(two_roles.values())


# The API refuses control characters before they reach type-ahead (params.PRINTABLE), and
# type-ahead prefixes are at most 100 characters.
SUGGEST_CASES = [text[:100] for text, _ in TEXT_CASES if text.isprintable() or "\x00" not in text]


@pytest.mark.parametrize("text", SUGGEST_CASES, ids=[repr(t)[:30] for t in SUGGEST_CASES])
def test_hostile_type_ahead_offers_only_real_titles(
    search_index: SearchIndex, two_roles: dict[str, str], text: str
) -> None:
    suggestions = search_index.suggest(text, 8)

    assert set(suggestions) <= {"Community garden", "Library helper"}
