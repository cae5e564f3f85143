"""Security headers on the gateway's answers: pages, API, feeds, the widget, errors."""

from __future__ import annotations

import pytest
from flask import Flask


@pytest.mark.parametrize(
    "path", ["/", "/search", "/api/v1/search", "/api/v1/nothing", "/embed/v1/widget.js",
             "/feeds/search.atom", "/openapi.json", "/no-such-page", "/healthz"],
)  # fmt: skip
def test_every_answer_is_nosniff_with_a_csp(platform_app: Flask, path: str) -> None:
    response = platform_app.test_client().get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_data_answers_may_not_run_anything(platform_app: Flask) -> None:
    response = platform_app.test_client().get("/api/v1/search")
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )


def test_hsts_over_https(platform_app: Flask) -> None:
    response = platform_app.test_client().get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
