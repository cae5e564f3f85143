"""The web session cookie becomes a verified identity at the gateway.

The gateway swaps the cookie for an access token from the volunteers service and forwards
``Authorization: Bearer``; services never see the cookie. Writes on the cookie alone must
come from the platform's own pages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.wrappers import Response

from gateway.app import create_gateway_app
from gateway.transport import InProcessTransport
from services.common.auth import issue_token, verify_token
from services.common.config import Config
from services.common.service import runtime_of
from services.volunteers.domain.passwords import Passwords
from tests.unit.volunteers.test_accounts_support import FAST, PASSWORD

EMAIL = "sam.cookie@example.org"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


class Recording:
    """The real in-process services behind a recorder of what each one was sent."""

    def __init__(self, inner: InProcessTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def forward(self, service: str, path: str, environ: Mapping[str, Any], body: bytes) -> Response:
        self.sent.append((service, path, dict(environ)))
        return self.inner.forward(service, path, environ, body)


@pytest.fixture
def recording(platform_app: Flask) -> Recording:
    apps = platform_app.extensions["platform"].apps
    runtime_of(apps["volunteers"]).extensions["passwords"] = Passwords(FAST)
    return Recording(InProcessTransport(apps))


@pytest.fixture
def gateway(embedded_config: Config, recording: Recording) -> Flask:
    return create_gateway_app(embedded_config, recording)


@pytest.fixture
def signed_in(gateway: Flask) -> Iterator[tuple[FlaskClient, str]]:
    client = gateway.test_client()
    body = {"email": EMAIL, "password": PASSWORD, "name": "Sam", "account_type": "volunteer"}
    account = client.post("/api/v1/auth/register", json=body).get_json()["id"]
    response = client.post("/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get_cookie("vmp_session") is not None
    yield client, account


def test_the_cookie_alone_identifies_the_caller(signed_in: tuple[FlaskClient, str]) -> None:
    client, account = signed_in
    response = client.get("/api/v1/me/account")
    assert response.status_code == 200
    assert response.get_json()["id"] == account


def test_without_the_cookie_the_caller_is_anonymous(gateway: Flask) -> None:
    assert gateway.test_client().get("/api/v1/me/account").status_code == 401


def test_services_get_a_token_and_never_the_cookie(
    signed_in: tuple[FlaskClient, str], recording: Recording, gateway: Flask
) -> None:
    client, account = signed_in
    recording.sent.clear()
    client.get("/api/v1/me/account", headers={"Cookie": "theme=dark"})
    forwarded = [env for _, path, env in recording.sent if path == "/api/v1/me/account"]
    assert len(forwarded) == 1
    assert "HTTP_COOKIE" not in forwarded[0]
    scheme, _, token = forwarded[0]["HTTP_AUTHORIZATION"].partition(" ")
    assert scheme == "Bearer"
    assert verify_token(gateway.config["VMP_AUTH_SECRET"], token).account_id == account


def test_the_token_is_reused_within_its_cache_time(
    signed_in: tuple[FlaskClient, str], recording: Recording
) -> None:
    client, _ = signed_in
    recording.sent.clear()
    for _ in range(3):
        assert client.get("/api/v1/me/account").status_code == 200
    refreshes = [p for _, p, _ in recording.sent if p == "/api/v1/auth/refresh"]
    assert len(refreshes) == 1


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),  # no Origin, Referer or Sec-Fetch-Site: cannot tell where it came from
        ({"Sec-Fetch-Site": "cross-site"}, 401),
        ({"Sec-Fetch-Site": "same-site"}, 401),  # another subdomain of the same site
        ({"Origin": "https://evil.example"}, 401),
        ({"Referer": "https://evil.example/page"}, 401),
        ({"Sec-Fetch-Site": "same-origin"}, 200),
        ({"Origin": "http://localhost"}, 200),  # the test client's own origin
        ({"Referer": "http://localhost/account/profile"}, 200),
    ],
)
def test_writes_on_the_cookie_must_come_from_own_pages(
    signed_in: tuple[FlaskClient, str], headers: dict[str, str], status: int
) -> None:
    client, _ = signed_in
    response = client.patch("/api/v1/me/profile", json={"postcode": "LS1 4DY"}, headers=headers)
    assert response.status_code == status, response.get_json()
    if status == 401:  # the write went on without the sign-in, so the API asks for one
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"] == "Sign in to do this."


def test_a_bearer_token_is_used_as_sent(signed_in: tuple[FlaskClient, str], gateway: Flask) -> None:
    client, _ = signed_in
    other = issue_token(gateway.config["VMP_AUTH_SECRET"], "someone-else")
    headers = {"Authorization": f"Bearer {other}"}
    response = client.get("/api/v1/me/account", headers=headers)
    assert response.status_code == 404  # someone-else has no account: not the cookie's
    # A bearer-token write needs no same-origin check: cookies are not what authorise it.
    assert client.patch("/api/v1/me/profile", json={}, headers=headers).status_code != 403


def test_signing_out_ends_the_cookie_at_once(signed_in: tuple[FlaskClient, str]) -> None:
    client, _ = signed_in
    cookie = client.get_cookie("vmp_session")
    assert cookie is not None
    assert client.get("/api/v1/me/account").status_code == 200  # token now cached
    assert client.post("/api/v1/auth/logout", headers=SAME_ORIGIN).status_code == 204
    client.set_cookie("vmp_session", cookie.value)  # a copy kept by someone
    assert client.get("/api/v1/me/account").status_code == 401


def test_the_gateways_own_views_see_the_cookies_identity(
    signed_in: tuple[FlaskClient, str],
) -> None:
    client, account = signed_in
    response = client.get("/api/v1/me/export")
    assert response.status_code == 200
    assert response.get_json()["volunteers"]["account"]["id"] == account
