"""The real engines of deploy/engines, started on free ports in a temporary state dir.

Slow the first time on a machine (Maven downloads ~140 MB into ~/.cache/vmp); afterwards the
whole module takes well under a minute.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from deploy.engines import Elasticsearch, EngineError, Kafka, Postgres, ensure_java_and_maven
from deploy.engines.common import REPO_ROOT, java_major_version
from deploy.engines.process import ManagedProcess, is_alive, port_open

# Consumers must join their group quickly (see docs in the shared real-engines guide).
CONSUMER_TIMEOUTS = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 2000}


def _free_ports(count: int) -> list[int]:
    """Distinct free ports: every socket stays bound until all are chosen."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _es_base_port() -> int:
    """A base whose HTTP (base + 1) and transport (base + 101) ports are both free."""
    for _ in range(50):
        base = _free_ports(1)[0] - 1
        if not port_open(base + 1) and not port_open(base + 101) and base + 101 < 65536:
            return base
    raise RuntimeError("no free port pair for Elasticsearch")


EngineT = TypeVar("EngineT", bound=ManagedProcess)


def _running(engine: EngineT) -> Iterator[EngineT]:
    try:
        engine.start(timeout=180)
        yield engine
    finally:
        try:
            engine.stop()
        except EngineError:
            engine.kill()


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("infra")


@pytest.fixture(scope="module")
def kafka(state_dir: Path) -> Iterator[Kafka]:
    port, controller_port = _free_ports(2)
    yield from _running(Kafka(state_dir, port=port, controller_port=controller_port))


@pytest.fixture(scope="module")
def es(state_dir: Path) -> Iterator[Elasticsearch]:
    yield from _running(Elasticsearch(state_dir, base_http_port=_es_base_port()))


@pytest.fixture(scope="module")
def pg(state_dir: Path) -> Iterator[Postgres]:
    yield from _running(Postgres(state_dir, port=_free_ports(1)[0]))


# -- no engine needed ------------------------------------------------------------------------


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    java_major_version.cache_clear()
    with pytest.raises(EngineError, match="apt-get install -y openjdk-17-jdk-headless maven"):
        ensure_java_and_maven()
    java_major_version.cache_clear()


def test_stale_pid_file_is_ignored(tmp_path: Path) -> None:
    engine = Kafka(tmp_path)
    engine.home.mkdir(parents=True)
    # A live pid that is not a Kafka broker (this test process), as after a pid reuse.
    engine.pid_path.write_text(f"{os.getpid()}\n")
    assert engine.pid is None
    engine.pid_path.write_text("999999999\n")
    assert engine.pid is None
    engine.stop()  # nothing to stop: must not signal anything, and clears the pid file
    assert not engine.pid_path.exists()


# -- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_database_and_table(pg: Postgres) -> None:
    import psycopg

    assert pg.is_healthy() and pg.pid is not None
    pg.create_database("engines_test")
    pg.create_database("engines_test")  # idempotent
    dsn = pg.dsn("engines_test")
    assert dsn == f"postgresql+psycopg://postgres@127.0.0.1:{pg.port}/engines_test"
    with psycopg.connect(dsn.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("CREATE TABLE volunteer (id serial PRIMARY KEY, name text NOT NULL)")
        conn.execute("INSERT INTO volunteer (name) VALUES ('Ada')")
        assert conn.execute("SELECT name FROM volunteer").fetchall() == [("Ada",)]
    pg.drop_database("engines_test")
    assert "engines_test" not in pg.psql("SELECT datname FROM pg_database").split()


# -- Elasticsearch ---------------------------------------------------------------------------


@pytest.mark.elasticsearch
def test_elasticsearch_index_and_geo_search(es: Elasticsearch) -> None:
    from elasticsearch import Elasticsearch as Client

    assert es.is_healthy()
    client = Client(es.url)
    assert client.ping()  # HEAD / and GET / come from our RootPlugin
    assert client.info()["version"]["number"] == "8.14.1"
    client.indices.create(
        index="opportunities",
        mappings={
            "properties": {
                "title": {"type": "text"},
                "cause": {"type": "keyword"},
                "location": {"type": "geo_point"},
            }
        },
    )
    client.index(
        index="opportunities",
        id="near",
        refresh=True,
        document={
            "title": "Food bank helper",
            "cause": "poverty",
            "location": {"lat": 51.5, "lon": -0.12},
        },
    )
    client.index(
        index="opportunities",
        id="far",
        refresh=True,
        document={
            "title": "Food bank driver",
            "cause": "poverty",
            "location": {"lat": 53.48, "lon": -2.24},
        },
    )
    result = client.search(
        index="opportunities",
        query={
            "bool": {
                "must": {"match": {"title": "food"}},
                "filter": {
                    "geo_distance": {"distance": "10km", "location": {"lat": 51.51, "lon": -0.1}}
                },
            }
        },
        aggs={"causes": {"terms": {"field": "cause"}}},
    )
    assert [hit["_id"] for hit in result["hits"]["hits"]] == ["near"]
    assert result["aggregations"]["causes"]["buckets"] == [{"key": "poverty", "doc_count": 1}]


@pytest.mark.elasticsearch
def test_elasticsearch_modules(es: Elasticsearch) -> None:
    modules = es.modules()
    assert "transport-netty4" in modules
    # Documents the gap (see deploy/engines/elasticsearch.py); fails once it is closed.
    assert "percolator" not in modules


@pytest.mark.elasticsearch
@pytest.mark.xfail(strict=True, reason="no ES 8.14.1 percolator module on Maven Central")
def test_elasticsearch_percolator(es: Elasticsearch) -> None:
    from elasticsearch import Elasticsearch as Client

    client = Client(es.url)
    client.indices.create(
        index="saved-searches",
        mappings={"properties": {"query": {"type": "percolator"}, "title": {"type": "text"}}},
    )
    client.index(
        index="saved-searches",
        id="food",
        refresh=True,
        document={"query": {"match": {"title": "food"}}},
    )
    result = client.search(
        index="saved-searches",
        query={"percolate": {"field": "query", "document": {"title": "Food bank helper"}}},
    )
    assert [hit["_id"] for hit in result["hits"]["hits"]] == ["food"]


# -- Kafka -----------------------------------------------------------------------------------


def _produce(kafka: Kafka, topic: str, value: bytes) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=kafka.bootstrap, acks="all")
    try:
        producer.send(topic, value, key=b"k").get(timeout=30)
        producer.flush()
    finally:
        producer.close()


def _consume_until(kafka: Kafka, topic: str, wanted: bytes, timeout: float = 60) -> list[bytes]:
    """Read the topic from the start with a new group until `wanted` shows up (or timeout)."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka.bootstrap,
        group_id=f"engines-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        **CONSUMER_TIMEOUTS,
    )
    seen: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while wanted not in seen and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=1000).values():
                seen.extend(record.value for record in records)
        return seen
    finally:
        consumer.close()


@pytest.mark.kafka
def test_kafka_topic_produce_consume(kafka: Kafka) -> None:
    from kafka.admin import KafkaAdminClient, NewTopic

    assert kafka.is_healthy() and kafka.bootstrap == f"127.0.0.1:{kafka.port}"
    admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap)
    try:
        admin.create_topics([NewTopic("engines-roundtrip", num_partitions=3, replication_factor=1)])
        assert "engines-roundtrip" in admin.list_topics()
    finally:
        admin.close()
    _produce(kafka, "engines-roundtrip", b"hello")
    assert _consume_until(kafka, "engines-roundtrip", b"hello") == [b"hello"]


@pytest.mark.kafka
def test_kafka_keeps_messages_across_sigkill(kafka: Kafka) -> None:
    marker = f"before-kill-{uuid.uuid4().hex}".encode()
    _produce(kafka, "engines-durable", marker)  # auto-created topic
    old_pid = kafka.pid
    assert old_pid is not None

    kafka.kill()
    assert kafka.pid is None and not is_alive(old_pid)
    assert not port_open(kafka.port) and not kafka.is_healthy()

    started = time.monotonic()
    kafka.start(timeout=180)  # same data dir: must not format again
    print(f"kafka restart after SIGKILL: {time.monotonic() - started:.1f}s")
    assert kafka.pid not in (None, old_pid)
    assert marker in _consume_until(kafka, "engines-durable", marker)


@pytest.mark.kafka
def test_failed_start_leaves_nothing_running(tmp_path: Path) -> None:
    port, controller_port = _free_ports(2)
    engine = Kafka(tmp_path, port=port, controller_port=controller_port)
    with pytest.raises(EngineError, match="not healthy after"):
        engine.start(timeout=0.5)  # a broker needs seconds: this start must fail
    assert engine.pid is None and not engine.pid_path.exists()
    assert not port_open(port) and not port_open(controller_port)


# -- command line ----------------------------------------------------------------------------


@pytest.mark.kafka
@pytest.mark.elasticsearch
@pytest.mark.postgres
def test_cli_status_sees_engines_started_elsewhere(
    state_dir: Path, kafka: Kafka, es: Elasticsearch, pg: Postgres
) -> None:
    env = {
        **os.environ,
        "VMP_KAFKA_PORT": str(kafka.port),
        "VMP_KAFKA_CONTROLLER_PORT": str(kafka.controller_port),
        "VMP_ES_BASE_PORT": str(es.http_port - 1),
        "VMP_PG_PORT": str(pg.port),
    }
    cli = [sys.executable, "-m", "deploy.engines"]
    status = subprocess.run(
        [*cli, "status", "--state-dir", str(state_dir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.count(" healthy ") == 3, status.stdout
    print(status.stdout)
    started = time.monotonic()
    fetch = subprocess.run(
        [*cli, "fetch"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert fetch.returncode == 0, fetch.stderr
    assert time.monotonic() - started < 10  # cached: no Maven run
