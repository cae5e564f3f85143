"""The outbox under faults, on real Kafka and PostgreSQL: nothing lost, nothing doubled.

A service commits 1,000 domain changes (organisation registrations) to PostgreSQL while the
outbox relay publishes them to Kafka and consumers apply them. We SIGKILL the broker, the
relay and a consumer mid-stream and check each consumer's side-effect table at the end.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
import sqlalchemy as sa

from services.common.config import Config
from services.opportunities.bootstrap import bootstrap
from services.opportunities.domain.model import OrganisationType
from services.opportunities.service_layer.handlers import (
    RegisterOrganisation,
    register_organisation,
)
from tests.support import wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]
CHANGES = 1000
RELAY = ("services.opportunities.entrypoints.cli", "relay")
SINK = ("tests.integration.sink_consumer",)


def _opportunities(kafka_env: dict[str, str], database_url: str):
    config = replace(Config.from_env("opportunities", kafka_env), database_url=database_url)
    return bootstrap(config)


def _register(runtime, start: int, stop: int) -> list[str]:
    ids = []
    for n in range(start, stop):
        cmd = RegisterOrganisation(name=f"Organisation {n}", type=OrganisationType.CHARITY)
        ids.append(register_organisation(runtime, cmd).id)
    return ids


def _sink_rows(url: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(sa.text("SELECT event_id, organisation_id FROM side_effects"))
            ]
    except sa.exc.ProgrammingError:
        return []  # the consumer has not created its table yet
    finally:
        engine.dispose()


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
    except sa.exc.ProgrammingError:
        return 0
    finally:
        engine.dispose()


def _assert_exactly_once(rows: list[tuple[str, str]], ids: list[str]) -> None:
    assert len(rows) == CHANGES, f"{len(rows)} side effects for {CHANGES} changes"
    assert sorted(r[1] for r in rows) == sorted(ids)
    assert len({r[0] for r in rows}) == CHANGES


def test_broker_sigkill_midway_loses_and_doubles_nothing(
    kafka_engine, kafka_env, pg_url, processes
) -> None:
    service_db, sink_db, search_db = pg_url("opps"), pg_url("sink"), pg_url("search")
    runtime = _opportunities(kafka_env, service_db)
    runtime.ensure_topics()
    # A short delivery timeout makes the relay give up on the dead broker within the outage,
    # so its failure-and-retry path runs (with the default, the producer may ride it out).
    relay_env = {"VMP_DATABASE_URL": service_db, "VMP_KAFKA_DELIVERY_TIMEOUT_MS": "4000"}
    processes.start("relay", *RELAY, env=relay_env)
    processes.start("sink", *SINK, env={"SINK_DB_URL": sink_db})
    processes.start(
        "search",
        "services.search.entrypoints.cli",
        "consume",
        env={"VMP_DATABASE_URL": search_db, "VMP_SEARCH_BACKEND": "embedded"},
    )
    ids = _register(runtime, 0, 300)
    wait_for(lambda: len(_sink_rows(sink_db)) > 0, timeout_s=90)
    kafka_engine.kill()
    ids += _register(runtime, 300, 700)  # committed while the broker is dead
    time.sleep(12)  # the relay fails, backs off and retries meanwhile
    kafka_engine.start()
    ids += _register(runtime, 700, CHANGES)
    wait_for(lambda: len(_sink_rows(sink_db)) >= CHANGES, timeout_s=180, interval_s=1)
    time.sleep(3)  # let any late duplicate arrive before judging
    _assert_exactly_once(_sink_rows(sink_db), ids)
    assert "cannot publish yet" in processes.log("relay")  # the relay did see the outage
    wait_for(lambda: _count(search_db, "organisations") >= CHANGES, timeout_s=60)
    assert _count(search_db, "organisations") == CHANGES
    runtime.close()


def test_consumer_and_relay_sigkill_mid_batch_lose_and_double_nothing(
    kafka_env, pg_url, processes
) -> None:
    service_db, sink_db = pg_url("opps"), pg_url("sink")
    runtime = _opportunities(kafka_env, service_db)
    runtime.ensure_topics()
    relay = processes.start("relay", *RELAY, env={"VMP_DATABASE_URL": service_db})
    slow = {"SINK_DB_URL": sink_db, "SINK_DELAY_MS": "5", "SINK_BATCH": "200"}
    consumer = processes.start("sink", *SINK, env=slow)
    ids = _register(runtime, 0, 500)
    processes.kill(relay)  # between batches or mid-batch: either way nothing may be lost
    processes.start("relay2", *RELAY, env={"VMP_DATABASE_URL": service_db})
    ids += _register(runtime, 500, CHANGES)
    wait_for(lambda: len(_sink_rows(sink_db)) >= 150, timeout_s=120)
    processes.kill(consumer)  # mid-batch: rows handled but offsets not yet committed
    killed_at = len(_sink_rows(sink_db))
    assert 0 < killed_at < CHANGES
    processes.start("sink2", *SINK, env={**slow, "SINK_DELAY_MS": "0"})
    wait_for(lambda: len(_sink_rows(sink_db)) >= CHANGES, timeout_s=180, interval_s=1)
    time.sleep(3)
    _assert_exactly_once(_sink_rows(sink_db), ids)
    # The restarted consumer was re-sent what the killed one handled but never committed,
    # and skipped it: proof the kill landed mid-batch and the dedupe did the work.
    assert _duplicates_skipped(processes.log("sink2")) > 0
    runtime.close()


def _duplicates_skipped(log_text: str) -> int:
    total = 0
    for line in log_text.splitlines():
        if line.startswith("{") and '"batch handled"' in line:
            total += int(json.loads(line).get("duplicate", 0))
    return total
