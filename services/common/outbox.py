"""Transactional outbox: events commit with the domain change, a relay publishes them.

A service never talks to the event log inside a request. It adds the event's envelope to its
``outbox`` table in the same database transaction as the change it describes, so a change and
its event are both kept or both lost. ``OutboxRelay`` then publishes pending rows in order and
marks them; a crash between publish and mark sends a row twice, which consumers absorb because
they skip event ids they have already processed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from schemas.registry import Registry
from services.common import metrics
from services.common.envelope import encode, utcnow
from services.common.errors import is_transient
from services.common.eventlog.port import EventLog, OutMessage

log = logging.getLogger(__name__)
# envelope.encode's settings, built once: json.dumps builds an encoder per call when given
# any setting, and a batch encodes thousands (text straight away, not bytes then text).
# tests/unit/opportunities/test_import_batch_envelopes.py checks both give the same text.
_BATCH_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


class Outbox:
    """Writes envelopes into a service's outbox table, validated against the registry."""

    def __init__(self, table: sa.Table, registry: Registry) -> None:
        self.table = table
        self.registry = registry

    def add(self, session: Session, topic: str, envelope: Mapping[str, Any]) -> None:
        # Validating here turns a contract bug into a failed request, not a poisoned topic.
        self.registry.validate(topic, dict(envelope))
        # Values as parameters, not .values(): the statement is then compiled once and
        # cached, which matters when an import writes thousands of events.
        row = {"event_id": envelope["event_id"], "topic": topic, "key": envelope["key"]}
        row |= {"payload": encode(envelope).decode(), "created_at": utcnow()}
        session.execute(self.table.insert(), row)

    def add_many(self, session: Session, items: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Many (topic, envelope) pairs in one statement (a bulk import's batch)."""
        if not items:
            return
        self.registry.validate_many(items)  # every envelope before any row is written
        now = utcnow()
        rows = [{"event_id": envelope["event_id"], "topic": topic, "key": envelope["key"],
                 "payload": _BATCH_ENCODER.encode(envelope), "created_at": now}
                for topic, envelope in items]  # fmt: skip
        insert_many(session, self.table, rows)


def insert_many(session: Session, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``session.execute(table.insert(), rows)``, rows all with the same columns.

    On SQLite, one executemany of the driver's own: SQLAlchemy's executemany runs each
    column's bind processor on every value (times as text, and so on), a few per cent of a
    bulk import's time. Here each processor, the dialect's own, runs once per distinct
    object: a batch's rows share their times. Elsewhere (PostgreSQL) SQLAlchemy does it all.
    tests/unit/opportunities/test_import_role_rows.py compares the rows both ways store.
    """
    if not rows:
        return
    connection = session.connection()
    names = tuple(rows[0])
    filled = [c for c in table.columns if c.default is not None and c.name not in names]
    if connection.dialect.name != "sqlite" or filled:  # SQLAlchemy fills Python defaults
        session.execute(table.insert(), rows)
        return
    statement, bind = _sqlite_insert(connection.dialect, table, names)
    connection.exec_driver_sql(statement, [bind(row) for row in rows])


def sqlite_insert_sql(dialect: sa.Dialect, table: sa.Table, names: Sequence[str]) -> str:
    """INSERT of ``names`` into ``table`` in the SQLite driver's own terms (qmark style)."""
    preparer = dialect.identifier_preparer
    columns = ", ".join(map(preparer.quote, names))
    marks = ", ".join("?" for _ in names)
    return f"INSERT INTO {preparer.format_table(table)} ({columns}) VALUES ({marks})"


def _sqlite_insert(
    dialect: sa.Dialect, table: sa.Table, names: Sequence[str]
) -> tuple[str, Callable[[Mapping[str, Any]], tuple[Any, ...]]]:
    """An INSERT of ``names`` into ``table`` for SQLite's driver, and a function giving a
    row's parameters for it as the dialect binds them (see ``insert_many``)."""
    statement = sqlite_insert_sql(dialect, table, names)
    processors = [
        (index, RememberedProcessor(process))
        for index, name in enumerate(names)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]

    def bind(row: Mapping[str, Any]) -> tuple[Any, ...]:
        values = [row[name] for name in names]
        for index, process in processors:
            values[index] = process(values[index])
        return tuple(values)

    return statement, bind


class RememberedProcessor:
    """A bind processor run once per distinct object (a batch's rows share their times)."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        self.process = process
        # By id, with the object kept so that its id cannot be reused: equal values need not
        # be stored alike (a time in UTC equals one an hour ahead with its offset).
        self.seen: dict[int, tuple[Any, Any]] = {}

    def __call__(self, value: Any) -> Any:
        hit = self.seen.get(id(value))
        if hit is None:
            hit = self.seen[id(value)] = (value, self.process(value))
        return hit[1]


class OutboxRelay:
    """Publishes a service's pending outbox rows to the event log, oldest first."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        table: sa.Table,
        event_log: EventLog,
        service: str,
        batch_size: int = 500,
    ) -> None:
        self.session_factory = session_factory
        self.table = table
        self.event_log = event_log
        self.service = service
        self.batch_size = batch_size

    def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were published."""
        with self.session_factory() as session, session.begin():
            rows = session.execute(self._pending_query(session)).all()
            if not rows:
                return 0
            self.event_log.publish([OutMessage(r.topic, r.key, r.payload.encode()) for r in rows])
            ids = [r.id for r in rows]
            session.execute(
                self.table.update().where(self.table.c.id.in_(ids)).values(published_at=utcnow())
            )
        for topic in {r.topic for r in rows}:
            metrics.EVENTS_PUBLISHED.labels(self.service, topic).inc(
                sum(1 for r in rows if r.topic == topic)
            )
        return len(rows)

    def _pending_query(self, session: Session) -> sa.Select[Any]:
        t = self.table
        query = (
            sa.select(t.c.id, t.c.topic, t.c.key, t.c.payload)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.id)
            .limit(self.batch_size)
        )
        if session.get_bind().dialect.name == "postgresql":
            # Several relay processes may run; each takes its own rows without waiting.
            query = query.with_for_update(skip_locked=True)
        return query

    def pending_count(self) -> int:
        with self.session_factory() as session:
            count = session.scalar(
                sa.select(sa.func.count()).where(self.table.c.published_at.is_(None))
            )
            return int(count or 0)

    def prune(self, older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
        """Published rows are only kept for a while, for debugging and replay."""
        cutoff = utcnow() - older_than
        with self.session_factory() as session, session.begin():
            result = session.execute(self.table.delete().where(self.table.c.published_at < cutoff))
            return int(getattr(result, "rowcount", 0) or 0)

    def run(self, stop: threading.Event, idle_s: float = 0.1, max_backoff_s: float = 10.0) -> None:
        """Publish until ``stop`` is set, backing off while the log is unavailable."""
        backoff = idle_s
        while not stop.is_set():
            try:
                published = self.publish_pending()
                backoff = idle_s
            except Exception as exc:
                # The broker or the database down (a restart) is an outage to wait out, not
                # a crash: rows not yet marked are sent again later, and consumers skip
                # what they already have. Anything else is a bug and stops the relay.
                if not is_transient(exc):
                    raise
                log.warning("outbox relay cannot publish yet: %s", exc, extra=self._log_ids())
                published = 0
                backoff = min(max(backoff * 2, 0.5), max_backoff_s)
            if published < self.batch_size:
                stop.wait(backoff)

    def _log_ids(self) -> dict[str, str]:
        return {"service": self.service}
