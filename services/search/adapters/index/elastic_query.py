"""Elasticsearch request bodies for a ``SearchQuery``: pure functions, no client.

Facets follow the contract ("each facet counts the matches under every filter except its
own"): the query holds every filter that is not a facet's, ``post_filter`` the facet filters,
and each facet counts among the matches of all facet filters but its own.

The remote facet's own filter is the remote mode. The query holds the ``remote=include`` view
of the place (within the radius, or remote); ``only`` and ``exclude`` narrow it in the post
filter, so the remote facet can count the include view.
"""

from __future__ import annotations

import json
from typing import Any

from services.search.adapters.index.elastic_mapping import ENGLISH
from services.search.domain.documents import FACETS, GeoPoint
from services.search.domain.query import RemoteMode, SearchQuery, Sort, fuzzy_edits

FACET_SIZE = 100  # more than any vocabulary has codes
_GROUP = "facets_filtered_"  # facets counted under one filter aggregation: ``_GROUP`` + n
HIGHLIGHT_FIELDS = ("summary", "description", "title")  # the snippet comes from the first
_FUZZY_FIELDS = ("title", "summary")

Clause = dict[str, Any]


def search_body(query: SearchQuery) -> dict[str, Any]:
    """The whole request. One hit more than a page is asked for, to learn if more follow."""
    body: dict[str, Any] = {
        "query": {"bool": {"must": text_clauses(query.terms), "filter": base_filters(query)}},
        "aggs": facet_aggregations(query),
        "sort": sort_clauses(query),
        "size": query.per_page + 1,
        "track_total_hits": True,
        "_source": ["doc"],
    }
    post = [clause for clause in facet_filters(query).values() if clause is not None]
    if post:
        body["post_filter"] = {"bool": {"filter": post}}
    if query.after is not None:
        body["search_after"] = list(query.after)
    else:
        body["from"] = query.offset
    if query.terms:
        # Scores even when sorting by something else, as the embedded index reports them.
        body["track_scores"] = True
        body["highlight"] = highlight()
    return body


# --- text ---------------------------------------------------------------------------------


def text_clauses(terms: list[str]) -> list[Clause]:
    """Every term must match: stemmed with synonyms anywhere, or with typos in title/summary."""
    return [_term_clause(term) for term in terms]


def _term_clause(term: str) -> Clause:
    should: list[Clause] = [{"match": {"all_text": {"query": term}}}]
    # The typo allowance counts the letters the user typed (the contract's wording), not the
    # stem's, which is what AUTO would count. No synonyms here: a fuzzy synonym is noise.
    edits = fuzzy_edits(term)
    if edits:
        should += [
            {"match": {field: {"query": term, "fuzziness": edits, "analyzer": ENGLISH}}}
            for field in _FUZZY_FIELDS
        ]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def highlight() -> dict[str, Any]:
    return {
        "fields": {name: {} for name in HIGHLIGHT_FIELDS},
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "number_of_fragments": 1,
        "fragment_size": 160,
        # The text query targets all_text; highlight its terms in the fields people read.
        "require_field_match": False,
    }


# --- filters ------------------------------------------------------------------------------


def base_filters(query: SearchQuery) -> list[Clause]:
    """Every filter that is not a facet's, and the remote=include view of the place."""
    clauses = [_missing_or("closes_on", {"gte": query.today.isoformat()})]
    if query.age is not None:
        clauses.append(_missing_or("minimum_age", {"lte": query.age}))
        clauses.append(_missing_or("maximum_age", {"gte": query.age}))
    if query.starts_before is not None:
        clauses.append(_missing_or("starts_on", {"lte": query.starts_before.isoformat()}))
    if query.ends_after is not None:
        clauses.append(_missing_or("ends_on", {"gte": query.ends_after.isoformat()}))
    if query.organisation_ids:
        clauses.append(_terms("organisation_id", query.organisation_ids))
    if query.exclude_requirements:
        clauses.append({"bool": {"must_not": [_terms("requirements", query.exclude_requirements)]}})
    if query.available:
        clauses.append(_terms("sessions", query.available))
    if query.origin is not None:
        within = geo_distance(query.origin, query.radius_km)
        clauses.append(_any_of(within, {"term": {"remote": True}}))
    return clauses


def facet_filters(query: SearchQuery) -> dict[str, Clause | None]:
    """Each facet parameter's own filter, None where the parameter is not used."""
    filters: dict[str, Clause | None] = {
        name: _terms(name, getattr(query, name)) if getattr(query, name) else None
        for name in ("causes", "skills", "commitment")
    }
    # All-of: one term filter per wanted feature.
    every = [{"term": {"accessibility": code}} for code in sorted(query.accessibility)]
    filters["accessibility"] = {"bool": {"filter": every}} if every else None
    filters["remote"] = remote_filter(query)
    return filters


def remote_filter(query: SearchQuery) -> Clause | None:
    """Narrows the include view (already in the query) to the remote mode."""
    if query.remote is RemoteMode.ONLY:
        return {"term": {"remote": True}}
    if query.remote is RemoteMode.EXCLUDE:
        # Remote roles lose their pass: they match by a location like any other.
        if query.origin is not None:
            return geo_distance(query.origin, query.radius_km)
        return {"exists": {"field": "locations"}}
    return None


def geo_distance(origin: GeoPoint, radius_km: float) -> Clause:
    return {
        "geo_distance": {
            "distance": f"{radius_km}km",
            "distance_type": "arc",
            "locations": _point(origin),
        }
    }


def facet_aggregations(query: SearchQuery) -> dict[str, Any]:
    """A terms aggregation per facet, among the matches of every facet filter but its own.

    Facets whose other filters are the same are counted under one ``filter`` aggregation,
    and those with none (every facet of a search without facet filters) at the top level.
    Five ``filter`` aggregations each over every match cost a fifth of a search's time: at
    a million roles, p95 40 ms instead of 50 (bench/analysis.md).
    """
    own = facet_filters(query)
    groups: dict[str, tuple[list[Clause], list[str]]] = {}
    for name in FACETS:
        others = [clause for facet, clause in own.items() if facet != name and clause is not None]
        groups.setdefault(json.dumps(others, sort_keys=True), (others, []))[1].append(name)
    aggs: dict[str, Any] = {}
    for number, (others, names) in enumerate(groups.values()):
        terms = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names}
        if others:
            aggs[f"{_GROUP}{number}"] = {"filter": {"bool": {"filter": others}}, "aggs": terms}
        else:
            aggs |= terms
    return aggs


def facet_counts(aggregations: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{facet: {code: count}} from the response; booleans as "true"/"false"; codes sorted."""
    found = {name: aggregations[name] for name in FACETS if name in aggregations}
    for key, group in aggregations.items():
        if key.startswith(_GROUP):
            found |= {name: group[name] for name in FACETS if name in group}
    counts = {}
    for name in FACETS:
        buckets = found[name]["buckets"]
        pairs = ((b.get("key_as_string", b["key"]), b["doc_count"]) for b in buckets)
        counts[name] = {str(key): count for key, count in sorted(pairs) if count}
    return counts


def _missing_or(field: str, bounds: dict[str, Any]) -> Clause:
    missing = {"bool": {"must_not": [{"exists": {"field": field}}]}}
    return _any_of(missing, {"range": {field: bounds}})


def _any_of(*clauses: Clause) -> Clause:
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


def _terms(field: str, values: frozenset[str]) -> Clause:
    return {"terms": {field: sorted(values)}}


def _point(point: GeoPoint) -> dict[str, float]:
    return {"lat": point.latitude, "lon": point.longitude}


# --- sort ---------------------------------------------------------------------------------


def effective_sort(query: SearchQuery) -> Sort:
    """Distance needs an origin and relevance a text; without them, what the embedded index
    falls back to (distance when there is a place, else newest)."""
    sort = query.sort
    if sort is Sort.RELEVANCE and not query.terms:
        sort = Sort.DISTANCE
    if sort is Sort.DISTANCE and query.origin is None:
        sort = Sort.NEWEST
    return sort


def sort_clauses(query: SearchQuery) -> list[Clause | str]:
    """The order, with the role id last so that equal keys still order (and page) stably."""
    sort = effective_sort(query)
    by_id: Clause = {"id": {"order": "asc"}}
    if sort is Sort.DISTANCE and query.origin is not None:
        return [_distance_sort(query.origin), by_id]
    if sort is Sort.RELEVANCE:
        return [{"_score": {"order": "desc"}}, by_id]
    if sort is Sort.CLOSING_SOON:
        return [{"closes_on": {"order": "asc", "missing": "_last"}}, by_id]
    return [{"published_at": {"order": "desc"}}, by_id]


def _distance_sort(origin: GeoPoint) -> Clause:
    # Roles without locations get +Infinity, so ascending puts them last.
    return {
        "_geo_distance": {
            "locations": _point(origin),
            "order": "asc",
            "unit": "km",
            "mode": "min",
            "distance_type": "arc",
        }
    }


# --- suggest ------------------------------------------------------------------------------


def suggest_body(prefix: str, limit: int) -> dict[str, Any]:
    # More options than titles wanted: roles sharing a title collapse into one.
    return {
        "suggest": {
            "titles": {
                "prefix": prefix,
                "completion": {"field": "suggest", "size": limit * 3, "skip_duplicates": True},
            }
        },
        "_source": ["doc.title"],
    }
