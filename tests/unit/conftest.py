"""Unit-test fixtures: a whole embedded platform in a temporary folder, no network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from services.common.config import Config

# Built by `make data` before any test runs (OS Code-Point Open; see services/common/geo).
POSTCODES = Path(__file__).resolve().parents[2] / "var" / "data" / "postcodes.sqlite"


@pytest.fixture
def embedded_config(tmp_path: Path) -> Config:
    return Config(
        service="gateway",
        data_dir=tmp_path,
        event_log_path=tmp_path / "eventlog.sqlite",
        database_url=f"sqlite:///{tmp_path / 'gateway.sqlite'}",
        postcodes_db=POSTCODES,
    )


@pytest.fixture
def platform_app(embedded_config: Config) -> Iterator[Flask]:
    """The gateway with every service in-process; background workers NOT started, so tests
    drive relays and consumers step by step."""
    from gateway.wsgi import create_app

    app = create_app(embedded_config, start_workers=False)
    yield app
    app.extensions["platform"].shutdown()
