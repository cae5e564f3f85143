"""The gateway forwards the feeds and the OpenSearch document to the search service.

The views go through a ``Transport``, so one recording transport shows what both modes
receive: in-process and HTTP transports take the same (service, path, environ) call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.wrappers import Response

from gateway.app import create_gateway_app
from gateway.routing import resolve_api, resolve_public
from services.common.config import Config


class RecordingTransport:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def forward(self, service: str, path: str, environ: Mapping[str, Any], body: bytes) -> Response:
        self.calls.append((service, path, environ.get("QUERY_STRING", "")))
        return Response("<feed/>", content_type="application/atom+xml")


def test_public_routing_table() -> None:
    for path in ("/feeds/search.atom", "/feeds/search.rss", "/feeds/search.json"):
        target = resolve_public(path)
        assert target is not None and (target.service, target.path) == ("search", path)
    target = resolve_public("/opensearch.xml")
    assert target is not None and target.service == "search"
    assert resolve_public("/feedsx") is None
    assert resolve_public("/api/v1/search") is None
    assert resolve_api("/feeds/search.atom") is None  # the API table stays /api/v1 only


def test_the_gateway_forwards_feeds_and_opensearch_with_their_query(
    embedded_config: Config,
) -> None:
    transport = RecordingTransport()
    client = create_gateway_app(embedded_config, transport).test_client()
    assert client.get("/feeds/search.atom?q=garden&postcode=SE1").status_code == 200
    assert client.get("/feeds/search.json").status_code == 200
    assert client.get("/opensearch.xml").status_code == 200
    assert transport.calls == [
        ("search", "/feeds/search.atom", "q=garden&postcode=SE1"),
        ("search", "/feeds/search.json", ""),
        ("search", "/opensearch.xml", ""),
    ]
    assert client.post("/feeds/search.atom").status_code == 405  # read-only


def test_widget_script_is_served_for_other_origins_and_cached(platform_app: Flask) -> None:
    client = platform_app.test_client()
    response = client.get("/embed/v1/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert b"attachShadow" in response.data
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=3600" in response.headers["Cache-Control"]
    again = client.get("/embed/v1/widget.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
