"""The gateway's partner store on real PostgreSQL: migrations, keys, quotas, the per-minute
window and counters shared exactly by several workers (what scale-out runs)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from gateway.app import create_gateway_app
from services.common.config import Config
from tests.unit.conftest import POSTCODES
from tests.unit.gateway import test_partners
from tests.unit.gateway.test_partners import FakeClock, SearchLikeTransport


@pytest.fixture
def gateway(tmp_path: Path, pg_url: Callable[[str], str]) -> Flask:
    config = Config(
        service="gateway",
        data_dir=tmp_path,
        event_log_path=tmp_path / "eventlog.sqlite",
        database_url=pg_url("gateway"),
        postcodes_db=POSTCODES,
    )
    app = create_gateway_app(dataclasses.replace(config), SearchLikeTransport())
    assert app.extensions["partners"].store.engine.dialect.name == "postgresql"
    app.extensions["partners"].clock = FakeClock()
    return app


def test_revoked_and_rotated_keys(gateway: Flask) -> None:
    test_partners.test_a_revoked_key_is_refused(gateway)
    test_partners.test_a_rotated_key_replaces_the_old_secret(gateway)


def test_quota_and_window(gateway: Flask) -> None:
    test_partners.test_the_daily_quota_is_enforced(gateway)
    test_partners.test_the_per_minute_limit_resets_with_the_window(gateway)


def test_counters_are_shared_and_exact_across_workers(gateway: Flask) -> None:
    test_partners.test_counters_are_shared_and_exact_across_workers(gateway)
