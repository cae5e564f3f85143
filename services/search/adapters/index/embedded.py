"""Embedded search index: SQLite FTS5 for text and an R*Tree for locations.

The file is the truth and what other processes share. Each process also holds the roles'
filterable fields as numpy columns (``embedded_columns.py``), kept in step through a log of
the rowids each write touched, and answers the filters, facet counts and order from them
(``embedded_plan.py``); FTS5 matches text and SQL reads only the page's documents
(``embedded_page.py``). So a search's cost no longer grows with how many roles match.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cachetools import LRUCache

from services.search.adapters.index import embedded_columns as columns_of
from services.search.adapters.index import embedded_page as pages
from services.search.adapters.index import embedded_plan as plans
from services.search.adapters.index import embedded_text as text
from services.search.adapters.index.port import IndexUnavailable
from services.search.domain.documents import RoleDocument, SearchPage
from services.search.domain.query import SearchQuery, Sort

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
CREATE TABLE IF NOT EXISTS role_changes (generation INTEGER NOT NULL, role INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS role_changes_by_generation ON role_changes (generation);
CREATE INDEX IF NOT EXISTS roles_columns ON roles (remote, has_location, minimum_age,
    maximum_age, starts_on, ends_on, closes_on, published_at, id);
CREATE INDEX IF NOT EXISTS roles_by_organisation ON roles (organisation_id);
INSERT OR IGNORE INTO index_meta VALUES ('log_from', 0);
"""
_CODE_KINDS = ("causes", "skills", "requirements", "accessibility", "sessions")
# Generations of changes the log keeps; a process further behind reads everything again.
_LOG_KEEP = 5000
# Text matches kept per process, by index generation and FTS5 expression: ranking every
# match of a common word by bm25 is most of a text search's cost, and people search for
# the same few words (any write retires them, as the generation moves on).
_MATCH_CACHE_BYTES = 64 * 2**20
# A cached match is carried forward over later writes (only the rows they touched matched
# again) while the catalogue is at least this big and those writes touched at most this
# share of it: bm25's corpus statistics then move by well under a thousandth, so carried
# scores order as fresh ones would. Smaller catalogues, or bigger changes, match afresh.
_CARRY_MIN_ROLES = 10_000
_CARRY_MAX_SHARE = 0.001


class SqliteSearchIndex:
    """The ``SearchIndex`` port on one SQLite file."""

    name = "search-index (embedded)"

    def __init__(self, path: Path, synonyms: Sequence[str] | None = None) -> None:
        self.path = Path(path)
        self.synonyms = text.SynonymTable.from_rules(synonyms or ())
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._words = text.WordList()
        self._columns: columns_of.Columns | None = None
        self._columns_lock = threading.Lock()
        self._matches: LRUCache[tuple[str, bool], tuple[int, plans.TextMatch]] = LRUCache(
            _MATCH_CACHE_BYTES, getsizeof=_size_of
        )
        self._matches_lock = threading.Lock()

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
            touched: list[int] = []
            for doc in documents:
                touched += _remove(conn, doc.id)
                touched.append(_insert(conn, doc))
            _log(conn, touched)

    def delete(self, role_ids: Iterable[str]) -> None:
        ids = list(role_ids)
        if not ids:
            return
        with self._writing() as conn:
            touched: list[int] = []
            for role_id in ids:
                touched += _remove(conn, role_id)
            _log(conn, touched)

    def rebuild(self, documents: Iterable[RoleDocument]) -> int:
        # One transaction: searchers (WAL readers) see the old index until the commit.
        count = 0
        with self._writing() as conn:
            for table in ("roles", "role_codes", "role_text", "role_locations", "role_points"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM title_words")
            # Rowids start again: no process may catch up from before this by the log.
            conn.execute("DELETE FROM role_changes")
            conn.execute(
                "UPDATE index_meta SET value = ? WHERE key = 'log_from'", (_generation(conn) + 1,)
            )
            for doc in documents:
                _insert(conn, doc)
                count += 1
        return count

    def count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM roles").fetchone()[0])

    # --- reads ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchPage:
        conn = self._conn()
        if conn.in_transaction:  # inside this thread's own write: read it all, privately
            planned, match = self._plan(conn, query, private=True)
            return pages.page_of(conn, query, planned, match)
        # The read transaction begins while this process's columns are held, so no other
        # thread can move them past its snapshot: the columns, the text matches and the
        # page's documents all come from one snapshot (WAL keeps it while the page is read
        # after the columns are let go), and a write committing meanwhile changes nothing.
        # (Beginning first and checking after gave up under load: found by bench.soak_load.)
        with self._columns_lock:
            conn.execute("BEGIN")
            try:
                planned, match = self._plan(conn, query)
            except BaseException:
                conn.rollback()
                raise
        try:
            return pages.page_of(conn, query, planned, match)
        finally:
            conn.rollback()  # nothing was written; ends the snapshot

    def _plan(
        self, conn: sqlite3.Connection, query: SearchQuery, private: bool = False
    ) -> tuple[plans.Planned, str | None]:
        generation = _generation(conn)
        match = None
        found = None
        if query.terms:
            match = text.match_expression(query.terms, self.synonyms, self._words.get(conn))
            if match is not None:
                found = self._text(conn, generation, match, query, private)
        organisations = _roles_of(conn, query.organisation_ids)
        if private:
            columns = columns_of.load(conn, generation)
        else:
            columns = self._columns_at(conn, generation)
        return plans.plan(columns, query, found, organisations), match

    def _text(
        self,
        conn: sqlite3.Connection,
        generation: int,
        match: str,
        query: SearchQuery,
        private: bool = False,
    ) -> plans.TextMatch:
        key = (match, plans.effective_sort(query, True) is Sort.RELEVANCE)
        if private:
            # Inside an uncommitted write: its generation may yet be rolled back and reused
            # by another write, so nothing seen here may be cached under it.
            return pages.text_match(conn, match, scores=key[1])
        with self._matches_lock:
            cached = self._matches.get(key)
        if cached is not None and cached[0] == generation:
            return cached[1]
        found = self._carried(conn, cached, generation, match) if cached else None
        if found is None:
            found = pages.text_match(conn, match, scores=key[1])
        with self._matches_lock:
            self._matches[key] = (generation, found)
        return found

    def _carried(
        self,
        conn: sqlite3.Connection,
        cached: tuple[int, plans.TextMatch],
        generation: int,
        match: str,
    ) -> plans.TextMatch | None:
        """The cached match brought to ``generation``, when that is safe and cheap: with
        writes every second a busy site would otherwise rank every match of a common word
        afresh each time (what made searches with writes slower than without)."""
        then, previous = cached
        roles = self._columns.count if self._columns is not None else 0
        if roles < _CARRY_MIN_ROLES:
            return None
        touched = columns_of.touched_since(conn, then, generation)
        if touched is None or len(touched) > roles * _CARRY_MAX_SHARE:
            return None
        return pages.text_match_update(conn, match, previous, touched)

    def _columns_at(self, conn: sqlite3.Connection, generation: int) -> columns_of.Columns:
        """This process's columns at ``generation`` (the caller holds ``_columns_lock``)."""
        current = self._columns
        if current is None:
            current = columns_of.load(conn, generation)
        else:
            current = columns_of.catch_up(conn, current, generation)
        self._columns = current
        return current

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


def _roles_of(conn: sqlite3.Connection, organisation_ids: frozenset[str]) -> list[int] | None:
    if not organisation_ids:
        return None
    wanted = sorted(organisation_ids)
    marks = ", ".join("?" for _ in wanted)
    rows = conn.execute(f"SELECT rowid FROM roles WHERE organisation_id IN ({marks})", wanted)
    return [row[0] for row in rows]


def _size_of(entry: tuple[int, plans.TextMatch]) -> int:
    found = entry[1]
    return found.roles.nbytes + (found.scores.nbytes if found.scores is not None else 0) + 64


def _log(conn: sqlite3.Connection, touched: list[int]) -> None:
    """Record the rowids this write touched, for other processes' columns to catch up."""
    generation = _generation(conn)
    conn.executemany(
        "INSERT INTO role_changes (generation, role) VALUES (?, ?)",
        [(generation, rowid) for rowid in set(touched)],
    )
    if generation % 100 == 0:
        oldest = generation - _LOG_KEEP
        conn.execute("DELETE FROM role_changes WHERE generation <= ?", (oldest,))
        conn.execute(
            "UPDATE index_meta SET value = max(value, ?) WHERE key = 'log_from'", (oldest + 1,)
        )


def _insert(conn: sqlite3.Connection, doc: RoleDocument) -> int:
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
            "{}",  # no longer read: the codes live in role_codes (kept: older files have it)
        ),
    )
    rowid = cursor.lastrowid
    assert rowid is not None, "an INSERT gives a rowid"
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
    return rowid


def _remove(conn: sqlite3.Connection, role_id: str) -> list[int]:
    """The role's rowid, now free, in a list (empty when there was no such role)."""
    row = conn.execute("SELECT rowid FROM roles WHERE id = ?", (role_id,)).fetchone()
    if row is None:
        return []
    rowid = row[0]
    conn.execute(
        "DELETE FROM role_locations WHERE id IN (SELECT id FROM role_points WHERE role = ?)",
        (rowid,),
    )
    conn.execute("DELETE FROM role_points WHERE role = ?", (rowid,))
    conn.execute("DELETE FROM role_codes WHERE role = ?", (rowid,))
    conn.execute("DELETE FROM role_text WHERE rowid = ?", (rowid,))
    conn.execute("DELETE FROM roles WHERE rowid = ?", (rowid,))
    return [rowid]


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]
