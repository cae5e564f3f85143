"""The scale-out topology for real: each service under gunicorn on PostgreSQL, Kafka and
Elasticsearch, relays and the search consumer as their own processes, and the gateway
routing to them over HTTP (what `make run-scaled` and docker-compose.yml run)."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

from services.common.auth import issue_token
from tests.integration.conftest import TEST_AUTH_SECRET
from tests.support import free_port, wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.elasticsearch]
SERVICES = ("opportunities", "volunteers", "availability", "search")


def _gunicorn(target: str, port: int) -> tuple[str, ...]:
    return (
        "gunicorn",
        "-c",
        "deploy/gunicorn_config.py",
        "--workers",
        "1",
        "--bind",
        f"127.0.0.1:{port}",
        target,
    )


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_gateway_routes_over_http_to_services_on_the_real_engines(
    processes, pg_url, elasticsearch_engine
) -> None:
    ports = {s: free_port() for s in SERVICES}
    dbs = {s: pg_url(s) for s in SERVICES}
    for service in SERVICES:
        env = {"VMP_DATABASE_URL": dbs[service], "VMP_ELASTICSEARCH_URL": elasticsearch_engine.url}
        processes.start(
            f"{service}-api",
            *_gunicorn(f"services.{service}.entrypoints.wsgi:create_app()", ports[service]),
            env=env,
        )
        processes.start(f"{service}-relay", f"services.{service}.entrypoints.cli", "relay", env=env)
    search_env = {
        "VMP_DATABASE_URL": dbs["search"],
        "VMP_ELASTICSEARCH_URL": elasticsearch_engine.url,
    }
    processes.start("search-consumer", "services.search.entrypoints.cli", "consume", env=search_env)
    gateway_port = free_port()
    urls = {f"VMP_{s.upper()}_URL": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    processes.start("gateway", *_gunicorn("gateway.wsgi:create_app()", gateway_port), env=urls)
    base = f"http://127.0.0.1:{gateway_port}"

    wait_for(lambda: _answers(base + "/readyz"), timeout_s=120, interval_s=1)
    for service in SERVICES:
        health = requests.get(f"{base}/services/{service}/healthz", timeout=5)
        assert health.json() == {"service": service, "status": "ok"}
    owner = {"Authorization": f"Bearer {issue_token(TEST_AUTH_SECRET, 'owner-1')}"}
    admin_token = issue_token(TEST_AUTH_SECRET, "admin-1", roles=["admin"])
    created = requests.post(
        base + "/api/v1/organisations",
        json={"name": "Hertfordshire Timebank", "type": "community_group", "postcode": "AL1 3JE"},
        headers=owner,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    org_id = created.json()["id"]
    assert created.json()["moderation"] == "pending"  # production: moderation is on
    shown = requests.get(f"{base}/api/v1/organisations/{created.json()['id']}", timeout=5)
    assert shown.status_code == 200 and shown.json()["postcode"] == "AL1 3JE"
    missing = requests.get(base + "/api/v1/organisations/nope", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"

    engine = sa.create_engine(dbs["search"], poolclass=sa.NullPool)

    def projected() -> list:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT name FROM organisations")).scalars().all()

    assert wait_for(projected, timeout_s=60) == ["Hertfordshire Timebank"]

    # A role of a pending organisation stays out of search until it is approved.
    role = requests.post(
        base + "/api/v1/opportunities",
        json={
            "organisation_id": org_id,
            "title": "Time bank befriender",
            "summary": "Swap an hour of company for an hour of help.",
            "description": "Visit a neighbour; every hour you give earns a time credit.",
            "causes": ["OlderPeople"],
            "commitment": "regular",
            "locations": [{"postcode": "AL1 3JE"}],
            "remote": False,
            "closes_on": "2099-01-31",
        },
        headers=owner,
        timeout=10,
    )
    assert role.status_code == 201, role.text
    publish = f"{base}/api/v1/opportunities/{role.json()['id']}/publish"
    assert requests.post(publish, headers=owner, timeout=10).status_code == 409
    approve = f"{base}/api/v1/organisations/{org_id}/approve"
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert requests.post(approve, headers=admin, timeout=10).status_code == 200
    assert requests.post(publish, headers=owner, timeout=10).status_code == 200

    def found() -> list:
        query = f"{base}/api/v1/search?postcode=AL1+3JE&radius_km=5&q=befriending"
        return [r["id"] for r in requests.get(query, timeout=5).json()["results"]]

    assert wait_for(found, timeout_s=60) == [role.json()["id"]]
