"""Security headers on every gateway answer (the web pages add their own CSP on top).

- ``X-Content-Type-Options: nosniff`` everywhere: no answer is ever sniffed into HTML.
- API and other non-page answers: ``Content-Security-Policy: default-src 'none';
  frame-ancestors 'none'``: JSON, feeds and files are data, never a document to run or frame.
- ``Strict-Transport-Security`` when the request came over HTTPS. Behind a TLS-terminating
  proxy set ``VMP_PROXY_HOPS`` (how many proxies append X-Forwarded-*) so werkzeug's
  ProxyFix makes ``request.is_secure`` (and the client address) true to the visitor.
"""

from __future__ import annotations

import os

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

HSTS = "max-age=31536000; includeSubDomains"
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"


def install_security_headers(app: Flask) -> None:
    hops = int(os.environ.get("VMP_PROXY_HOPS", "0"))
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    app.after_request(_headers)


def _headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if "Content-Security-Policy" not in response.headers and response.mimetype != "text/html":
        response.headers["Content-Security-Policy"] = DATA_CSP
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
