"""The embedded index's query plan over its columns (``embedded_columns``): masks, not rows.

Every filter of the contract in ``services.search.domain.query`` becomes a boolean array
over rowids; the matches are their AND; each facet counts, code by code, the popcount of
its bitset ANDed with the matches of every filter but its own. Only the page's roles are
ever looked at one by one. Text matching stays in SQLite FTS5 (``TextMatch``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from services.search.adapters.index import embedded_geo as geo
from services.search.adapters.index.embedded_columns import LAST, Columns
from services.search.domain.documents import FACETS
from services.search.domain.query import RemoteMode, SearchQuery, Sort

Mask = np.ndarray


@dataclass
class TextMatch:
    """Roles matching the text, with their relevance (minus bm25) when it was asked for."""

    roles: np.ndarray
    scores: np.ndarray | None


@dataclass
class Planned:
    """One page of a search: its roles in order, their sort values, and the totals."""

    total: int
    roles: list[int]
    sort_values: list[tuple[Any, ...]]
    more: bool
    facets: dict[str, dict[str, int]]
    score: np.ndarray | None


def plan(
    columns: Columns,
    query: SearchQuery,
    text: TextMatch | None,
    organisations: list[int] | None = None,
) -> Planned:
    """``organisations``: the rowids of the roles of ``query.organisation_ids``, which SQL
    finds by its index (rarely asked, so not worth a column per process)."""
    base = _base(columns, query, text, organisations)
    in_radius, distance, near = _geography(columns, query)
    include = None if in_radius is None else columns.remote | in_radius
    candidates = base if include is None else base & include
    tests = _facet_tests(columns, query, in_radius, include)
    matches = candidates.copy()
    for test in tests.values():
        matches &= test
    score = _dense_scores(columns, text)
    values = _sort_values(columns, query, text, distance, score)
    by_distance = values is distance
    roles, sort_values, more, total = _page(
        columns, query, matches, values, near if by_distance else None
    )
    # Evaluated in this order: measuring far is a pass over the catalogue.
    if (
        by_distance
        and _far_needed(query, sort_values)
        and _measure_far(columns, query, matches, distance)
    ):
        roles, sort_values, more, total = _page(columns, query, matches, values)
    return Planned(
        total=total,
        roles=roles,
        sort_values=sort_values,
        more=more,
        facets=_facets(columns, candidates, tests, include),
        score=score,
    )


# --- filters -----------------------------------------------------------------------------


def _base(columns: Columns, query: SearchQuery, text: TextMatch | None, organisations: Any) -> Mask:
    """Every filter that is not a facet: what the facets are counted among."""
    mask = columns.open_on(query.today.toordinal()).copy()
    if query.age is not None:
        mask &= (columns.min_age <= query.age) & (columns.max_age >= query.age)
    if query.starts_before is not None:
        mask &= columns.starts <= query.starts_before.toordinal()
    if query.ends_after is not None:
        mask &= columns.ends >= query.ends_after.toordinal()
    if query.organisation_ids:
        mask &= _flags(columns, organisations if organisations is not None else [])
    if query.exclude_requirements:
        mask &= ~_any_of(columns, "requirements", query.exclude_requirements)
    if query.available:
        mask &= _any_of(columns, "sessions", query.available)
    if text is not None:
        mask &= _flags(columns, text.roles)
    return mask


def _flags(columns: Columns, roles: Any) -> Mask:
    roles = np.asarray(roles, np.int64)
    flags = np.zeros(columns.capacity, bool)
    flags[roles[roles < columns.capacity]] = True
    return flags


def _any_of(columns: Columns, kind: str, codes: Iterable[str]) -> Mask:
    packed = np.zeros(columns.capacity // 8, np.uint8)
    for code in codes:
        bits = columns.known(kind, code)
        if bits is not None:
            packed |= bits
    return _unpack(packed, columns.capacity)


def _all_of(columns: Columns, kind: str, codes: Iterable[str]) -> Mask:
    packed = np.full(columns.capacity // 8, 0xFF, np.uint8)
    for code in codes:
        bits = columns.known(kind, code)
        if bits is None:
            return np.zeros(columns.capacity, bool)
        packed &= bits
    return _unpack(packed, columns.capacity)


def _facet_tests(
    columns: Columns, query: SearchQuery, in_radius: Mask | None, include: Mask | None
) -> dict[str, Mask]:
    tests: dict[str, Mask] = {}
    for name in ("causes", "skills", "commitment"):
        wanted = getattr(query, name)
        if wanted:
            tests[name] = _any_of(columns, name, wanted)
    if query.accessibility:
        tests["accessibility"] = _all_of(columns, "accessibility", query.accessibility)
    remote = _remote_test(columns, query.remote, in_radius, include)
    if remote is not None:
        tests["remote"] = remote
    return tests


def _remote_test(
    columns: Columns, mode: RemoteMode, in_radius: Mask | None, include: Mask | None
) -> Mask | None:
    """``include``: the remote=include view of the place (remote, or within the radius)."""
    if mode is RemoteMode.ONLY:
        return columns.remote
    if mode is RemoteMode.EXCLUDE:
        return in_radius if in_radius is not None else columns.located
    return include


# --- distance ----------------------------------------------------------------------------


def _geography(columns: Columns, query: SearchQuery) -> tuple[Mask | None, Any, Any]:
    """Which roles have a location within the radius (as a mask and as rowids), and the
    nearest distance of each role with a location in the circle's box (LAST for the
    others). None, None, None without an origin. Remote roles with locations only outside
    the box are measured by ``_measure_far``, when the page needs them."""
    origin = query.origin
    if origin is None:
        return None, None, None
    distance = np.full(columns.capacity, LAST)
    in_radius = np.zeros(columns.capacity, bool)
    chosen = geo.in_box(columns, origin, query.radius_km)
    near = geo.measure(columns.points, chosen, origin, query.radius_km, distance, in_radius)
    return in_radius, distance, near


def _far_needed(query: SearchQuery, sort_values: list[tuple[Any, ...]]) -> bool:
    """Whether a remote role located outside the box could change this page. Such a role is
    farther than the radius, so it cannot displace a page of roles within the radius: at
    a million roles, most postcode searches. (A page after a cursor beyond the radius holds
    only values beyond it, so it measures them too.)"""
    return not sort_values or max(float(v[0]) for v in sort_values) > query.radius_km


def _measure_far(columns: Columns, query: SearchQuery, matches: Mask, distance: Any) -> bool:
    """Nearest distances of the matching remote roles not measured in the box: they match
    at any distance and are still sorted by their nearest location. False if none."""
    assert query.origin is not None
    far = np.flatnonzero(matches & columns.remote & columns.located & (distance == LAST))
    if not len(far):
        return False
    points = columns.points
    chosen = np.flatnonzero(np.isin(points.role, far) & points.valid)
    unused = np.zeros(columns.capacity, bool)  # they match whatever the distance
    geo.measure(points, chosen, query.origin, query.radius_km, distance, unused)
    return True


# --- order and page ------------------------------------------------------------------------


def effective_sort(query: SearchQuery, has_text: bool) -> Sort:
    sort = query.sort
    if sort is Sort.DISTANCE and query.origin is None:
        return Sort.NEWEST
    if sort is Sort.RELEVANCE and not has_text:
        return Sort.DISTANCE if query.origin is not None else Sort.NEWEST
    return sort


def _dense_scores(columns: Columns, text: TextMatch | None) -> np.ndarray | None:
    if text is None or text.scores is None:
        return None
    score = np.zeros(columns.capacity)
    keep = text.roles < columns.capacity
    score[text.roles[keep]] = text.scores[keep]
    return score


def _sort_values(
    columns: Columns,
    query: SearchQuery,
    text: TextMatch | None,
    distance: Any,
    score: np.ndarray | None,
) -> np.ndarray:
    sort = effective_sort(query, text is not None)
    if sort is Sort.DISTANCE:
        return distance
    if sort is Sort.RELEVANCE:
        assert score is not None, "relevance needs the text's scores"
        return -score
    if sort is Sort.CLOSING_SOON:
        return columns.closes
    return columns.newest


def _page(
    columns: Columns,
    query: SearchQuery,
    matches: Mask,
    values: np.ndarray,
    near: np.ndarray | None = None,
) -> tuple[list[int], list[tuple[Any, ...]], bool, int]:
    """``near``: rowids whose values are below every other match's (the roles within the
    radius, by distance). When enough of them match, the page comes from them alone
    instead of from every match in the catalogue."""
    need = query.offset + query.per_page
    found, total, beyond = _found(query, matches, values, near, need, columns)
    chosen = _smallest(columns, found, values, need)
    keys = sorted((float(values[r]), columns.ids[r].decode(), int(r)) for r in chosen)
    page = keys[query.offset : need]
    more = query.offset + len(page) < len(found) + beyond
    return [r for _, _, r in page], [(v, i) for v, i, _ in page], more, total


def _found(
    query: SearchQuery,
    matches: Mask,
    values: np.ndarray,
    near: np.ndarray | None,
    need: int,
    columns: Columns,
) -> tuple[np.ndarray, int, int]:
    """The matches the page is chosen from (after the cursor), the total, and how many
    more matches sort after all of those."""
    if near is not None:
        within = near[matches[near]]
        found = within if query.after is None else _after(columns, within, values, query.after)
        if len(found) >= need:
            total = int(np.count_nonzero(matches))
            return found, total, total - len(within)
    found = np.flatnonzero(matches)
    total = len(found)
    if query.after is not None:
        found = _after(columns, found, values, query.after)
    return found, total, 0


def _after(columns: Columns, found: np.ndarray, values: np.ndarray, after: tuple) -> np.ndarray:
    """The roles sorted strictly after ``after`` (sort keys end with the unique id)."""
    value, role_id = float(after[0]), str(after[-1])
    v = values[found]
    tied = found[v == value]
    later = tied[columns.ids[tied] > role_id.encode()]
    return np.concatenate([found[v > value], later])


def _smallest(columns: Columns, found: np.ndarray, values: np.ndarray, need: int) -> np.ndarray:
    """At least the ``need`` roles first in (value, id) order, with every role tied with
    the last of them, so sorting this few in Python gives the exact order."""
    if len(found) <= need:
        return found
    v = values[found]
    if len(found) > 8 * need:
        # A postcode search's matches are mostly remote roles without a distance (LAST)
        # at a million roles: when the others fill the page, partition only those.
        valued = v < LAST
        if np.count_nonzero(valued) >= need:
            found, v = found[valued], v[valued]
    cut = np.partition(v, need - 1)[need - 1]
    found = found[v <= cut]
    order = np.lexsort((columns.id_key[found], values[found]))
    found = found[order]
    last = found[need - 1]
    boundary = (values[found] == values[last]) & (columns.id_key[found] == columns.id_key[last])
    return np.concatenate([found[:need], found[need:][boundary[need:]]])


# --- facets ----------------------------------------------------------------------------


def _facets(
    columns: Columns, candidates: Mask, tests: dict[str, Mask], include: Mask | None
) -> dict[str, dict[str, int]]:
    """Each facet's counts among the candidates passing every test but its own."""
    packed_for: dict[frozenset[str], np.ndarray] = {}
    result: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        others = frozenset(name for name in tests if name != facet)
        if facet == "remote":
            mask = _all(candidates, tests, others)
            if include is not None:
                mask &= include
            on = int(np.count_nonzero(mask & columns.remote))
            off = int(np.count_nonzero(mask)) - on
            result[facet] = {k: n for k, n in (("false", off), ("true", on)) if n}
            continue
        packed = packed_for.get(others)
        if packed is None:  # without facet filters every facet counts among the same
            packed = np.packbits(_all(candidates, tests, others), bitorder="little")
            packed_for[others] = packed
        result[facet] = _counts(columns, facet, packed)
    return result


def _all(candidates: Mask, tests: dict[str, Mask], names: frozenset[str]) -> Mask:
    mask = candidates.copy()
    for name in names:
        mask &= tests[name]
    return mask


def _counts(columns: Columns, kind: str, packed: np.ndarray) -> dict[str, int]:
    found = columns.kinds.get(kind)
    return dict(sorted(found.counts(packed).items())) if found is not None else {}


def _unpack(packed: np.ndarray, size: int) -> Mask:
    return np.unpackbits(packed, count=size, bitorder="little").view(bool)
