"""Embedded mode: every service, relay and consumer in one process on one machine.

The same service code as at scale, with the SQLite event log and index adapters; the relays
and consumer groups run as threads next to the gateway.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from services.availability.definition import SERVICE as AVAILABILITY
from services.common.config import Config
from services.common.eventlog.embedded import SqliteEventLog
from services.common.jobs import run_periodic
from services.common.service import ServiceDefinition, runtime_of
from services.opportunities.definition import SERVICE as OPPORTUNITIES
from services.search.definition import SERVICE as SEARCH
from services.volunteers.definition import SERVICE as VOLUNTEERS

log = logging.getLogger(__name__)
DEFINITIONS: tuple[ServiceDefinition, ...] = (OPPORTUNITIES, VOLUNTEERS, AVAILABILITY, SEARCH)


@dataclass
class EmbeddedPlatform:
    """The service apps plus their background workers, started and stopped together."""

    apps: dict[str, Flask]
    workers: list[tuple[str, Callable[[threading.Event], None]]]
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start_workers(self) -> None:
        for name, loop in self.workers:
            thread = threading.Thread(target=loop, args=(self.stop,), name=name, daemon=True)
            thread.start()
            self.threads.append(thread)

    def shutdown(self, timeout_s: float = 5.0) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout_s)
        for app in self.apps.values():
            runtime_of(app).close()


def build_embedded(config: Config) -> EmbeddedPlatform:
    event_log = SqliteEventLog(config.event_log_path, topic_prefix=config.topic_prefix)
    apps: dict[str, Flask] = {}
    workers: list[tuple[str, Callable[[threading.Event], None]]] = []
    for definition in DEFINITIONS:
        app = definition.create_app(config.for_service(definition.name), event_log)
        runtime = runtime_of(app)
        apps[definition.name] = app
        workers.append((f"{definition.name}-relay", runtime.relay().run))
        for spec in definition.consumer_specs(runtime):
            workers.append((f"{definition.name}-{spec.group}", runtime.consumer(spec).run))
        for job in definition.periodic_jobs(runtime):
            workers.append((f"{definition.name}-{job.name}", functools.partial(run_periodic, job)))
    return EmbeddedPlatform(apps, workers)
