"""Embedded search index: SQLite FTS5 for text and an R*Tree for locations.

SQL narrows the candidates (text match, bounding boxes, date and age filters); Python then
measures exact great-circle distances, applies the facet filters, counts facets, sorts and
pages. At the sizes one machine serves (tens of thousands of roles) that is a few
milliseconds, and it keeps the semantics in one readable place (``embedded_filter.py``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Generic, TypeVar

from services.search.adapters.index import embedded_filter as flt
from services.search.adapters.index import embedded_text as text
from services.search.adapters.index.port import IndexUnavailable
from services.search.domain.documents import RoleDocument, SearchPage
from services.search.domain.query import SearchQuery

_SCHEMA = """
CREATE TABLE IF NOT EXISTS roles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    remote INTEGER NOT NULL,
    has_location INTEGER NOT NULL,
    minimum_age INTEGER,
    maximum_age INTEGER,
    starts_on TEXT,
    ends_on TEXT,
    closes_on TEXT,
    organisation_id TEXT NOT NULL,
    published_at TEXT NOT NULL,
    title TEXT NOT NULL,
    facet_codes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS role_codes (
    role INTEGER NOT NULL, kind TEXT NOT NULL, code TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS role_codes_by_code ON role_codes (kind, code, role);
CREATE INDEX IF NOT EXISTS role_codes_by_role ON role_codes (role);
CREATE VIRTUAL TABLE IF NOT EXISTS role_text USING fts5(
    title, summary, description, organisation_name,
    tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS role_locations USING rtree(
    id, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE IF NOT EXISTS role_points (
    id INTEGER PRIMARY KEY, role INTEGER NOT NULL,
    latitude REAL NOT NULL, longitude REAL NOT NULL, postcode TEXT);
CREATE INDEX IF NOT EXISTS role_points_by_role ON role_points (role);
CREATE TABLE IF NOT EXISTS title_words (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO index_meta VALUES ('generation', 0);
"""
_CODE_KINDS = ("causes", "skills", "requirements", "accessibility", "sessions")


class SqliteSearchIndex:
    """The ``SearchIndex`` port on one SQLite file."""

    name = "search-index (embedded)"

    def __init__(self, path: Path, synonyms: Sequence[str] | None = None) -> None:
        self.path = Path(path)
        self.synonyms = text.SynonymTable.from_rules(synonyms or ())
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._words = text.WordList()
        self._ranked: _Lru[tuple[int, SearchQuery], flt.Ranked] = _Lru(16)

    # --- connection and lifecycle -------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        # One writer at a time in this process; BEGIN IMMEDIATE makes other processes wait
        # for the lock up front instead of failing half-way through a batch.
        with self._write_lock:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Cached rankings are keyed by this number, so a write retires them (in
                # every process sharing the file).
                conn.execute("UPDATE index_meta SET value = value + 1 WHERE key = 'generation'")
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        self._words.invalidate()

    def ensure_ready(self) -> None:
        try:
            self._conn().executescript(_SCHEMA)
        except sqlite3.OperationalError as exc:
            # Most often a Python built against a SQLite without FTS5 or R*Tree.
            raise IndexUnavailable(f"SQLite lacks FTS5/R*Tree support: {exc}") from exc

    def ping(self) -> None:
        try:
            self._conn().execute("SELECT count(*) FROM role_locations").fetchone()
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"embedded index unreadable: {exc}") from exc

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- writes ---------------------------------------------------------------------------

    def upsert(self, documents: Sequence[RoleDocument]) -> None:
        if not documents:
            return
        with self._writing() as conn:
            for doc in documents:
                _remove(conn, doc.id)
                _insert(conn, doc)

    def delete(self, role_ids: Iterable[str]) -> None:
        ids = list(role_ids)
        if not ids:
            return
        with self._writing() as conn:
            for role_id in ids:
                _remove(conn, role_id)

    def rebuild(self, documents: Iterable[RoleDocument]) -> int:
        # One transaction: searchers (WAL readers) see the old index until the commit.
        count = 0
        with self._writing() as conn:
            for table in ("roles", "role_codes", "role_text", "role_locations", "role_points"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM title_words")
            for doc in documents:
                _insert(conn, doc)
                count += 1
        return count

    def count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM roles").fetchone()[0])

    # --- reads ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchPage:
        conn = self._conn()
        # One read transaction: a rebuild committing between ranking the candidates and
        # reading the page's documents would otherwise leave rowids that no longer exist
        # (found by tests/integration/test_reindex_under_load.py). WAL keeps the snapshot.
        if conn.in_transaction:  # inside this thread's own write: already consistent
            return self._search(conn, query)
        conn.execute("BEGIN")
        try:
            return self._search(conn, query)
        finally:
            conn.rollback()  # nothing was written; ends the snapshot

    def _search(self, conn: sqlite3.Connection, query: SearchQuery) -> SearchPage:
        match = None
        if query.terms:
            words = self._words.get(conn)
            match = text.match_expression(query.terms, self.synonyms, words)
        # Walking a large result page by page would otherwise rank it again for every page.
        whole = replace(query, page=1, per_page=1, after=None)
        key = (_generation(conn), whole)
        ranked = self._ranked.get(key)
        if ranked is None:
            ranked = flt.rank(query, flt.load_candidates(conn, query, match), match)
            self._ranked.put(key, ranked)
        return flt.page_of(conn, query, ranked, match)

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        expression = text.prefix_expression(prefix)
        if expression is None:
            return []
        rows = self._conn().execute(
            "SELECT DISTINCT r.title FROM role_text JOIN roles r ON r.rowid = role_text.rowid "
            "WHERE role_text MATCH ? ORDER BY r.published_at DESC LIMIT ?",
            (expression, limit),
        )
        return [row[0] for row in rows]


def _generation(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT value FROM index_meta WHERE key = 'generation'").fetchone()[0])


K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _insert(conn: sqlite3.Connection, doc: RoleDocument) -> None:
    cursor = conn.execute(
        "INSERT INTO roles (id, doc, remote, has_location, minimum_age, maximum_age, starts_on,"
        " ends_on, closes_on, organisation_id, published_at, title, facet_codes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.id,
            json.dumps(doc.to_json()),
            int(doc.remote),
            int(bool(doc.locations)),
            doc.minimum_age,
            doc.maximum_age,
            _iso(doc.starts_on),
            _iso(doc.ends_on),
            _iso(doc.closes_on),
            doc.organisation_id,
            doc.published_at.isoformat(),
            doc.title,
            json.dumps(flt.facet_codes(doc)),
        ),
    )
    rowid = cursor.lastrowid
    conn.executemany(
        "INSERT INTO role_codes (role, kind, code) VALUES (?, ?, ?)",
        [(rowid, kind, code) for kind in _CODE_KINDS for code in set(getattr(doc, kind))]
        + [(rowid, "commitment", doc.commitment)],
    )
    conn.execute(
        "INSERT INTO role_text (rowid, title, summary, description, organisation_name)"
        " VALUES (?, ?, ?, ?, ?)",
        (rowid, doc.title, doc.summary, doc.description, doc.organisation_name),
    )
    for point in doc.locations:
        point_id = conn.execute(
            "INSERT INTO role_points (role, latitude, longitude, postcode) VALUES (?, ?, ?, ?)",
            (rowid, point.latitude, point.longitude, point.postcode),
        ).lastrowid
        conn.execute(
            "INSERT INTO role_locations VALUES (?, ?, ?, ?, ?)",
            (point_id, point.latitude, point.latitude, point.longitude, point.longitude),
        )
    conn.executemany(
        "INSERT OR IGNORE INTO title_words (word) VALUES (?)",
        [(w,) for w in text.words_of(doc.title, doc.summary)],
    )


def _remove(conn: sqlite3.Connection, role_id: str) -> None:
    row = conn.execute("SELECT rowid FROM roles WHERE id = ?", (role_id,)).fetchone()
    if row is None:
        return
    rowid = row[0]
    conn.execute(
        "DELETE FROM role_locations WHERE id IN (SELECT id FROM role_points WHERE role = ?)",
        (rowid,),
    )
    conn.execute("DELETE FROM role_points WHERE role = ?", (rowid,))
    conn.execute("DELETE FROM role_codes WHERE role = ?", (rowid,))
    conn.execute("DELETE FROM role_text WHERE rowid = ?", (rowid,))
    conn.execute("DELETE FROM roles WHERE rowid = ?", (rowid,))


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]
