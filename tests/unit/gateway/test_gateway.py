"""The gateway routes the public API to the owning service and serves platform operations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from gateway.routing import API_ROUTES, SERVICES, resolve_api, resolve_ops
from services.common.auth import issue_token
from services.common.service import runtime_of
from services.search.definition import SERVICE as SEARCH


def test_every_service_is_healthy_ready_and_documented_through_the_gateway(
    platform_app: Flask,
) -> None:
    client = platform_app.test_client()
    for service in SERVICES:
        health = client.get(f"/services/{service}/healthz")
        assert health.status_code == 200 and health.get_json()["service"] == service
        ready = client.get(f"/services/{service}/readyz")
        assert ready.status_code == 200, ready.get_json()
        assert ready.get_json()["checks"]["database"] == "ok"
        doc = client.get(f"/services/{service}/openapi.json").get_json()
        assert doc["openapi"].startswith("3.")
        metrics = client.get(f"/services/{service}/metrics")
        assert b"vmp_http_requests_total" in metrics.data


def test_search_readiness_includes_its_index(platform_app: Flask) -> None:
    checks = platform_app.test_client().get("/services/search/readyz").get_json()["checks"]
    assert checks["search-index (embedded)"] == "ok"


def test_the_merged_openapi_lists_public_paths_only(platform_app: Flask) -> None:
    doc = platform_app.test_client().get("/openapi.json").get_json()
    assert "/api/v1/organisations" in doc["paths"]
    for path in ("/feeds/search.atom", "/opensearch.xml", "/embed/v1/widget.js"):
        assert path in doc["paths"]
    assert "/partner/v1/partners/{partner_id}/keys" in doc["paths"]
    public = ("/api/v1/", "/feeds/", "/opensearch.xml", "/partner/v1/", "/embed/v1/")
    assert all(path.startswith(public) for path in doc["paths"]), sorted(doc["paths"])
    assert not any(path.startswith("/api/v1/{") for path in doc["paths"])  # no proxy routes
    assert {"OrganisationIn", "PartnerIn"} <= set(doc["components"]["schemas"])


def test_request_ids_are_kept_or_made(platform_app: Flask) -> None:
    client = platform_app.test_client()
    kept = client.get("/services/search/healthz", headers={"X-Request-Id": "abc123"})
    made = client.get("/healthz")
    assert kept.headers["X-Request-Id"] == "abc123"
    assert len(made.headers["X-Request-Id"]) == 32


def test_a_write_flows_through_outbox_relay_and_consumer(platform_app: Flask) -> None:
    platform = platform_app.extensions["platform"]
    token = issue_token(platform.apps["opportunities"].config["VMP_AUTH_SECRET"], "account-1")
    created = platform_app.test_client().post(
        "/api/v1/organisations",
        json={"name": "Canal Volunteers", "type": "community_group"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201
    opportunities = runtime_of(platform.apps["opportunities"])
    search = runtime_of(platform.apps["search"])
    # OrganisationRegistered, and MembershipChanged for its owner.
    assert opportunities.relay().publish_pending() == 2
    runner = search.consumer(SEARCH.consumer_specs(search)[0])
    assert runner.run_once(2.0) == 2
    with search.engine.connect() as conn:
        names = conn.execute(sa.text("SELECT id, name FROM organisations")).all()
    assert names == [(created.get_json()["id"], "Canal Volunteers")]


def test_routing_table() -> None:
    assert resolve_api("/api/v1/organisations/42").service == "opportunities"
    assert resolve_api("/api/v1/search").service == "search"
    assert resolve_api("/api/v1/searching") is None
    assert resolve_ops("search", "readyz").path == "/readyz"
    assert resolve_ops("search", "admin") is None
    assert set(API_ROUTES.values()) == set(SERVICES)


def test_a_path_beyond_latin_1_reaches_the_service(platform_app: Flask) -> None:
    """Found by schemathesis: the in-process transport passed the decoded path on as it
    was, and the service failed to read it (500)."""
    response = platform_app.test_client().get("/api/v1/organisations/%F0%9F%99%82")  # an emoji
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
