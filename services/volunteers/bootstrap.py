"""Composition root of the volunteers service: the one place adapters are chosen."""

from __future__ import annotations

from pathlib import Path

from services.common.config import Config
from services.common.envelope import utcnow
from services.common.eventlog import EventLog
from services.common.geo.postcodes import Geocoder
from services.common.mail import build_mailer
from services.common.runtime import ServiceRuntime, build_runtime
from services.volunteers.adapters import (
    application_tables,
    copies,
    profile_tables,
    saved_search_tables,
)
from services.volunteers.adapters.orm import metadata
from services.volunteers.domain.passwords import Passwords

MIGRATIONS = Path(__file__).parent / "migrations"
# Table modules register on the shared metadata when imported.
TABLES = (application_tables, copies, profile_tables, saved_search_tables)


def bootstrap(config: Config, event_log: EventLog | None = None) -> ServiceRuntime:
    """Migrate, then wire the mailer, the password hasher and the clock (tests replace them)."""
    runtime = build_runtime(config, metadata, MIGRATIONS, event_log=event_log)
    runtime.extensions["clock"] = utcnow
    runtime.extensions["mailer"] = build_mailer(config)
    runtime.extensions["passwords"] = Passwords()
    runtime.extensions["geocoder"] = Geocoder(config.postcodes_db)
    return runtime
