"""Embedded event log: a durable SQLite file with per-consumer-group offsets.

It gives the Kafka semantics the platform relies on (append-only, ordered, replayable,
at-least-once delivery to each consumer group, committed offsets survive restarts) without a
broker. One partition per topic is enough for one machine and keeps every key in order.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from services.common.eventlog.port import EventLogUnavailable, OutMessage, Record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    topic TEXT NOT NULL, offset INTEGER NOT NULL, key TEXT, value BLOB NOT NULL,
    appended_at REAL NOT NULL, PRIMARY KEY (topic, offset)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_offsets (
    grp TEXT NOT NULL, topic TEXT NOT NULL, next_offset INTEGER NOT NULL,
    PRIMARY KEY (grp, topic)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
"""
_POLL_INTERVAL_S = 0.05


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    # WAL lets readers (consumers) run while a relay appends; synchronous=FULL makes an
    # acknowledged append survive power loss, which is what "durable" promises.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class SqliteEventLog:
    """The ``EventLog`` port on one SQLite file, shareable by several processes."""

    name = "event-log (embedded)"

    def __init__(self, path: Path, topic_prefix: str = "") -> None:
        self.path = Path(path)
        self.prefix = topic_prefix
        self._local = threading.local()
        self._conn().executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self.path)
        return conn

    def physical(self, topic: str) -> str:
        return self.prefix + topic

    def publish(self, messages: Sequence[OutMessage]) -> None:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")  # serialises offset assignment across processes
            try:
                self._append(conn, messages)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise EventLogUnavailable(f"embedded log write failed: {exc}") from exc

    def _append(self, conn: sqlite3.Connection, messages: Sequence[OutMessage]) -> None:
        next_offsets: dict[str, int] = {}
        now = time.time()
        for msg in messages:
            topic = self.physical(msg.topic)
            if topic not in next_offsets:
                row = conn.execute(
                    "SELECT COALESCE(MAX(offset) + 1, 0) FROM messages WHERE topic = ?", (topic,)
                ).fetchone()
                next_offsets[topic] = row[0]
            conn.execute(
                "INSERT INTO messages (topic, offset, key, value, appended_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (topic, next_offsets[topic], msg.key, msg.value, now),
            )
            next_offsets[topic] += 1

    def subscribe(self, group: str, topics: Sequence[str]) -> SqliteSubscription:
        return SqliteSubscription(self, group, list(topics))

    def read_all(self, topic: str, timeout_s: float = 5.0) -> list[Record]:
        rows = self._conn().execute(
            "SELECT offset, key, value FROM messages WHERE topic = ? ORDER BY offset",
            (self.physical(topic),),
        )
        return [Record(topic, 0, off, key, bytes(value)) for off, key, value in rows]

    def fetch(self, topic: str, from_offset: int, limit: int) -> list[Record]:
        rows = self._conn().execute(
            "SELECT offset, key, value FROM messages WHERE topic = ? AND offset >= ?"
            " ORDER BY offset LIMIT ?",
            (self.physical(topic), from_offset, limit),
        )
        return [Record(topic, 0, off, key, bytes(value)) for off, key, value in rows]

    def committed(self, group: str, topic: str) -> int:
        row = (
            self._conn()
            .execute(
                "SELECT next_offset FROM group_offsets WHERE grp = ? AND topic = ?",
                (group, self.physical(topic)),
            )
            .fetchone()
        )
        return row[0] if row else 0

    def commit_offsets(self, group: str, positions: dict[str, int]) -> None:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        for topic, offset in positions.items():
            conn.execute(
                "INSERT INTO group_offsets (grp, topic, next_offset) VALUES (?, ?, ?)"
                " ON CONFLICT (grp, topic) DO UPDATE SET next_offset = excluded.next_offset",
                (group, self.physical(topic), offset),
            )
        conn.execute("COMMIT")

    def ensure_topics(self, topics: dict[str, int]) -> None:
        # Partition counts matter to Kafka only; the embedded log keeps one ordered stream.
        self._conn().executemany(
            "INSERT OR IGNORE INTO topics (name, partitions) VALUES (?, ?)",
            [(self.physical(name), 1) for name in topics],
        )

    def ping(self) -> None:
        try:
            self._conn().execute("SELECT 1 FROM messages LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            raise EventLogUnavailable(f"embedded log unreadable: {exc}") from exc

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class SqliteSubscription:
    """A consumer group's cursor over the embedded log, with Kafka's poll/commit contract."""

    def __init__(self, log: SqliteEventLog, group: str, topics: list[str]) -> None:
        self.log = log
        self.group = group
        self.topics = topics
        self.positions = {t: log.committed(group, t) for t in topics}

    def poll(self, max_records: int, timeout_s: float) -> list[Record]:
        deadline = time.monotonic() + timeout_s
        while True:
            records = self._fetch(max_records)
            if records or time.monotonic() >= deadline:
                return records
            time.sleep(_POLL_INTERVAL_S)

    def _fetch(self, max_records: int) -> list[Record]:
        records: list[Record] = []
        for topic in self.topics:
            room = max_records - len(records)
            if room <= 0:
                break
            batch = self.log.fetch(topic, self.positions[topic], room)
            if batch:
                self.positions[topic] = batch[-1].offset + 1
                records.extend(batch)
        return records

    def commit(self) -> None:
        self.log.commit_offsets(self.group, dict(self.positions))

    def close(self) -> None:
        # The connection belongs to the log (shared per thread), so nothing to release here.
        return None
