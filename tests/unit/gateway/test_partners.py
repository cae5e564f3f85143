"""Partners, API keys, rate limits and CORS on the public search API, in the gateway.

Most tests put a recording transport behind the gateway (it answers like the search
service, including its ``Access-Control-Allow-Origin: *``), so they exercise the gateway's
own checks quickly; one runs a real search through the embedded platform.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.wrappers import Response

from gateway.app import create_gateway_app
from gateway.partners.setup import anonymous_per_minute
from gateway.partners.store import PartnerStore
from services.common.auth import issue_token
from services.common.config import Config
from services.common.db import make_engine
from services.common.logs import JsonFormatter

SEARCH = "/api/v1/search?q=garden"


class SearchLikeTransport:
    """Answers every forwarded call the way the search service does, and records it."""

    def __init__(self) -> None:
        self.environs: list[dict[str, Any]] = []

    def forward(self, service: str, path: str, environ: Mapping[str, Any], body: bytes) -> Response:
        self.environs.append(dict(environ))
        response = Response('{"results": []}', content_type="application/json")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:  # a minute boundary
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def transport() -> SearchLikeTransport:
    return SearchLikeTransport()


@pytest.fixture
def gateway(embedded_config: Config, transport: SearchLikeTransport) -> Flask:
    app = create_gateway_app(embedded_config, transport)
    app.extensions["partners"].clock = FakeClock()
    return app


def _auth(app: Flask, account: str, **claims: Any) -> dict[str, str]:
    token = issue_token(app.config["VMP_AUTH_SECRET"], account, **claims)
    return {"Authorization": f"Bearer {token}"}


def _partner(client: FlaskClient, headers: dict[str, str]) -> str:
    body = {
        "name": "Camden Council",
        "website": "https://camden.example",
        "contact_email": "it@camden.example",
    }
    response = client.post("/partner/v1/partners", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def _key(
    client: FlaskClient, headers: dict[str, str], partner: str, **fields: Any
) -> dict[str, Any]:
    response = client.post(
        f"/partner/v1/partners/{partner}/keys", json={"name": "widget", **fields}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    body: dict[str, Any] = response.get_json()
    return body


def _setup(app: Flask, **fields: Any) -> tuple[FlaskClient, dict[str, str], str, dict[str, Any]]:
    client = app.test_client()
    owner = _auth(app, "acct-owner")
    partner = _partner(client, owner)
    return client, owner, partner, _key(client, owner, partner, **fields)


def test_a_key_is_shown_once_and_stored_only_as_a_hash(
    gateway: Flask, embedded_config: Config
) -> None:
    client, owner, partner, key = _setup(gateway, allowed_origins=["https://Camden.example:443/"])
    assert key["key"].startswith(f"vmp_live_{key['id']}_")
    assert key["allowed_origins"] == ["https://camden.example"]  # as browsers send it
    listed = client.get(f"/partner/v1/partners/{partner}/keys", headers=owner).get_json()
    assert [k["id"] for k in listed["keys"]] == [key["id"]]
    assert "key" not in listed["keys"][0] and "secret_hash" not in listed["keys"][0]
    secret = key["key"].rsplit("_", 1)[-1]
    with sqlite3.connect(Path(embedded_config.data_dir) / "gateway.sqlite") as db:
        dump = "\n".join(db.iterdump())
    assert key["id"] in dump
    assert key["key"] not in dump and secret not in dump
    assert client.get(SEARCH, headers={"X-Api-Key": key["key"]}).status_code == 200


def test_only_managers_and_admins_see_a_partner(gateway: Flask) -> None:
    client, owner, partner, key = _setup(gateway)
    stranger = _auth(gateway, "acct-stranger")
    for path in (f"/partner/v1/partners/{partner}", f"/partner/v1/partners/{partner}/keys"):
        assert client.get(path, headers=stranger).status_code == 404
        assert (
            client.get(path, headers=_auth(gateway, "acct-admin", roles=["admin"])).status_code
            == 200
        )
    keys_path = f"/partner/v1/partners/{partner}/keys"
    assert client.post(keys_path, json={"name": "x"}, headers=stranger).status_code == 404
    assert client.delete(f"{keys_path}/{key['id']}", headers=stranger).status_code == 404
    assert client.post(f"{keys_path}/{key['id']}/rotate", headers=stranger).status_code == 404
    assert client.get("/partner/v1/partners", headers=stranger).get_json() == {"partners": []}
    mine = client.get("/partner/v1/partners", headers=owner).get_json()["partners"]
    assert [p["id"] for p in mine] == [partner]
    assert client.post("/partner/v1/partners", json={}).status_code == 401
    unverified = _auth(gateway, "acct-new", email_verified=False)
    assert client.post("/partner/v1/partners", json={}, headers=unverified).status_code == 403


def test_key_settings_are_validated_with_the_field_named(gateway: Flask) -> None:
    client = gateway.test_client()
    owner = _auth(gateway, "acct-owner")
    partner = _partner(client, owner)
    path = f"/partner/v1/partners/{partner}/keys"
    for body, field in (
        ({"name": "w", "per_minute": 100_000}, "per_minute"),
        ({"name": "w", "daily_quota": 0}, "daily_quota"),
        ({"name": "w", "allowed_origins": ["https://a.example/page"]}, "allowed_origins"),
        ({"per_minute": 5}, "name"),
    ):
        response = client.post(path, json=body, headers=owner)
        assert response.status_code == 422 and field in response.get_json()["errors"], body


def test_a_revoked_key_is_refused(gateway: Flask) -> None:
    client, owner, partner, key = _setup(gateway)
    path = f"/partner/v1/partners/{partner}/keys/{key['id']}"
    assert client.delete(path, headers=owner).status_code == 204
    response = client.get(SEARCH, headers={"X-Api-Key": key["key"]})
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    listed = client.get(f"/partner/v1/partners/{partner}/keys", headers=owner).get_json()
    assert listed["keys"][0]["active"] is False
    assert (
        client.get(SEARCH, headers={"X-Api-Key": "vmp_live_000000000000_nope"}).status_code == 401
    )
    assert client.get(SEARCH, headers={"X-Api-Key": "rubbish"}).status_code == 401


def test_a_rotated_key_replaces_the_old_secret(gateway: Flask) -> None:
    client, owner, partner, key = _setup(gateway)
    rotated = client.post(
        f"/partner/v1/partners/{partner}/keys/{key['id']}/rotate", headers=owner
    ).get_json()
    assert rotated["id"] == key["id"] and rotated["key"] != key["key"]
    assert client.get(SEARCH, headers={"X-Api-Key": key["key"]}).status_code == 401
    assert client.get(SEARCH, headers={"X-Api-Key": rotated["key"]}).status_code == 200


def test_the_daily_quota_is_enforced(gateway: Flask) -> None:
    client, _, _, key = _setup(gateway, daily_quota=3)
    for remaining in (2, 1, 0):
        ok = client.get(SEARCH, headers={"X-Api-Key": key["key"]})
        assert ok.status_code == 200
        assert ok.headers["RateLimit-Limit"] == "3"
        assert ok.headers["RateLimit-Remaining"] == str(remaining)
        assert ok.headers["RateLimit-Policy"] == "60;w=60, 3;w=86400"
    refused = client.get(SEARCH, headers={"X-Api-Key": key["key"]})
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    assert int(refused.headers["Retry-After"]) == int(refused.headers["RateLimit-Reset"]) > 60
    assert refused.headers["RateLimit-Remaining"] == "0"


def test_the_per_minute_limit_resets_with_the_window(gateway: Flask) -> None:
    client, _, _, key = _setup(gateway, per_minute=2)
    clock: FakeClock = gateway.extensions["partners"].clock
    clock.now += 15
    headers = {"X-Api-Key": key["key"]}
    assert [client.get(SEARCH, headers=headers).status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get(SEARCH, headers=headers)
    assert refused.headers["Retry-After"] == "45"
    clock.now += 45
    assert client.get(SEARCH, headers=headers).status_code == 200


def test_anonymous_callers_get_a_low_rate_per_address(gateway: Flask) -> None:
    gateway.extensions["partners"].anonymous_per_minute = 2
    client = gateway.test_client()
    statuses = [client.get(SEARCH).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    other = client.get(SEARCH, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 200 and other.headers["RateLimit-Limit"] == "2"
    feeds = client.get("/feeds/search.atom", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert feeds.status_code == 200 and feeds.headers["RateLimit-Remaining"] == "0"
    # Anonymous answers keep the search service's open CORS (documented in docs/partners.md).
    assert other.headers["Access-Control-Allow-Origin"] == "*"
    # Paths outside the public search API are not limited here.
    assert "RateLimit-Limit" not in client.get("/api/v1/organisations").headers


def test_cors_only_for_the_keys_own_origins(gateway: Flask) -> None:
    client, _, _, key = _setup(gateway, allowed_origins=["https://camden.example"])
    own = {"X-Api-Key": key["key"], "Origin": "https://camden.example"}
    allowed = client.get(SEARCH, headers=own)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://camden.example"
    assert "Origin" in allowed.headers["Vary"]
    for origin in ("https://evil.example", "http://camden.example", "https://camden.example:8443"):
        refused = client.get(SEARCH, headers={"X-Api-Key": key["key"], "Origin": origin})
        assert refused.status_code == 403, origin
        assert "Access-Control-Allow-Origin" not in refused.headers
    server_side = client.get(SEARCH, headers={"X-Api-Key": key["key"]})
    assert "Access-Control-Allow-Origin" not in server_side.headers  # no "*" on keyed answers
    preflight = {"Origin": "https://camden.example", "Access-Control-Request-Method": "GET"}
    ok = client.options(SEARCH, headers=preflight)
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://camden.example"
    assert "X-Api-Key" in ok.headers["Access-Control-Allow-Headers"]
    blocked = client.options(SEARCH, headers={**preflight, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in blocked.headers


def test_no_key_reaches_a_service_or_a_log(
    gateway: Flask,
    transport: SearchLikeTransport,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    client, owner, partner, key = _setup(gateway, per_minute=2)
    secret = key["key"].rsplit("_", 1)[-1]
    client.get(SEARCH, headers={"X-Api-Key": key["key"]})
    client.get(f"/feeds/search.atom?q=garden&api_key={key['key']}")
    client.get(SEARCH, headers={"X-Api-Key": key["key"]})  # over the limit: logged
    client.delete(f"/partner/v1/partners/{partner}/keys/{key['id']}", headers=owner)
    client.get(SEARCH, headers={"X-Api-Key": key["key"]})  # revoked: logged
    assert transport.environs, "the gateway forwarded the calls"
    for environ in transport.environs:
        assert "HTTP_X_API_KEY" not in environ
        assert "api_key" not in environ["QUERY_STRING"]
    assert transport.environs[1]["QUERY_STRING"] == "q=garden"
    # The key's id is logged, so these are the lines that would have shown a leak.
    assert [getattr(r, "api_key_id", None) for r in caplog.records if r.name.startswith("gateway")][
        -2:
    ] == [key["id"], key["id"]]
    captured = capsys.readouterr()
    as_json = [JsonFormatter("gateway").format(record) for record in caplog.records]
    for text in (caplog.text, captured.out, captured.err, *as_json):
        assert secret not in text and key["key"] not in text


def test_a_key_works_on_a_real_search(platform_app: Flask) -> None:
    client, _, _, key = _setup(platform_app, allowed_origins=["https://camden.example"])
    response = client.get(
        "/api/v1/search?q=garden",
        headers={"X-Api-Key": key["key"], "Origin": "https://camden.example"},
    )
    assert response.status_code == 200, response.get_json()
    assert "results" in response.get_json()
    assert response.headers["Access-Control-Allow-Origin"] == "https://camden.example"
    assert response.headers["RateLimit-Remaining"] == "59"


def test_the_anonymous_limit_is_on_in_production_and_settable(
    embedded_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VMP_ANONYMOUS_PER_MINUTE", raising=False)
    assert anonymous_per_minute(replace(embedded_config, environment="production")) == 60
    assert anonymous_per_minute(embedded_config) == 0  # off in development
    monkeypatch.setenv("VMP_ANONYMOUS_PER_MINUTE", "5")
    assert anonymous_per_minute(embedded_config) == 5


def test_counters_are_shared_and_exact_across_workers(gateway: Flask) -> None:
    """Two engines on one database stand in for two gunicorn workers counting at once."""
    url = str(gateway.extensions["partners"].store.engine.url)
    stores = [PartnerStore(make_engine(url)) for _ in range(2)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(
            pool.map(lambda i: stores[i % 2].increment("key:x:minute", 60, 120), range(100))
        )
    assert sorted(counts) == list(range(1, 101))
