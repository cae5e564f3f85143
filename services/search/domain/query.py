"""A search, once its parameters have been checked: what both index adapters execute.

Semantics (the public contract, docs/search-api.md):
- with an ``origin``, a role matches when any of its locations is within ``radius_km``
  (great-circle, ``services.common.geo.distance``); remote roles match at any distance unless
  ``remote`` is ``exclude``; without an origin there is no distance filter;
- ``remote``: ``include`` adds remote roles wherever they are; ``only`` keeps remote roles
  alone (with or without locations, the radius then does not apply); ``exclude`` keeps roles
  a person can do in person: ones with a location (within the radius, given an origin),
  whether or not they can also be done remotely;
- ``causes``, ``skills``, ``commitment`` and ``available`` are any-of within themselves,
  ``accessibility`` is all-of, ``exclude_requirements`` removes roles needing any of them,
  and every parameter combines with AND;
- ``age``: the role's minimum age is unset or <= age, and its maximum unset or >= age;
- ``starts_before``: the role starts on or before that day (or has no start date);
  ``ends_after``: it ends on or after that day (or has no end date);
- roles whose ``closes_on`` is before ``today`` never match (expired even if the
  opportunities service has not yet said so);
- ``text``: every term (``query_terms``) must match title, summary, description or the
  organisation's name, after English stemming and vocabulary synonyms; title and summary
  also tolerate typos (one edit for 3-5 letters, two from 6);
- each facet counts the matches under every filter except its own parameter.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field, replace

from services.search.domain.documents import GeoPoint

MAX_RADIUS_KM = 200.0
DEFAULT_RADIUS_KM = 10.0
MAX_PER_PAGE = 50
# Beyond this offset, page numbers stop and the cursor takes over (Elasticsearch's window).
MAX_OFFSET = 10_000


class Sort(enum.StrEnum):
    DISTANCE = "distance"
    RELEVANCE = "relevance"
    NEWEST = "newest"
    CLOSING_SOON = "closing_soon"


class RemoteMode(enum.StrEnum):
    INCLUDE = "include"
    ONLY = "only"
    EXCLUDE = "exclude"


@dataclass(frozen=True)
class SearchQuery:
    today: dt.date
    origin: GeoPoint | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    text: str | None = None
    causes: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    commitment: frozenset[str] = frozenset()
    remote: RemoteMode = RemoteMode.INCLUDE
    age: int | None = None
    accessibility: frozenset[str] = frozenset()
    exclude_requirements: frozenset[str] = frozenset()
    available: frozenset[str] = frozenset()
    starts_before: dt.date | None = None
    ends_after: dt.date | None = None
    sort: Sort = Sort.NEWEST
    page: int = 1
    per_page: int = 20
    # Sort values of the last hit already seen (from a cursor): then ``page`` is ignored.
    after: tuple | None = None
    organisation_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def offset(self) -> int:
        return 0 if self.after is not None else (self.page - 1) * self.per_page

    @property
    def terms(self) -> list[str]:
        return query_terms(self.text or "")

    def without(self, facet: str) -> SearchQuery:
        """This query minus one facet's own filter (facet counts use it)."""
        if facet == "remote":
            return replace(self, remote=RemoteMode.INCLUDE)
        empty: frozenset[str] = frozenset()
        return replace(self, **{facet: empty})  # type: ignore[arg-type]


def default_sort(text: str | None, origin: GeoPoint | None) -> Sort:
    if text and query_terms(text):
        return Sort.RELEVANCE
    return Sort.DISTANCE if origin is not None else Sort.NEWEST


# Lucene's English stop words (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET): dropped from queries
# by both adapters so "help with gardening" does not demand the word "with".
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into",
        "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then",
        "there", "these", "they", "this", "to", "was", "will", "with",
    }
)  # fmt: skip
_TERM = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
MAX_TERMS = 12


def query_terms(text: str) -> list[str]:
    """Lower-cased words of a query, stop words and repeats removed, in order."""
    seen: list[str] = []
    for match in _TERM.finditer(text.lower()):
        word = match.group().removesuffix("'s").replace("'", "")
        if word and word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def fuzzy_edits(term: str) -> int:
    """Typo allowance for a term: Elasticsearch's AUTO (0 for 1-2 letters, 1 for 3-5, 2)."""
    if len(term) <= 2:
        return 0
    return 1 if len(term) <= 5 else 2
