"""Session-wide fixtures: the real engines, started through deploy/ (never faked).

If Java or Maven is missing the engine fixtures fail with a message saying what to install;
they never skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("VMP_TEST_INFRA_DIR", ROOT / ".run" / "test-infra"))


@pytest.fixture(scope="session")
def kafka_engine() -> Iterator[object]:
    from deploy.engines import Kafka

    engine = Kafka(
        STATE,
        port=int(os.environ.get("VMP_TEST_KAFKA_PORT", 29092)),
        controller_port=int(os.environ.get("VMP_TEST_KAFKA_CONTROLLER_PORT", 29093)),
    )
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture(scope="session")
def elasticsearch_engine() -> Iterator[object]:
    from deploy.engines import Elasticsearch

    engine = Elasticsearch(
        STATE, base_http_port=int(os.environ.get("VMP_TEST_ES_BASE_PORT", 29200))
    )
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[object]:
    from deploy.engines import Postgres

    engine = Postgres(STATE, port=int(os.environ.get("VMP_TEST_PG_PORT", 25432)))
    engine.start()
    yield engine
    engine.stop()
