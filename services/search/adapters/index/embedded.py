"""Embedded search index: SQLite FTS5 for text and an R*Tree for locations."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from services.search.adapters.index.port import IndexUnavailable

_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS role_text USING fts5(
    title, summary, description, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS role_locations USING rtree(
    id, min_lat, max_lat, min_lon, max_lon);
"""


class SqliteSearchIndex:
    """The ``SearchIndex`` port on one SQLite file."""

    name = "search-index (embedded)"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

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
