"""How the gateway reaches a service: in-process WSGI calls or HTTP.

Both adapters take the incoming request's WSGI environ and return a werkzeug ``Response``,
so the gateway's views do not know which mode they run in.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import quote

import requests
from flask import Flask
from werkzeug.wrappers import Response

from services.common.problems import Problem

# Headers that describe one hop only (RFC 9110 section 7.6.1) are never forwarded.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
}


class Transport(Protocol):
    def forward(self, service: str, path: str, environ: Mapping[str, Any], body: bytes) -> Response:
        """Send the request to ``service`` at ``path``; return its response."""


class InProcessTransport:
    """Embedded mode: every service app lives in this process; call it directly."""

    def __init__(self, apps: Mapping[str, Flask]) -> None:
        self.apps = dict(apps)

    def forward(self, service: str, path: str, environ: Mapping[str, Any], body: bytes) -> Response:
        inner = dict(environ)
        # WSGI carries the path as bytes-as-Latin-1 text; ``path`` is decoded text (an
        # emoji in an id), so it goes back to that form or the service cannot read it.
        inner["PATH_INFO"] = path.encode("utf-8").decode("latin-1")
        inner["SCRIPT_NAME"] = ""
        inner["wsgi.input"] = io.BytesIO(body)
        inner["CONTENT_LENGTH"] = str(len(body))
        return Response.from_app(self.apps[service], inner, buffered=True)


class HttpTransport:
    """Scale-out mode: each service is its own gunicorn process behind a URL."""

    def __init__(self, urls: Mapping[str, str], timeout_s: float = 10.0) -> None:
        self.urls = dict(urls)
        self.timeout_s = timeout_s
        self.session = requests.Session()

    def forward(self, service: str, path: str, environ: Mapping[str, Any], body: bytes) -> Response:
        # Quoted again: a decoded "%3F" or "#" must stay part of the path, not start a
        # query or a fragment at the service.
        url = self.urls[service] + quote(path, safe="/:@!$&'()*+,;=-._~")
        query = environ.get("QUERY_STRING")
        try:
            upstream = self.session.request(
                environ["REQUEST_METHOD"],
                url + ("?" + query if query else ""),
                headers=_request_headers(environ),
                data=body,
                timeout=self.timeout_s,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise Problem(
                503, "Service Unavailable", f"The {service} service is not answering."
            ) from exc
        headers = [(k, v) for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP]
        return Response(upstream.content, status=upstream.status_code, headers=headers)


def _request_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in HOP_BY_HOP
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    headers.pop("Host", None)
    return headers
