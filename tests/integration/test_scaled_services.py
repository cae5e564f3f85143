"""Services on the real engines: migrations on PostgreSQL, readiness on Kafka and
Elasticsearch, including /readyz going 503 (naming Kafka) while the broker is down."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from services.common.config import Config
from services.common.service import runtime_of
from tests.support import wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def _config(service: str, kafka_env: dict[str, str], database_url: str, **extra) -> Config:
    return replace(Config.from_env(service, kafka_env), database_url=database_url, **extra)


def _app(service: str, config: Config):
    from importlib import import_module

    return import_module(f"services.{service}.entrypoints.wsgi").create_app(config)


@pytest.mark.parametrize("service", ["opportunities", "volunteers", "availability"])
def test_each_service_migrates_postgres_and_is_ready(service, kafka_env, pg_url) -> None:
    url = pg_url(service)
    app = _app(service, _config(service, kafka_env, url))
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json()["checks"] == {"database": "ok", "kafka": "ok"}
    tables = set(sa.inspect(sa.create_engine(url, poolclass=sa.NullPool)).get_table_names())
    assert {"outbox", "processed_events", f"alembic_version_{service}"} <= tables
    runtime_of(app).close()


@pytest.mark.elasticsearch
def test_search_is_ready_on_elasticsearch(kafka_env, pg_url, elasticsearch_engine) -> None:
    config = _config(
        "search",
        kafka_env,
        pg_url("search"),
        search_backend="elasticsearch",
        elasticsearch_url=elasticsearch_engine.url,
    )
    ready = _app("search", config).test_client().get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json()["checks"]["elasticsearch"] == "ok"


@pytest.mark.elasticsearch
def test_search_readiness_names_elasticsearch_when_it_is_unreachable(kafka_env, pg_url) -> None:
    config = _config(
        "search",
        kafka_env,
        pg_url("search"),
        search_backend="elasticsearch",
        elasticsearch_url="http://127.0.0.1:9",
    )
    ready = _app("search", config).test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["failing"] == ["elasticsearch"]


def test_readyz_is_503_naming_kafka_while_the_broker_is_down(
    kafka_engine, kafka_env, pg_url
) -> None:
    app = _app("opportunities", _config("opportunities", kafka_env, pg_url("opps")))
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    kafka_engine.kill()
    try:
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.headers["Content-Type"] == "application/problem+json"
        assert down.get_json()["failing"] == ["kafka"]
        assert "kafka" in down.get_json()["detail"]
        assert client.get("/healthz").status_code == 200  # the process itself is fine
    finally:
        kafka_engine.start()
    wait_for(lambda: client.get("/readyz").status_code == 200, timeout_s=60, interval_s=1)
    runtime_of(app).close()
