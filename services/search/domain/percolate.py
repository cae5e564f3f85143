"""Percolation: does one role appear in one saved search's results (paging and sort aside)?

A search runs a query over many roles; an alert runs many saved queries over one new role.
Both must give the same answer, so this predicate restates the contract in
``services.search.domain.query`` for a single role, and the percolator adapters only use
their indexes to pick which saved searches to ask it about.

Text is the one part that needs analysis (stemming, synonyms, typos): the caller injects
it as ``text_match(terms, doc)``, which keeps this module free of any stemmer. A saved
search is stored as JSON (``query_to_json``), without paging or the day it was saved on.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

from services.common.geo.distance import distance_km
from services.search.domain.documents import GeoPoint, RoleDocument
from services.search.domain.query import RemoteMode, SearchQuery, Sort, query_terms

TextMatch = Callable[[list[str], RoleDocument], bool]


def matches(query: SearchQuery, doc: RoleDocument, text_match: TextMatch) -> bool:
    """True when ``doc`` is among the results of ``query`` on the day ``query.today``."""
    # Cheapest tests first: an alert run asks this of thousands of saved searches per role.
    return (
        _is_open(query, doc)
        and _dates_and_age(query, doc)
        and _codes(query, doc)
        and _place(query, doc)
        and (not query.text or _text(query, doc, text_match))
    )


def _is_open(query: SearchQuery, doc: RoleDocument) -> bool:
    """Roles whose closing day has passed never match, whatever the search."""
    return doc.closes_on is None or doc.closes_on >= query.today


def _dates_and_age(query: SearchQuery, doc: RoleDocument) -> bool:
    age = query.age
    if age is not None:
        if doc.minimum_age is not None and doc.minimum_age > age:
            return False
        if doc.maximum_age is not None and doc.maximum_age < age:
            return False
    starts, ends = doc.starts_on, doc.ends_on
    if query.starts_before is not None and starts is not None and starts > query.starts_before:
        return False
    return query.ends_after is None or ends is None or ends >= query.ends_after


def _codes(query: SearchQuery, doc: RoleDocument) -> bool:
    """Any-of within causes, skills, commitment, sessions and organisations; all-of for
    accessibility; none of the excluded requirements."""
    if query.organisation_ids and doc.organisation_id not in query.organisation_ids:
        return False
    if query.commitment and doc.commitment not in query.commitment:
        return False
    if query.causes and query.causes.isdisjoint(doc.causes):
        return False
    if query.skills and query.skills.isdisjoint(doc.skills):
        return False
    if query.available and query.available.isdisjoint(doc.sessions):
        return False
    if query.accessibility and not query.accessibility.issubset(doc.accessibility):
        return False
    return query.exclude_requirements.isdisjoint(doc.requirements)


def _place(query: SearchQuery, doc: RoleDocument) -> bool:
    if query.remote is RemoteMode.ONLY:
        # Remote roles alone, located or not; the radius does not apply to them.
        return doc.remote
    if query.remote is RemoteMode.EXCLUDE:
        # Roles a person can do in person: a location, inside the radius given an origin.
        return bool(doc.locations) and (query.origin is None or within_radius(query, doc))
    # include: no origin means national; with one, remote roles match at any distance.
    return query.origin is None or doc.remote or within_radius(query, doc)


def within_radius(query: SearchQuery, doc: RoleDocument) -> bool:
    """Any of the role's locations within ``radius_km`` of the origin (great-circle)."""
    origin = query.origin
    if origin is None:
        return False
    return any(
        distance_km(origin.latitude, origin.longitude, p.latitude, p.longitude) <= query.radius_km
        for p in doc.locations
    )


def _text(query: SearchQuery, doc: RoleDocument, text_match: TextMatch) -> bool:
    terms = _terms(query.text or "")
    # Text that is only stop words or punctuation asks for nothing, as in a search.
    return not terms or text_match(list(terms), doc)


@functools.lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[str, ...]:
    # query.terms, remembered: many saved searches share their text, and a percolator asks
    # about each of them for every new role.
    return tuple(query_terms(text))


# --- a saved search's stored form ---------------------------------------------------------

# The set-valued filters, by their SearchQuery field names.
SET_FILTERS = ("causes", "skills", "commitment", "available", "organisation_ids",
               "accessibility", "exclude_requirements")  # fmt: skip


def query_to_json(query: SearchQuery) -> dict[str, Any]:
    """A saved search's filters as JSON; paging, cursor and ``today`` are not part of it."""
    origin = query.origin
    raw: dict[str, Any] = {
        "origin": None if origin is None else [origin.latitude, origin.longitude, origin.postcode],
        "radius_km": query.radius_km,
        "text": query.text,
        "remote": query.remote.value,
        "age": query.age,
        "starts_before": _iso(query.starts_before),
        "ends_after": _iso(query.ends_after),
        "sort": query.sort.value,
    }
    raw.update({name: sorted(getattr(query, name)) for name in SET_FILTERS})
    return raw


def query_from_json(raw: Mapping[str, Any], today: dt.date) -> SearchQuery:
    """The saved search as it runs on ``today``."""
    origin = raw["origin"]
    return SearchQuery(
        today=today,
        origin=None if origin is None else GeoPoint(origin[0], origin[1], origin[2]),
        radius_km=raw["radius_km"],
        text=raw["text"],
        remote=RemoteMode(raw["remote"]),
        age=raw["age"],
        starts_before=_date(raw["starts_before"]),
        ends_after=_date(raw["ends_after"]),
        sort=Sort(raw["sort"]),
        causes=frozenset(raw["causes"]),
        skills=frozenset(raw["skills"]),
        commitment=frozenset(raw["commitment"]),
        available=frozenset(raw["available"]),
        organisation_ids=frozenset(raw["organisation_ids"]),
        accessibility=frozenset(raw["accessibility"]),
        exclude_requirements=frozenset(raw["exclude_requirements"]),
    )


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
