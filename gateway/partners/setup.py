"""Wiring: the gateway's database, migrated at start-up, and the partner hooks and API."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from gateway.partners.api import partner_blueprint
from gateway.partners.enforce import Partners, install
from gateway.partners.store import PartnerStore
from services.common import migrations
from services.common.config import Config, default_database_url
from services.common.db import make_engine

# Enough for a person searching by hand, or a page polling a feed; too few to scrape.
DEFAULT_ANONYMOUS_PER_MINUTE = 60
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def install_partners(app: Flask, config: Config) -> Partners:
    url = config.database_url or default_database_url(config, "gateway")
    migrations.upgrade(MIGRATIONS, url)
    state = Partners(PartnerStore(make_engine(url)), anonymous_per_minute(config))
    install(app, state)
    app.register_blueprint(partner_blueprint())
    return state


def anonymous_per_minute(config: Config) -> int:
    """Calls a minute per client address without a key (``VMP_ANONYMOUS_PER_MINUTE``).

    0 means no anonymous limit: the default outside production, where one developer, the
    end-to-end tests and the browser tests all call from 127.0.0.1 many times a minute.
    """
    value = config.extra.get("anonymous_per_minute") or os.environ.get("VMP_ANONYMOUS_PER_MINUTE")
    if value:
        return int(value)
    return DEFAULT_ANONYMOUS_PER_MINUTE if config.production else 0
