"""The search indexer SIGKILLed mid-batch (issue 9), on real Kafka, PostgreSQL and
Elasticsearch: every role indexed exactly once, nothing dead-lettered.

Once the indexer has indexed a first role, the opportunities service (in-process, on
PostgreSQL) commits a burst of roles, created and published, and its relay puts their
events on Kafka at once. The search consumer
(``services.search.entrypoints.cli consume``, its own process) works through the burst; we
SIGKILL it part-way, while a batch is being handled and its offsets are not yet
committed, and start another. The index must then hold each role once and nothing else,
the dead-letter topic must be empty, and the new consumer must have been re-sent (and
skipped) what the killed one had handled: proof that the kill landed mid-batch.
``VMP_FAULT_ROLES`` sets the burst (``make soak`` runs a bigger one).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.auth import issue_token
from services.common.config import Config
from services.common.dlq import dead_letters
from services.common.service import runtime_of
from services.opportunities.definition import SERVICE
from tests.integration.conftest import TEST_AUTH_SECRET
from tests.integration.test_outbox_faults import _duplicates_skipped
from tests.integration.test_postgres_restart import _drop_index, _index_count, _index_ids, _role
from tests.support import wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.elasticsearch, pytest.mark.slow]
ROLES = int(os.environ.get("VMP_FAULT_ROLES", "200"))
CONSUME = ("services.search.entrypoints.cli", "consume")


@pytest.fixture
def opportunities(kafka_env: dict[str, str], pg_url) -> Iterator[Flask]:
    """The opportunities API in-process: only the consumer is under test, so the burst is
    produced the quickest real way. Moderation off: organisations are approved at once."""
    config = Config.from_env("opportunities", kafka_env)
    config = replace(config, database_url=pg_url("opps"), moderation_required=False)
    app = SERVICE.create_app(config)
    runtime_of(app).ensure_topics()
    yield app
    runtime_of(app).close()


def _organisation(client: FlaskClient) -> str:
    org = client.post("/api/v1/organisations", json={"name": "Canal Trust", "type": "charity"})
    assert org.status_code == 201, org.get_json()
    org_id: str = org.get_json()["id"]
    return org_id


def _post_roles(client: FlaskClient, org_id: str, first: int, count: int) -> list[str]:
    ids = []
    for n in range(first, first + count):
        created = client.post("/api/v1/opportunities", json=_role(org_id, n))
        assert created.status_code == 201, created.get_json()
        ids.append(created.get_json()["id"])
        published = client.post(f"/api/v1/opportunities/{ids[-1]}/publish")
        assert published.status_code == 200, published.get_json()
    return ids


def _relay_everything(app: Flask) -> None:
    relay = runtime_of(app).relay()
    while relay.publish_pending():
        pass
    assert relay.pending_count() == 0


def test_a_sigkilled_indexer_leaves_every_role_indexed_once(
    opportunities: Flask, elasticsearch_engine, pg_url, processes
) -> None:
    client = opportunities.test_client()
    token = issue_token(TEST_AUTH_SECRET, "owner-1")
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    org_id = _organisation(client)
    ids = _post_roles(client, org_id, 0, 1)
    _relay_everything(opportunities)
    es_url = elasticsearch_engine.url
    alias = f"{runtime_of(opportunities).config.index_prefix}-opportunities"
    env = {"VMP_DATABASE_URL": pg_url("search"), "VMP_ELASTICSEARCH_URL": es_url}
    try:
        indexer = processes.start("indexer", *CONSUME, env=env)
        # Topics are not ordered between them: until the organisation is known, its roles
        # are held back and then indexed all at once. A first role indexed proves it is.
        wait_for(lambda: _index_count(es_url, alias) == 1, timeout_s=120, interval_s=0.2)
        ids = sorted(ids + _post_roles(client, org_id, 1, ROLES - 1))
        _relay_everything(opportunities)  # the burst, on Kafka at once
        wait_for(lambda: _index_count(es_url, alias) >= ROLES // 4, timeout_s=120, interval_s=0.2)
        processes.kill(indexer)  # SIGKILL: no offsets committed for the batch in hand
        killed_at = _index_count(es_url, alias)
        assert killed_at < ROLES, "the burst was indexed before the kill: nothing proven"
        processes.start("indexer2", *CONSUME, env=env)
        wait_for(lambda: _index_count(es_url, alias) >= ROLES, timeout_s=120 + ROLES)
        time.sleep(2)  # let a late duplicate or stray write land before judging
        assert _index_ids(es_url, alias, ids) == ids  # each role once
        assert _index_count(es_url, alias) == ROLES  # and nothing else
    finally:
        _drop_index(es_url, alias)
    assert dead_letters(runtime_of(opportunities).event_log) == []
    # Re-sent what the killed indexer handled but never committed, and skipped it.
    assert _duplicates_skipped(processes.log("indexer2")) > 0
