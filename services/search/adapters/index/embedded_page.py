"""The embedded index's SQL around the plan: text matches in, the page's hits out.

Only the page's roles are read as documents, measured exactly (the nearest location and
its distance) and given snippets, so this costs the same at any catalogue size.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from services.common.geo.distance import distance_km
from services.search.adapters.index.embedded_plan import Planned, TextMatch
from services.search.domain.documents import GeoPoint, Hit, RoleDocument, SearchPage
from services.search.domain.query import SearchQuery

_OPEN, _CLOSE = "\x02", "\x03"  # snippet markers, turned into <mark> after HTML-escaping
# Column weights for bm25: a word in the title counts most (title, summary, description,
# organisation name).
_BM25 = "bm25(role_text, 4.0, 2.0, 1.0, 1.0)"


def text_match(conn: sqlite3.Connection, match: str, scores: bool) -> TextMatch:
    """The roles matching an FTS5 expression; their relevance only when the order needs it
    (bm25 for every match of a common word is most of a text search's cost)."""
    if not scores:
        rows = conn.execute("SELECT rowid FROM role_text WHERE role_text MATCH ?", (match,))
        return TextMatch(np.array([r[0] for r in rows], np.int64), None)
    fetched = conn.execute(
        f"SELECT rowid, -{_BM25} FROM role_text WHERE role_text MATCH ?", (match,)
    ).fetchall()
    if not fetched:
        return TextMatch(np.zeros(0, np.int64), np.zeros(0))
    roles, values = zip(*fetched, strict=True)
    return TextMatch(np.array(roles, np.int64), np.array(values, np.float64))


def text_match_update(
    conn: sqlite3.Connection, match: str, previous: TextMatch, touched: list[int]
) -> TextMatch:
    """``previous`` with the ``touched`` rows matched again, one by one. Scores of the rows
    not touched are carried over as they were (see ``embedded._text`` for when)."""
    keep = ~np.isin(previous.roles, np.array(touched, np.int64))
    expression = f"-{_BM25}" if previous.scores is not None else "1"
    again = [(r, v) for r in touched if (v := _one(conn, expression, match, r)) is not None]
    roles = np.concatenate([previous.roles[keep], np.array([r for r, _ in again], np.int64)])
    if previous.scores is None:
        return TextMatch(roles, None)
    scores = np.concatenate([previous.scores[keep], np.array([v for _, v in again], float)])
    return TextMatch(roles, scores)


def page_of(
    conn: sqlite3.Connection, query: SearchQuery, planned: Planned, match: str | None
) -> SearchPage:
    rows = planned.roles
    hits: list[Hit] = []
    if rows:
        docs = _documents(conn, rows)
        nearest = _nearest(conn, query, rows)
        snippets = _snippets(conn, rows, match) if match is not None else {}
        scores = _scores(conn, rows, match, planned)
        for rowid, values in zip(rows, planned.sort_values, strict=True):
            where = nearest.get(rowid)
            hits.append(
                Hit(
                    document=docs[rowid],
                    distance_km=where[0] if where else None,
                    nearest=where[1] if where else None,
                    score=scores.get(rowid),
                    highlight=snippets.get(rowid),
                    sort_values=values,
                )
            )
    return SearchPage(
        total=planned.total,
        hits=hits,
        facets=planned.facets,
        next_after=planned.sort_values[-1] if hits and planned.more else None,
    )


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _documents(conn: sqlite3.Connection, rows: list[int]) -> dict[int, RoleDocument]:
    found = conn.execute(f"SELECT rowid, doc FROM roles WHERE rowid IN ({_marks(rows)})", rows)
    return {rowid: RoleDocument.from_json(json.loads(doc)) for rowid, doc in found}


def _nearest(
    conn: sqlite3.Connection, query: SearchQuery, rows: list[int]
) -> dict[int, tuple[float, GeoPoint]]:
    """Exact distance to each role's nearest location, and that location."""
    origin = query.origin
    if origin is None:
        return {}
    best: dict[int, tuple[float, GeoPoint]] = {}
    points = conn.execute(
        f"SELECT role, latitude, longitude, postcode FROM role_points WHERE role IN"
        f" ({_marks(rows)})",
        rows,
    )
    for role, lat, lon, postcode in points:
        d = distance_km(origin.latitude, origin.longitude, lat, lon)
        if role not in best or d < best[role][0]:
            best[role] = (d, GeoPoint(lat, lon, postcode))
    return best


def _scores(
    conn: sqlite3.Connection, rows: list[int], match: str | None, planned: Planned
) -> dict[int, float]:
    if match is None:
        return {}
    if planned.score is not None:
        return {rowid: float(planned.score[rowid]) for rowid in rows}
    return {rowid: _one(conn, f"-{_BM25}", match, rowid) for rowid in rows}


def _snippets(conn: sqlite3.Connection, rows: list[int], match: str) -> dict[int, str]:
    snippet = f"snippet(role_text, -1, '{_OPEN}', '{_CLOSE}', '…', 24)"
    return {
        rowid: html.escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
        for rowid in rows
        if (text := _one(conn, snippet, match, rowid)) is not None
    }


def _one(conn: sqlite3.Connection, expression: str, match: str, rowid: int) -> Any:
    """One auxiliary function of one row's match. One query per row, because FTS5 runs
    the whole MATCH again for every value of a ``rowid IN (...)`` list (4 ms a row at
    100,000 roles) but seeks straight to the row for ``rowid = ?``."""
    row = conn.execute(
        f"SELECT {expression} FROM role_text WHERE role_text MATCH ? AND rowid = ?",
        (match, rowid),
    ).fetchone()
    return row[0] if row else None
