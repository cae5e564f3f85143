"""Injection attempts in every query parameter get a normal answer or a 422, never a 500.

The search API (and its feeds, through the gateway) must answer 200 or a 422 problem; every
other service's GET endpoints, with the parameters their OpenAPI documents declare plus the
few they read undeclared, must not answer 5xx.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from services.common.auth import issue_token
from services.common.service import runtime_of
from services.search.domain.documents import GeoPoint, RoleDocument

PAYLOADS = [
    "' OR 1=1 --",
    '"; DROP TABLE roles; --',
    "x' UNION SELECT password_hash FROM accounts --",
    "NEAR(a b)",
    "a*",
    '"unterminated',
    "title:x",
    "^x",
    "AND OR NOT",
    "(",
    ")",
    "-x",
    "{x}",
    "title:(x OR y)",
    "*",
    "\\",
    "/regex/",
    "a~2",
    "[a TO z]",
    "<>",
    "<script>alert(1)</script>",
    "a\x00b",
    "\x01\x0b\x1f\x7f",
    "\ufffe",
    "x" * 10_000,
    "\u202eevil\u202c",
    "🙂🌱",
    "%",
    "-1",
    "NaN",
    "1e999",
    "99999999999999999999999",
    "2026-02-30",
]
SEARCH_PATHS = ("/api/v1/search", "/api/v1/search/suggest", "/feeds/search.atom",
                "/feeds/search.rss", "/feeds/search.json")  # fmt: skip
PROBLEM = "application/problem+json"
# Read with request.args.get by some handlers without being declared in OpenAPI.
UNDECLARED = ("token", "limit", "organisation_id")
SE1_7AE = GeoPoint(51.50052, -0.113771, "SE1 7AE")
PUBLISHED = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def gateway(shared_platform: Flask) -> Iterator[FlaskClient]:
    """The gateway with one role in the search index."""
    search = runtime_of(shared_platform.extensions["platform"].apps["search"])
    search.extensions["index"].upsert(
        [
            RoleDocument(
                id="garden", title="Community garden", summary="Weeding", description="",
                organisation_id="org-1", organisation_name="Bankside Growers",
                commitment="regular", remote=False, published_at=PUBLISHED,
                updated_at=PUBLISHED, locations=(SE1_7AE,),
            )
        ]
    )  # fmt: skip
    yield shared_platform.test_client()


def _query_params(client: FlaskClient, path: str) -> list[str]:
    doc = client.get("/openapi.json").get_json()
    parameters = doc["paths"][path]["get"].get("parameters", [])
    return [p["name"] for p in parameters if p["in"] == "query"]


def _get(client: FlaskClient, path: str, name: str, value: str, **kw: Any) -> TestResponse:
    response = client.get(f"{path}?{quote(name)}={quote(value)}", **kw)
    response.get_data()  # read a streamed body (open data) to its end, then release it
    response.close()
    return response


def test_every_search_parameter_answers_200_or_a_422_problem(gateway: FlaskClient) -> None:
    declared = _query_params(gateway, "/api/v1/search")
    assert {"q", "postcode", "causes", "skills", "sort", "page", "per_page"} <= set(declared)
    failures = []
    for path in SEARCH_PATHS:
        names = [*_query_params(gateway, path), "utm_source", "not_a_parameter"]
        for name in names:
            for value in PAYLOADS:
                response = _get(gateway, path, name, value)
                ok = response.status_code == 200 or (
                    response.status_code == 422
                    and response.headers["Content-Type"] == PROBLEM
                    and response.get_json()["errors"]
                )
                if not ok:
                    failures.append((path, name, value[:40], response.status_code))
    assert failures == []


@pytest.mark.parametrize(
    "text", ["' OR 1=1 --", '"; DROP TABLE roles; --', "title:(x OR y)", "x' OR 'a'='a"]
)
def test_injected_search_words_widen_nothing_and_drop_nothing(
    gateway: FlaskClient, text: str
) -> None:
    injected = _get(gateway, "/api/v1/search", "q", text)
    assert injected.status_code == 200
    assert injected.get_json()["total"] == 0
    after = gateway.get("/api/v1/search?q=garden").get_json()
    assert [r["id"] for r in after["results"]] == ["garden"]


@pytest.mark.parametrize("path", ["/feeds/search.atom", "/feeds/search.rss", "/api/v1/search"])
@pytest.mark.parametrize("value", ["garden\x00", "\x0b", "a\ufffeb"])
def test_control_characters_in_search_words_are_a_422(
    gateway: FlaskClient, path: str, value: str
) -> None:
    # Regression: XML 1.0 cannot hold these, so the feeds answered 500 echoing them.
    response = _get(gateway, path, "q", value)
    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    assert response.get_json()["errors"] == {
        "q": ["Remove the control characters from this value."]
    }


def test_rtl_marks_and_emoji_are_ordinary_search_words(gateway: FlaskClient) -> None:
    response = _get(gateway, "/api/v1/search", "q", "\u202egarden\u202c 🌱")
    assert [r["id"] for r in response.get_json()["results"]] == ["garden"]


def test_no_service_answers_5xx_to_injected_query_parameters(shared_platform: Flask) -> None:
    failures = []
    checked = 0
    for service, app in shared_platform.extensions["platform"].apps.items():
        client = app.test_client()
        token = issue_token(app.config["VMP_AUTH_SECRET"], "account-1")
        headers = {"Authorization": f"Bearer {token}"}
        for path, operations in client.get("/openapi.json").get_json()["paths"].items():
            if "get" not in operations or path in ("/metrics", "/readyz", "/healthz"):
                continue
            url = re.sub(r"\{[^}]+\}", "x", path)
            declared = operations["get"].get("parameters", [])
            names = [p["name"] for p in declared if p["in"] == "query"]
            for name in dict.fromkeys([*names, *UNDECLARED]):
                for value in PAYLOADS:
                    response = _get(client, url, name, value, headers=headers)
                    checked += 1
                    if response.status_code >= 500:
                        failures.append((service, url, name, value[:40], response.status_code))
    assert checked > 2_000  # every service's list endpoints were reached
    assert failures == []
