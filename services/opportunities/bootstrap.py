"""Composition root of the opportunities service: the one place adapters are chosen."""

from __future__ import annotations

from pathlib import Path

from services.common.config import Config
from services.common.envelope import utcnow
from services.common.eventlog import EventLog
from services.common.geo.postcodes import Geocoder
from services.common.runtime import ServiceRuntime, build_runtime
from services.common.vocab.vocabularies import load_vocabularies
from services.opportunities.adapters.orm import metadata

MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(config: Config, event_log: EventLog | None = None) -> ServiceRuntime:
    """Migrate, then wire the geocoder, the vocabularies and the clock (tests replace it)."""
    runtime = build_runtime(config, metadata, MIGRATIONS, event_log=event_log)
    runtime.extensions["geocoder"] = Geocoder(config.postcodes_db)
    runtime.extensions["vocabularies"] = load_vocabularies()
    runtime.extensions["clock"] = utcnow
    return runtime
