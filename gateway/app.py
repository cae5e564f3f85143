"""The gateway: one entry for the public API (and, later, the web pages).

It routes ``/api/v1/...`` to the owning service through a ``Transport`` (in-process in
embedded mode, HTTP at scale), carries the request id through, and serves the platform's
health, readiness and a merged OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, g, json, request
from werkzeug.wrappers import Response

from gateway.apidocs import apidocs_blueprint
from gateway.devmail import devmail_blueprint
from gateway.embed import embed_blueprint
from gateway.export import OPERATION as EXPORT_OPERATION
from gateway.export import export_blueprint
from gateway.partners.enforce import without_credentials
from gateway.partners.setup import install_partners
from gateway.routing import SERVICES, resolve_api, resolve_ops, resolve_public
from gateway.transport import Transport
from services.common.config import Config
from services.common.http import create_service_app
from services.common.problems import Problem


def create_gateway_app(config: Config, transport: Transport) -> Flask:
    app = create_service_app(
        name="gateway",
        config=config,
        blueprints=[
            _proxy_blueprint(transport),
            export_blueprint(lambda service, path: _forward(transport, service, path)),
            devmail_blueprint(config),
            embed_blueprint(),
            apidocs_blueprint(lambda: merged_openapi(transport)),
        ],
        readiness={name: _service_ready(transport, name) for name in SERVICES},
        title="Volunteering platform API",
        extensions={"transport": transport},
        openapi=lambda _app: merged_openapi(transport),
    )
    install_partners(app, config)
    return app


def _forward(transport: Transport, service: str, path: str) -> Response:
    # Keys stop here: services never see them, log them or echo them into feed links.
    environ = without_credentials(dict(request.environ))
    environ["HTTP_X_REQUEST_ID"] = g.request_id
    # Services limit sign-in attempts per client address; over HTTP they would otherwise see
    # only the gateway. Appended, so the last entry is the one the gateway itself saw.
    seen = request.remote_addr or ""
    earlier = environ.get("HTTP_X_FORWARDED_FOR", "")
    environ["HTTP_X_FORWARDED_FOR"] = f"{earlier}, {seen}" if earlier else seen
    return transport.forward(service, path, environ, request.get_data(cache=False))


def _proxy_blueprint(transport: Transport) -> Blueprint:
    bp = Blueprint("proxy", __name__)
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    @bp.route("/api/v1/<path:rest>", methods=methods)
    def api(rest: str) -> Response:
        """Forward a public API call to the service that owns its path."""
        target = resolve_api(request.path)
        if target is None:
            raise Problem(404, "Not Found", f"There is nothing at {request.path}.")
        return _forward(transport, target.service, target.path)

    @bp.get("/feeds/<path:rest>")
    @bp.get("/opensearch.xml")
    def public(rest: str = "") -> Response:
        """Feeds and the OpenSearch document, answered by the search service."""
        target = resolve_public(request.path)
        if target is None:
            raise Problem(404, "Not Found", f"There is nothing at {request.path}.")
        return _forward(transport, target.service, target.path)

    @bp.get("/services/<service>/<op>")
    def ops(service: str, op: str) -> Response:
        """A service's own health, readiness, metrics or OpenAPI document."""
        target = resolve_ops(service, op)
        if target is None:
            raise Problem(404, "Not Found", f"There is nothing at {request.path}.")
        return _forward(transport, target.service, target.path)

    return bp


def _internal_get() -> dict[str, str]:
    """A minimal WSGI environ for the gateway's own GETs to a service (no client request)."""
    return {
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": "",
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "gateway",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def _service_ready(transport: Transport, service: str) -> Callable[[], None]:
    def check() -> None:
        response = transport.forward(service, "/readyz", _internal_get(), b"")
        if response.status_code != 200:
            body = json.loads(response.get_data() or b"{}")
            raise RuntimeError(body.get("detail", f"{service} answered {response.status_code}"))

    return check


def merged_openapi(transport: Transport) -> dict[str, Any]:
    """One document for the public API: every service's /api/v1 paths and components."""
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Volunteering platform API", "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": {}},
    }
    for service in SERVICES:
        response = transport.forward(service, "/openapi.json", _internal_get(), b"")
        part = json.loads(response.get_data())
        doc["paths"].update({p: v for p, v in part["paths"].items() if p.startswith("/api/v1/")})
        doc["components"]["schemas"].update(part.get("components", {}).get("schemas", {}))
    doc["paths"]["/api/v1/me/export"] = EXPORT_OPERATION  # the gateway's own
    return doc
