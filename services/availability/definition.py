"""The availability service: micro-volunteering, credentials, micro-tasks, time credits."""

from __future__ import annotations

from pathlib import Path

from services.availability.adapters.orm import metadata
from services.common.config import Config
from services.common.eventlog import EventLog
from services.common.runtime import ServiceRuntime, build_runtime
from services.common.service import ServiceDefinition

MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(config: Config, event_log: EventLog | None = None) -> ServiceRuntime:
    return build_runtime(config, metadata, MIGRATIONS, event_log=event_log)


SERVICE = ServiceDefinition(
    name="availability", title="Availability service", bootstrap=bootstrap, blueprints=list
)
