"""A service described once; its WSGI app, CLI and embedded wiring are derived from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flask import Blueprint, Flask

from services.common.config import Config
from services.common.consumer import ConsumerSpec
from services.common.eventlog import EventLog
from services.common.http import create_service_app
from services.common.jobs import PeriodicJob
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime


@dataclass(frozen=True)
class ServiceDefinition:
    """Name, composition root, HTTP resources and consumer groups of one service."""

    name: str
    title: str
    bootstrap: Callable[[Config, EventLog | None], ServiceRuntime]
    blueprints: Callable[[], Sequence[Blueprint]]
    consumers: Callable[[ServiceRuntime], Sequence[ConsumerSpec]] | None = None
    # Periodic work (sweeps, reminders): threads in embedded mode, a `scheduler` process
    # at scale.
    jobs: Callable[[ServiceRuntime], Sequence[PeriodicJob]] | None = None
    # Extra command-line commands (``reindex``): name -> (help, run(runtime, argv) -> code).
    commands: Mapping[str, tuple[str, Callable[[ServiceRuntime, list[str]], int]]] | None = None

    def create_app(self, config: Config | None = None, event_log: EventLog | None = None) -> Flask:
        config = config or Config.from_env(self.name)
        configure_logging(self.name)
        runtime = self.bootstrap(config, event_log)
        return create_service_app(
            name=self.name,
            config=config,
            blueprints=self.blueprints(),
            readiness=runtime.readiness(),
            title=self.title,
            extensions={"runtime": runtime},
        )

    def consumer_specs(self, runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
        return self.consumers(runtime) if self.consumers else ()

    def periodic_jobs(self, runtime: ServiceRuntime) -> Sequence[PeriodicJob]:
        return self.jobs(runtime) if self.jobs else ()


def runtime_of(app: Flask) -> ServiceRuntime:
    runtime: ServiceRuntime = app.extensions["runtime"]
    return runtime
