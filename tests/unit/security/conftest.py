"""One embedded platform per test module: these tests only read, or add objects no other
test in the module looks at, so building it once per test would only cost time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from services.common.config import Config
from tests.unit.conftest import POSTCODES


@pytest.fixture(scope="module")
def shared_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from gateway.wsgi import create_app

    folder = tmp_path_factory.mktemp("platform")
    config = Config(
        service="gateway",
        data_dir=folder,
        event_log_path=folder / "eventlog.sqlite",
        database_url=f"sqlite:///{folder / 'gateway.sqlite'}",
        postcodes_db=POSTCODES,
    )
    app = create_app(config, start_workers=False)
    yield app
    app.extensions["platform"].shutdown()
