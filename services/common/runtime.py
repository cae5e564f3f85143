"""The pieces every service's composition root assembles the same way."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from schemas.registry import Registry, load_registry
from services.common import db, migrations
from services.common.config import Config
from services.common.consumer import ConsumerRunner, ConsumerSpec
from services.common.eventlog import EventLog, open_event_log
from services.common.outbox import Outbox, OutboxRelay


@dataclass
class ServiceRuntime:
    """Database, event log, outbox and schema registry of one service process."""

    config: Config
    engine: Engine
    session_factory: sessionmaker[Session]
    event_log: EventLog
    registry: Registry
    outbox: Outbox
    outbox_table: sa.Table
    processed_table: sa.Table
    extra_checks: dict[str, Callable[[], None]] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)  # service-specific adapters

    def relay(self) -> OutboxRelay:
        return OutboxRelay(
            self.session_factory, self.outbox_table, self.event_log, self.config.service
        )

    def consumer(self, spec: ConsumerSpec) -> ConsumerRunner:
        return ConsumerRunner(
            spec=spec,
            event_log=self.event_log,
            registry=self.registry,
            session_factory=self.session_factory,
            processed_table=self.processed_table,
            service=self.config.service,
        )

    def ensure_topics(self, attempts: int = 60, delay_s: float = 2.0) -> None:
        """Create the registry's topics (with their partition counts), waiting for the log."""
        topics = {t.name: t.partitions for t in self.registry.topics.values()}
        for attempt in range(attempts):
            try:
                self.event_log.ensure_topics(topics)
                return
            except Exception:
                if attempt == attempts - 1:
                    raise
                time.sleep(delay_s)

    def readiness(self) -> dict[str, Callable[[], None]]:
        checks: dict[str, Callable[[], None]] = {
            "database": lambda: db.ping(self.engine),
            self.event_log.name: self.event_log.ping,
        }
        checks.update(self.extra_checks)
        return checks

    def close(self) -> None:
        self.event_log.close()
        self.engine.dispose()


def build_runtime(
    config: Config,
    metadata: sa.MetaData,
    migrations_dir: Path,
    event_log: EventLog | None = None,
) -> ServiceRuntime:
    """Migrate the service's database and wire its adapters."""
    engine = db.make_engine(config.database_url)  # first: it creates a SQLite file's folder
    migrations.upgrade(migrations_dir, config.database_url)
    registry = load_registry()
    log = event_log or open_event_log(config)
    return ServiceRuntime(
        config=config,
        engine=engine,
        session_factory=db.make_session_factory(engine),
        event_log=log,
        registry=registry,
        outbox=Outbox(metadata.tables["outbox"], registry),
        outbox_table=metadata.tables["outbox"],
        processed_table=metadata.tables["processed_events"],
    )
