"""Elasticsearch stopped while roles are posted and people search (issue 9).

An Elasticsearch node of its own (the session's is shared, and this test kills its node)
behind the whole platform in one process, background workers running as under
`make run`. Roles posted before, during and after the outage; during it every search
answers 503 problem+json within seconds (never hangs, never 500) while posting keeps
working; when the node is back every acknowledged role is in the index exactly once and
nothing was dead-lettered. ``VMP_FAULT_OUTAGE_S`` sets the outage (``make soak``: 60 s).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.common.auth import issue_token
from services.common.config import Config
from services.common.dlq import dead_letters
from services.common.service import runtime_of
from tests.support import wait_for

pytestmark = [pytest.mark.elasticsearch, pytest.mark.slow]
POSTCODES = Path(__file__).resolve().parents[2] / "var" / "data" / "postcodes.sqlite"
OUTAGE_S = float(os.environ.get("VMP_FAULT_OUTAGE_S", "10"))
PER_PHASE = 10


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Any]:
    from deploy.engines import Elasticsearch

    base = int(os.environ.get("VMP_TEST_ES_BASE_PORT", 29200)) + 1000
    engine = Elasticsearch(tmp_path / "es", base_http_port=base)
    engine.start()
    yield engine
    engine.kill()


@pytest.fixture
def platform(node: Any, tmp_path: Path) -> Iterator[Flask]:
    from gateway.wsgi import create_app

    config = Config(service="gateway", data_dir=tmp_path / "data",
                    event_log_path=tmp_path / "data" / "eventlog.sqlite",
                    database_url=f"sqlite:///{tmp_path / 'data' / 'gateway.sqlite'}",
                    postcodes_db=POSTCODES, search_backend="elasticsearch",
                    elasticsearch_url=node.url, index_prefix="outage")  # fmt: skip
    (tmp_path / "data").mkdir()
    app = create_app(config, start_workers=True)
    yield app
    app.extensions["platform"].shutdown()


def _post(owner: FlaskClient, org_id: str, n: int) -> str:
    body = {"organisation_id": org_id, "title": f"Canal volunteer {n}", "summary": "Outdoors.",
            "commitment": "flexible", "locations": [{"postcode": "M1 1AE"}],
            "closes_on": "2099-01-01"}  # fmt: skip
    created = owner.post("/api/v1/opportunities", json=body)
    assert created.status_code == 201, created.get_json()
    role_id: str = created.get_json()["id"]
    published = owner.post(f"/api/v1/opportunities/{role_id}/publish")
    assert published.status_code == 200, published.get_json()
    return role_id


def _found(client: FlaskClient, org_id: str) -> list[str]:
    answer = client.get(f"/api/v1/search?organisation={org_id}&per_page=50")
    return [r["id"] for r in answer.get_json()["results"]] if answer.status_code == 200 else []


def test_an_outage_loses_no_role_and_searches_fail_fast(platform: Flask, node: Any) -> None:
    owner = platform.test_client()
    token = issue_token(platform.config["VMP_AUTH_SECRET"], "owner-1", email_verified=True)
    owner.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    org = owner.post("/api/v1/organisations", json={"name": "Canal Trust", "type": "charity"})
    assert org.status_code == 201, org.get_json()
    org_id = org.get_json()["id"]
    public = platform.test_client()
    posted = [_post(owner, org_id, n) for n in range(PER_PHASE)]
    wait_for(lambda: len(_found(public, org_id)) == len(posted), timeout_s=60)

    node.kill()  # SIGKILL: no goodbye to the client
    down_until = time.monotonic() + OUTAGE_S
    searches = []
    while time.monotonic() < down_until or len(posted) < 2 * PER_PHASE:
        if len(posted) < 2 * PER_PHASE:
            posted.append(_post(owner, org_id, len(posted)))  # writes go on
        started = time.monotonic()
        answer = public.get(f"/api/v1/search?organisation={org_id}")
        searches.append((answer.status_code, time.monotonic() - started,
                         answer.headers.get("Content-Type")))  # fmt: skip
    assert {status for status, _, _ in searches} == {503}
    assert {kind for _, _, kind in searches} == {"application/problem+json"}
    assert max(took for _, took, _ in searches) < 5  # fail fast: never a hang

    node.start()
    posted += [_post(owner, org_id, len(posted)) for _ in range(PER_PHASE)]
    wait_for(lambda: len(_found(public, org_id)) == len(posted), timeout_s=180)
    found = _found(public, org_id)
    assert sorted(found) == sorted(posted)  # every acknowledged role, each once
    search = runtime_of(platform.extensions["platform"].apps["search"])
    assert dead_letters(search.event_log, "opportunities") == []
