"""The embedded index's query plan: narrow in SQL, then decide, count and sort in Python.

Candidates are the roles that pass every filter that is not a facet, with remote roles
and located roles inside the search box both kept (the ``remote=include`` view, which the
remote facet needs). Python then applies the remote mode and facet filters exactly as the
contract in ``services.search.domain.query`` states them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import json
import math
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.common.geo.distance import EARTH_RADIUS_KM, distance_km
from services.search.domain.documents import FACETS, GeoPoint, Hit, RoleDocument, SearchPage
from services.search.domain.query import RemoteMode, SearchQuery, Sort

_CHUNK = 5000  # bound parameters per IN (...) list, well under SQLite's limit
_OPEN, _CLOSE = "\x02", "\x03"  # snippet markers, turned into <mark> after HTML-escaping
_LAST = 1e12  # sort value of "no distance" / "no closing date": after every real one
# Column weights for bm25: a word in the title counts most (title, summary, description,
# organisation name).
_BM25 = "bm25(role_text, 4.0, 2.0, 1.0, 1.0)"


@dataclass
class Candidate:
    rowid: int
    id: str
    remote: bool
    has_location: bool
    published_at: str
    closes_on: str | None
    codes: dict[str, Any]
    score: float | None = None
    distance: float | None = None
    nearest: GeoPoint | None = None
    sort_key: tuple[Any, ...] = field(default=())


def facet_codes(doc: RoleDocument) -> dict[str, Any]:
    return {
        "causes": sorted(set(doc.causes)),
        "skills": sorted(set(doc.skills)),
        "accessibility": sorted(set(doc.accessibility)),
        "commitment": doc.commitment,
    }


# --- SQL: the candidates ---------------------------------------------------------------


def load_candidates(
    conn: sqlite3.Connection, query: SearchQuery, match: str | None
) -> list[Candidate]:
    where, params = _scalar_filters(query)
    columns = "r.rowid, r.id, r.remote, r.has_location, r.published_at, r.closes_on, r.facet_codes"
    if match is not None:
        sql = (
            f"SELECT {columns}, -{_BM25} FROM role_text JOIN roles r ON r.rowid = role_text.rowid"
            f" WHERE role_text MATCH ? AND {where}"
        )
        params = [match, *params]
    else:
        sql = f"SELECT {columns}, NULL FROM roles r WHERE {where}"
    candidates = [
        Candidate(
            rowid=row[0],
            id=row[1],
            remote=bool(row[2]),
            has_location=bool(row[3]),
            published_at=row[4],
            closes_on=row[5],
            codes=json.loads(row[6]),
            score=row[7],
        )
        for row in conn.execute(sql, params)
    ]
    if query.origin is not None:
        _measure(conn, query.origin, candidates)
    return candidates


def _scalar_filters(query: SearchQuery) -> tuple[str, list[Any]]:
    clauses = ["(r.closes_on IS NULL OR r.closes_on >= ?)"]
    params: list[Any] = [query.today.isoformat()]
    if query.age is not None:
        clauses.append("(r.minimum_age IS NULL OR r.minimum_age <= ?)")
        clauses.append("(r.maximum_age IS NULL OR r.maximum_age >= ?)")
        params += [query.age, query.age]
    if query.starts_before is not None:
        clauses.append("(r.starts_on IS NULL OR r.starts_on <= ?)")
        params.append(query.starts_before.isoformat())
    if query.ends_after is not None:
        clauses.append("(r.ends_on IS NULL OR r.ends_on >= ?)")
        params.append(query.ends_after.isoformat())
    if query.organisation_ids:
        clauses.append(f"r.organisation_id IN ({_marks(query.organisation_ids)})")
        params += sorted(query.organisation_ids)
    if query.exclude_requirements:
        clauses.append(_has_code("requirements", query.exclude_requirements, negate=True))
        params += sorted(query.exclude_requirements)
    if query.available:
        clauses.append(_has_code("sessions", query.available))
        params += sorted(query.available)
    if query.origin is not None:
        clauses.append(
            "(r.remote = 1 OR r.rowid IN (SELECT p.role FROM role_points p"
            " JOIN role_locations l ON l.id = p.id WHERE l.min_lat <= ? AND l.max_lat >= ?"
            " AND l.min_lon <= ? AND l.max_lon >= ?))"
        )
        params += _box(query.origin, query.radius_km)
    return " AND ".join(clauses), params


def _has_code(kind: str, codes: Iterable[str], negate: bool = False) -> str:
    exists = "NOT EXISTS" if negate else "EXISTS"
    return (
        f"{exists} (SELECT 1 FROM role_codes c WHERE c.role = r.rowid AND c.kind = '{kind}'"
        f" AND c.code IN ({_marks(codes)}))"
    )


def _marks(values: Iterable[object]) -> str:
    return ", ".join("?" for _ in values)


def _box(origin: GeoPoint, radius_km: float) -> list[float]:
    """A lat/lon box holding the whole circle (with a little slack for rounding)."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM) * 1.001 + 1e-6
    widest = min(89.9, abs(origin.latitude) + dlat)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(widest))))
    dlon = dlon * 1.001 + 1e-6
    lat, lon = origin.latitude, origin.longitude
    return [lat + dlat, lat - dlat, lon + dlon, lon - dlon]


def _measure(conn: sqlite3.Connection, origin: GeoPoint, candidates: list[Candidate]) -> None:
    """Exact distance to each candidate's nearest location."""
    located = {c.rowid: c for c in candidates if c.has_location}
    ids = list(located)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = conn.execute(
            "SELECT role, latitude, longitude, postcode FROM role_points"
            f" WHERE role IN ({_marks(chunk)})",
            chunk,
        )
        for role, lat, lon, postcode in rows:
            d = distance_km(origin.latitude, origin.longitude, lat, lon)
            candidate = located[role]
            if candidate.distance is None or d < candidate.distance:
                candidate.distance = d
                candidate.nearest = GeoPoint(lat, lon, postcode)


# --- Python: remote mode, facets, sort and page ------------------------------------------


def _remote_test(query: SearchQuery, mode: RemoteMode) -> Callable[[Candidate], bool]:
    origin = query.origin

    def in_radius(c: Candidate) -> bool:
        return c.distance is not None and c.distance <= query.radius_km

    if mode is RemoteMode.ONLY:
        return lambda c: c.remote
    if mode is RemoteMode.EXCLUDE:
        return in_radius if origin is not None else (lambda c: c.has_location)
    return (lambda c: c.remote or in_radius(c)) if origin is not None else (lambda c: True)


def _facet_tests(query: SearchQuery) -> dict[str, Callable[[Candidate], bool]]:
    tests: dict[str, Callable[[Candidate], bool]] = {}
    for name in ("causes", "skills"):
        wanted = getattr(query, name)
        if wanted:
            tests[name] = _any_of(name, wanted)
    if query.commitment:
        tests["commitment"] = lambda c: c.codes["commitment"] in query.commitment
    if query.accessibility:
        tests["accessibility"] = lambda c: query.accessibility.issubset(c.codes["accessibility"])
    tests["remote"] = _remote_test(query, query.remote)
    return tests


def _any_of(name: str, wanted: frozenset[str]) -> Callable[[Candidate], bool]:
    return lambda c: not wanted.isdisjoint(c.codes[name])


def _facets(query: SearchQuery, candidates: Sequence[Candidate]) -> dict[str, dict[str, int]]:
    tests = _facet_tests(query)
    include = _remote_test(query, RemoteMode.INCLUDE)
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for c in candidates:
        failed = [name for name, test in tests.items() if not test(c)]
        if len(failed) > 1:
            continue
        for name in counts:
            if failed and failed[0] != name:
                continue
            if name == "remote" and not include(c):
                continue
            counts[name].update(_values(c, name))
    return {name: dict(sorted(counts[name].items())) for name in FACETS}


def _values(c: Candidate, facet: str) -> list[str]:
    if facet == "remote":
        return ["true" if c.remote else "false"]
    if facet == "commitment":
        return [c.codes["commitment"]]
    return list(c.codes[facet])


def _sort_key(query: SearchQuery, sort: Sort) -> Callable[[Candidate], tuple[Any, ...]]:
    if sort is Sort.DISTANCE:
        return lambda c: (c.distance if c.distance is not None else _LAST, c.id)
    if sort is Sort.RELEVANCE:
        return lambda c: (-(c.score or 0.0), c.id)
    if sort is Sort.CLOSING_SOON:
        return lambda c: (_day(c.closes_on), c.id)
    return lambda c: (-dt.datetime.fromisoformat(c.published_at).timestamp(), c.id)


def _day(value: str | None) -> float:
    return float(dt.date.fromisoformat(value).toordinal()) if value else _LAST


@dataclass
class Ranked:
    """Every match of a query in order, and its facets: what every page of it is cut from."""

    matches: list[Candidate]
    keys: list[tuple[Any, ...]]
    facets: dict[str, dict[str, int]]


def rank(query: SearchQuery, candidates: list[Candidate], match: str | None) -> Ranked:
    tests = _facet_tests(query)
    matches = [c for c in candidates if all(test(c) for test in tests.values())]
    sort = query.sort
    if sort is Sort.DISTANCE and query.origin is None:
        sort = Sort.NEWEST
    if sort is Sort.RELEVANCE and match is None:
        sort = Sort.DISTANCE if query.origin is not None else Sort.NEWEST
    key = _sort_key(query, sort)
    for c in matches:
        c.sort_key = key(c)
    matches.sort(key=lambda c: c.sort_key)
    return Ranked(matches, [c.sort_key for c in matches], _facets(query, candidates))


def page_of(
    conn: sqlite3.Connection, query: SearchQuery, ranked: Ranked, match: str | None
) -> SearchPage:
    start = query.offset
    if query.after is not None:
        # Sort keys end with the unique role id, so "after" is a strict position.
        start = bisect.bisect_right(ranked.keys, tuple(query.after))
    page = ranked.matches[start : start + query.per_page]
    more = start + len(page) < len(ranked.matches)
    return SearchPage(
        total=len(ranked.matches),
        hits=_hits(conn, page, match),
        facets=ranked.facets,
        next_after=page[-1].sort_key if page and more else None,
    )


def _hits(conn: sqlite3.Connection, page: list[Candidate], match: str | None) -> list[Hit]:
    if not page:
        return []
    ids = [c.rowid for c in page]
    docs = {
        row[0]: RoleDocument.from_json(json.loads(row[1]))
        for row in conn.execute(f"SELECT rowid, doc FROM roles WHERE rowid IN ({_marks(ids)})", ids)
    }
    snippets = _snippets(conn, ids, match) if match is not None else {}
    return [
        Hit(
            document=docs[c.rowid],
            distance_km=c.distance,
            nearest=c.nearest,
            score=c.score,
            highlight=snippets.get(c.rowid),
            sort_values=c.sort_key,
        )
        for c in page
    ]


def _snippets(conn: sqlite3.Connection, ids: list[int], match: str) -> dict[int, str]:
    rows = conn.execute(
        f"SELECT rowid, snippet(role_text, -1, '{_OPEN}', '{_CLOSE}', '…', 24) FROM role_text"
        f" WHERE role_text MATCH ? AND rowid IN ({_marks(ids)})",
        [match, *ids],
    )
    return {
        rowid: html.escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
        for rowid, text in rows
    }
