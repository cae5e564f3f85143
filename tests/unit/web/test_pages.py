"""The web pages through the gateway's test client (no browser): headers, CSRF, error
pages, redirects and the small formatting helpers. Browser checks are in tests/browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.web.forms import safe_next
from gateway.web.templating import distance, label, long_date
from services.common.auth import issue_token


@pytest.fixture
def client(platform_app: Flask) -> FlaskClient:
    return platform_app.test_client()


def test_pages_have_a_strict_csp_with_a_fresh_nonce(client: FlaskClient) -> None:
    first, second = client.get("/"), client.get("/")
    csp = first.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    assert f'nonce="{nonce.group(1)}"' in first.get_data(as_text=True)
    assert nonce.group(1) not in second.headers["Content-Security-Policy"]
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["X-Frame-Options"] == "DENY"


def test_form_posts_need_the_pages_csrf_token(client: FlaskClient) -> None:
    same_origin = {"Sec-Fetch-Site": "same-origin"}
    refused = client.post("/register", data={"name": "Ann"}, headers=same_origin)
    assert refused.status_code == 400
    assert refused.mimetype == "text/html"
    assert "This form has expired" in refused.get_data(as_text=True)
    page = client.get("/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answered = client.post("/register", data={"csrf_token": token.group(1)}, headers=same_origin)
    assert answered.status_code == 200  # the form again, with the API's messages
    body = answered.get_data(as_text=True)
    assert "There is a problem" in body and 'href="#email"' in body


def test_pages_get_error_pages_and_the_api_keeps_problems(client: FlaskClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


def test_signed_in_pages_send_visitors_to_sign_in_and_back(client: FlaskClient) -> None:
    response = client.get("/account/applications")
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=/account/applications"


def test_a_bearer_token_also_signs_a_page_in(platform_app: Flask, client: FlaskClient) -> None:
    token = issue_token(platform_app.config["VMP_AUTH_SECRET"], "someone")
    page = client.get("/account/applications", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200
    assert "You have not applied for any roles yet" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/opportunities/1/apply", "/opportunities/1/apply"),
        ("https://evil.example/", ""),
        ("//evil.example/", ""),
        ("/\\evil.example", ""),
        (None, ""),
        ("search", ""),
    ],
)
def test_only_local_paths_are_returned_to_after_sign_in(given: str | None, kept: str) -> None:
    assert safe_next(given) == kept


def test_plain_english_formats() -> None:
    assert long_date("2027-01-31") == "31 January 2027"
    assert long_date(dt.date(2026, 11, 3)) == "3 November 2026"
    assert long_date(None) == ""
    assert distance(1.609344) == "1.0 mile away"
    assert distance(5.0) == "3.1 miles away"
    assert distance(40.0) == "25 miles away"
    assert distance(0.05) == "less than 0.1 miles away"
    assert label("OlderPeople", "causes") == "Older People"
    assert label("regular", "commitment") == "Regular"
    assert label("NotACode", "causes") == "NotACode"


def test_the_verification_page_passes_its_token_to_no_other_site(client: FlaskClient) -> None:
    page = client.get("/account/verify?token=abc")
    assert page.status_code == 400
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "This link did not work" in page.get_data(as_text=True)
