"""The gateway: one entry for the public API (and, later, the web pages).

It routes ``/api/v1/...`` to the owning service through a ``Transport`` (in-process in
embedded mode, HTTP at scale), carries the request id through, and serves the platform's
health, readiness and a merged OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, g, json, request
from werkzeug.wrappers import Response

from gateway.apidocs import apidocs_blueprint
from gateway.devmail import devmail_blueprint
from gateway.embed import embed_blueprint
from gateway.export import OPERATION as EXPORT_OPERATION
from gateway.export import export_blueprint
from gateway.partners.enforce import without_credentials
from gateway.partners.setup import install_partners
from gateway.routing import SERVICES, resolve_api, resolve_ops, resolve_public
from gateway.security import install_security_headers
from gateway.sessions import SessionTokens, forwarded_identity, install_sessions
from gateway.transport import Transport
from gateway.web import install_web
from services.common.config import Config
from services.common.http import create_service_app
from services.common.openapi import build_openapi
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
            apidocs_blueprint(lambda: merged_openapi(transport, current_app)),
        ],
        readiness={name: _service_ready(transport, name) for name in SERVICES},
        title="Volunteering platform API",
        extensions={"transport": transport},
        openapi=lambda app: merged_openapi(transport, app),
    )
    install_partners(app, config)
    install_sessions(
        app, SessionTokens(lambda path, env: transport.forward("volunteers", path, env, b""))
    )
    install_web(app, config, transport)
    install_security_headers(app)
    return app


def _forward(transport: Transport, service: str, path: str) -> Response:
    # Keys stop here: services never see them, log them or echo them into feed links.
    environ = without_credentials(dict(request.environ))
    environ["HTTP_X_REQUEST_ID"] = g.request_id
    forwarded_identity(environ, path)
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


def merged_openapi(transport: Transport, gateway: Flask) -> dict[str, Any]:
    """One document for the public API: every service's public paths (/api/v1, the feeds,
    OpenSearch) and the gateway's own (partners, the widget, the export)."""
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Volunteering platform API", "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": {}},
    }
    parts = [json.loads(transport.forward(s, "/openapi.json", _internal_get(), b"").get_data())
             for s in SERVICES]  # fmt: skip
    own = build_openapi(gateway, title="gateway")
    own["paths"] = {p: v for p, v in own["paths"].items() if p.startswith(GATEWAY_PUBLIC)}
    for part in [*parts, own]:
        doc["paths"].update({p: v for p, v in part["paths"].items() if _is_public(p)})
        doc["components"]["schemas"].update(part.get("components", {}).get("schemas", {}))
    doc["paths"]["/api/v1/me/export"] = EXPORT_OPERATION  # the gateway's own
    return doc


# The gateway's own public endpoints; its other routes are proxies or operational.
GATEWAY_PUBLIC = ("/partner/v1/", "/embed/v1/")


def _is_public(path: str) -> bool:
    return (
        path.startswith("/api/v1/")
        or path.startswith(GATEWAY_PUBLIC)
        or resolve_public(path) is not None
    )
