"""PostgreSQL restarted while roles are posted (issue 9), on the scaled topology's slice
that shows it: the opportunities API under gunicorn, its outbox relay, Kafka, the search
consumer and Elasticsearch, both services' databases on a PostgreSQL server of the test's
own (the session's is shared, and this test restarts its server).

A client thread creates and publishes roles without pause while the server is stopped
(``pg_ctl -m fast``, or ``immediate`` with ``VMP_FAULT_PG_STOP``), kept down
``VMP_FAULT_PG_DOWN_S`` seconds and started again on the same data dir and port. During the
outage every request fails at once with 5xx problem+json (never a hang, an HTML page or a
dropped connection); once the server is back the same processes serve again with no
restart and no further failure; and every acknowledged role is in the database exactly
once with all its events, and in the index exactly once. ``make soak`` runs it longer.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from services.common.auth import issue_token
from tests.integration.conftest import TEST_AUTH_SECRET
from tests.integration.test_scaled_topology import _answers, _gunicorn
from tests.support import free_port, wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.elasticsearch, pytest.mark.slow]
ROLES = int(os.environ.get("VMP_FAULT_ROLES", "120"))  # acknowledged roles before we stop
DOWN_S = float(os.environ.get("VMP_FAULT_PG_DOWN_S", "4"))
IMMEDIATE = os.environ.get("VMP_FAULT_PG_STOP", "fast") == "immediate"
HANG_S = 10.0  # an answer slower than this is a hang (gunicorn itself gives up at 30 s)
AFTER_RESTART = 20  # requests that must all succeed once the server is back
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Outcome:
    action: str
    status: int  # 0: no HTTP answer at all (refused, reset, timed out)
    content_type: str
    started: float
    took: float


@dataclass
class Poster:
    """Creates and publishes roles one after another until stopped, recording every answer."""

    base: str
    org_id: str
    headers: dict[str, str]
    stop: threading.Event = field(default_factory=threading.Event)
    acked: list[str] = field(default_factory=list)  # answered 201
    unpublished: list[str] = field(default_factory=list)  # created, but publishing failed
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self) -> None:
        session = requests.Session()
        n = 0
        while not self.stop.is_set():
            created = self._call(session, "create", "/api/v1/opportunities", _role(self.org_id, n))
            n += 1
            if created is None or created.status_code != 201:
                time.sleep(0.05)  # an outage: do not spin the two cores away
                continue
            role_id = created.json()["id"]
            self.acked.append(role_id)
            published = self._call(session, "publish", f"/api/v1/opportunities/{role_id}/publish")
            if published is None or published.status_code != 200:
                self.unpublished.append(role_id)

    def _call(
        self, session: requests.Session, action: str, path: str, body: Any = None
    ) -> requests.Response | None:
        started = time.monotonic()
        try:
            answer = session.post(self.base + path, json=body, headers=self.headers, timeout=60)
        except requests.RequestException as exc:
            self.outcomes.append(Outcome(action, 0, repr(exc), started, time.monotonic() - started))
            return None
        kind = answer.headers.get("Content-Type", "")
        self.outcomes.append(Outcome(action, answer.status_code, kind, started,
                                     time.monotonic() - started))  # fmt: skip
        return answer

    def successes_since(self, moment: float) -> int:
        return sum(1 for o in self.outcomes if o.started >= moment and o.status in (200, 201))


def _role(org_id: str, n: int) -> dict[str, Any]:
    return {"organisation_id": org_id, "title": f"Canal volunteer {n}", "summary": "Outdoors.",
            "commitment": "flexible", "locations": [{"postcode": "M1 1AE"}],
            "closes_on": "2099-01-01"}  # fmt: skip


def _start_topology(processes, opps_db: str, search_db: str, es_url: str) -> str:
    port = free_port()
    env = {"VMP_DATABASE_URL": opps_db, "VMP_ELASTICSEARCH_URL": es_url}
    app = _gunicorn("services.opportunities.entrypoints.wsgi:create_app()", port)
    processes.start("opportunities-api", *app, env=env)
    processes.start("opportunities-relay", "services.opportunities.entrypoints.cli", "relay",
                    env=env)  # fmt: skip
    search_env = {"VMP_DATABASE_URL": search_db, "VMP_ELASTICSEARCH_URL": es_url}
    processes.start("search-consumer", "services.search.entrypoints.cli", "consume", env=search_env)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(base + "/readyz"), timeout_s=120, interval_s=1)
    return base


def _approved_organisation(base: str, owner: dict[str, str]) -> str:
    """Production runs with moderation on: a role reaches search once its organisation is
    approved, so approve it before the first role."""
    body = {"name": "Canal Trust", "type": "charity"}
    created = requests.post(base + "/api/v1/organisations", json=body, headers=owner, timeout=10)
    assert created.status_code == 201, created.text
    org_id: str = created.json()["id"]
    admin = {"Authorization": f"Bearer {issue_token(TEST_AUTH_SECRET, 'admin-1', roles=['admin'])}"}
    approved = requests.post(f"{base}/api/v1/organisations/{org_id}/approve", headers=admin,
                             timeout=10)  # fmt: skip
    assert approved.status_code == 200, approved.text
    return org_id


def _assert_outage_answers(poster: Poster, down_from: float, back_at: float) -> None:
    """Failures are quick 503 problem+json; they happened during the outage and only then."""
    failed = [o for o in poster.outcomes if o.status not in (200, 201)]
    unclean = [o for o in failed if o.status != 503 or o.content_type != PROBLEM]
    # 0 = dropped connection, 4xx = a wrong verdict, 500 = the outage taken for a bug
    assert unclean == [], unclean[:5]
    assert max(o.took for o in poster.outcomes) < HANG_S, "a request hung"
    during = [o for o in failed if down_from <= o.started + o.took and o.started <= back_at]
    assert during, "no request failed: the restart fell between requests, proving nothing"
    # Recovery without restarting anything: once PostgreSQL answers, every request works.
    late = [o for o in failed if o.started >= back_at]
    assert late == [], late[:5]


def _publish_leftovers(poster: Poster) -> None:
    """A role whose publish failed in the outage is published now, as its owner would."""
    for role_id in poster.unpublished:
        url = f"{poster.base}/api/v1/opportunities/{role_id}/publish"
        answer = requests.post(url, headers=poster.headers, timeout=10)
        # 409: the publish had committed before its answer was lost; it is published.
        assert answer.status_code in (200, 409), answer.text


def _rows(url: str, sql: str) -> list[Any]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql)))
    finally:
        engine.dispose()


def _assert_database(opps_db: str, acked: list[str]) -> list[str]:
    """Every acknowledged role once; every role (acknowledged or not) with all its events,
    none extra: a failed post must not half-exist. Returns the published roles' ids."""
    roles = _rows(opps_db, "SELECT id, title, status, revision FROM opportunities")
    by_id = {r.id: r for r in roles}
    assert set(acked) <= set(by_id), "an acknowledged role is missing"
    assert len({r.title for r in roles}) == len(roles), "one post made two roles"
    events = Counter(r.key for r in _rows(opps_db, "SELECT key FROM outbox"))
    # One event per change: Created is revision 1, each publish adds one.
    wrong = {i: (r.revision, events[i]) for i, r in by_id.items() if events[i] != r.revision}
    assert wrong == {}, f"{len(wrong)} roles' (revision, events) differ: {list(wrong.items())[:3]}"
    published = sorted(i for i, r in by_id.items() if r.status == "published")
    assert set(acked) <= set(published)
    return published


def _index_ids(es_url: str, alias: str, ids: list[str]) -> list[str]:
    query = {"query": {"ids": {"values": ids}}, "size": len(ids) + 100, "_source": False}
    answer = requests.post(f"{es_url}/{alias}/_search", json=query, timeout=30)
    answer.raise_for_status()
    return sorted(hit["_id"] for hit in answer.json()["hits"]["hits"])


def _index_count(es_url: str, alias: str) -> int:
    answer = requests.get(f"{es_url}/{alias}/_count", timeout=30)
    return int(answer.json()["count"]) if answer.ok else -1


def _drop_index(es_url: str, alias: str) -> None:
    # By concrete name: the node may refuse wildcard deletes.
    found = requests.get(f"{es_url}/{alias}/_alias", timeout=30)
    for index in found.json() if found.ok else []:
        requests.delete(f"{es_url}/{index}", timeout=30)


def test_a_postgres_restart_fails_posts_cleanly_and_loses_or_doubles_nothing(
    own_postgres, elasticsearch_engine, kafka_env, processes
) -> None:
    own_postgres.create_database("opps")
    own_postgres.create_database("search")
    opps_db, search_db = own_postgres.dsn("opps"), own_postgres.dsn("search")
    es_url = elasticsearch_engine.url
    alias = f"{kafka_env['VMP_INDEX_PREFIX']}-opportunities"
    base = _start_topology(processes, opps_db, search_db, es_url)
    owner = {"Authorization": f"Bearer {issue_token(TEST_AUTH_SECRET, 'owner-1')}"}
    poster = Poster(base, _approved_organisation(base, owner), owner)
    thread = threading.Thread(target=poster.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(poster.acked) >= ROLES // 3, timeout_s=120, interval_s=0.2)
        # The indexer is mid-stream (not still joining its group) when its database goes.
        wait_for(lambda: _index_count(es_url, alias) > 0, timeout_s=60, interval_s=0.2)
        down_from = time.monotonic()
        own_postgres.restart(immediate=IMMEDIATE, down_s=DOWN_S)
        back_at = time.monotonic()
        wait_for(lambda: len(poster.acked) >= ROLES, timeout_s=120 + ROLES, interval_s=0.5)
        wait_for(lambda: poster.successes_since(back_at) >= AFTER_RESTART, timeout_s=60)
    finally:
        poster.stop.set()
        thread.join(HANG_S * 6)
    assert not thread.is_alive(), "the client is stuck in a request"

    _assert_outage_answers(poster, down_from, back_at)
    # Recovered on their own: no process of the topology died (none was restarted), or
    # what it should have carried (the relay: every later event) would silently stop.
    dead = [" ".join(p.args[2:]) for p in processes.running if p.poll() is not None]
    assert dead == [], f"died in the outage (see their logs in {processes.log_dir})"
    _publish_leftovers(poster)
    published = _assert_database(opps_db, poster.acked)
    try:
        wait_for(lambda: _index_count(es_url, alias) >= len(published), timeout_s=120 + ROLES)
        time.sleep(2)  # let a late duplicate or stray write land before judging
        assert _index_ids(es_url, alias, published) == published  # each acknowledged role once
        assert _index_count(es_url, alias) == len(published)  # and nothing else
    finally:
        _drop_index(es_url, alias)
