"""GET /api/v1/me/export: the gateway gathers every service's part, in-process (embedded) and
over HTTP (scaled), with the same answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from gateway.app import create_gateway_app
from gateway.export import EXPORT_PARTS, NOTHING_HELD
from gateway.routing import SERVICES, resolve_api
from gateway.transport import HttpTransport
from services.common.auth import issue_token
from services.common.config import Config
from services.common.service import runtime_of
from services.volunteers.domain.passwords import Passwords
from tests.unit.hostile.conformance import assert_documented
from tests.unit.volunteers.test_accounts_support import FAST, PASSWORD

EMAIL, NAME = "ada.export@example.org", "Ada Export"


class Person:
    """A registered volunteer, signed in, who also owns an organisation."""

    def __init__(self, app: Flask) -> None:
        self.app, self.client = app, app.test_client()
        apps = app.extensions["platform"].apps
        runtime_of(apps["volunteers"]).extensions["passwords"] = Passwords(FAST)
        body = {"email": EMAIL, "password": PASSWORD, "name": NAME, "account_type": "volunteer"}
        self.id = self.client.post("/api/v1/auth/register", json=body).get_json()["id"]
        signed_in = self.client.post(
            "/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD}
        )
        self.headers = {"Authorization": f"Bearer {signed_in.get_json()['access_token']}"}
        token = issue_token(app.config["VMP_AUTH_SECRET"], self.id)  # verified, for this call
        organisation = {"name": "Ada's Allotments", "type": "community_group"}
        created = self.client.post(
            "/api/v1/organisations", json=organisation, headers={"Authorization": f"Bearer {token}"}
        )
        assert created.status_code == 201, created.get_json()
        self.org = created.get_json()["id"]


def _without_time(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "exported_at"}


def test_the_export_has_a_part_per_service(platform_app: Flask) -> None:
    person = Person(platform_app)
    response = platform_app.test_client().get("/api/v1/me/export", headers=person.headers)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-data.json"'
    body = response.get_json()
    assert set(body) == {"exported_at", *SERVICES}
    assert body["volunteers"]["account"]["email"] == EMAIL
    assert body["volunteers"]["account"]["name"] == NAME
    assert body["opportunities"]["memberships"] == [
        {"organisation_id": person.org, "organisation_name": "Ada's Allotments", "role": "owner"}
    ]
    assert body["search"] == {}
    assert body["availability"]["micro_volunteering"] == []  # nothing set up yet
    assert body["availability"]["time_credits"]["account"] is None


def test_the_export_needs_a_token_and_passes_the_refusal_on(platform_app: Flask) -> None:
    response = platform_app.test_client().get("/api/v1/me/export")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["detail"] == "Sign in to do this."
    forged = {"Authorization": "Bearer not-a-token"}
    assert platform_app.test_client().get("/api/v1/me/export", headers=forged).status_code == 401


def test_a_refusal_passed_on_is_documented(platform_app: Flask) -> None:
    # Found by schemathesis: a token for an account that is not there (say, erased) gets the
    # volunteers service's 404, which the document did not allow for.
    token = issue_token(platform_app.config["VMP_AUTH_SECRET"], "no-such-account")
    headers = {"Authorization": f"Bearer {token}"}
    response = platform_app.test_client().get("/api/v1/me/export", headers=headers)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert_documented(platform_app, "GET", "/api/v1/me/export", response)


def test_every_service_either_exports_or_holds_nothing_about_people() -> None:
    assert set(EXPORT_PARTS) | set(NOTHING_HELD) == set(SERVICES)
    assert not set(EXPORT_PARTS) & set(NOTHING_HELD)
    for service, path in EXPORT_PARTS.items():
        target = resolve_api(path)  # each part is reachable on its own through the gateway
        assert target is not None and target.service == service


def test_the_merged_openapi_documents_the_export(platform_app: Flask) -> None:
    paths = platform_app.test_client().get("/openapi.json").get_json()["paths"]
    assert {"/api/v1/me/export", "/api/v1/me/export/volunteers",
            "/api/v1/me/export/opportunities", "/api/v1/me"} <= set(paths)  # fmt: skip
    assert "delete" in paths["/api/v1/me"]


@contextmanager
def served(apps: dict[str, Flask]) -> Iterator[dict[str, str]]:
    """Each app behind its own HTTP server on a free local port, as at scale."""
    servers = {name: make_server("127.0.0.1", 0, app, threaded=True) for name, app in apps.items()}
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers.values()]
    for thread in threads:
        thread.start()
    try:
        yield {name: f"http://127.0.0.1:{s.server_port}" for name, s in servers.items()}
    finally:
        for server in servers.values():
            server.shutdown()


@pytest.mark.parametrize("signed_in", [True, False])
def test_scaled_mode_gathers_the_same_export_over_http(
    platform_app: Flask, embedded_config: Config, signed_in: bool
) -> None:
    person = Person(platform_app)
    headers = person.headers if signed_in else {}
    embedded = platform_app.test_client().get("/api/v1/me/export", headers=headers)
    with served(platform_app.extensions["platform"].apps) as urls:
        gateway = create_gateway_app(embedded_config, HttpTransport(urls))
        scaled = gateway.test_client().get("/api/v1/me/export", headers=headers)
    assert scaled.status_code == embedded.status_code == (200 if signed_in else 401)
    if signed_in:
        assert _without_time(scaled.get_json()) == _without_time(embedded.get_json())
    else:
        assert scaled.get_json()["detail"] == embedded.get_json()["detail"]
