"""Composition root of the availability service: the one place adapters are chosen."""

from __future__ import annotations

from pathlib import Path

from services.availability.adapters import ledger_tables, tables
from services.availability.adapters.orm import metadata
from services.common.config import Config
from services.common.envelope import utcnow
from services.common.eventlog import EventLog
from services.common.geo.postcodes import Geocoder
from services.common.runtime import ServiceRuntime, build_runtime

MIGRATIONS = Path(__file__).parent / "migrations"
# Table modules register on the shared metadata when imported.
TABLES = (ledger_tables, tables)


def bootstrap(config: Config, event_log: EventLog | None = None) -> ServiceRuntime:
    """Migrate, then wire the clock and the geocoder (tests replace the clock)."""
    runtime = build_runtime(config, metadata, MIGRATIONS, event_log=event_log)
    runtime.extensions["clock"] = utcnow
    runtime.extensions["geocoder"] = Geocoder(config.postcodes_db)
    return runtime
