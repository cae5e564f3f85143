"""The web pages: server-rendered (Flask + Jinja, GOV.UK Frontend components), in the
gateway, over the same public API partners use.

Every core journey works without JavaScript: pages are plain links and forms posting back
to the gateway; GOV.UK Frontend's scripts only enhance them. Pages call the services through
``WebApi`` with the visitor's verified identity (from the session cookie), so they can do
nothing the API would not let that person do.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from flask import Blueprint, Flask, g, request
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.wrappers import Response

from gateway.transport import Transport
from gateway.web.api import WebApi
from gateway.web.errors import install_error_pages
from gateway.web.pages import account, applications, centres, micro, organisations, profile, search
from gateway.web.templating import install_filters
from services.common.config import Config

HERE = Path(__file__).parent
# Pages and their forms; API paths keep bearer tokens, API keys and problem+json.
NOT_PAGES = ("/api/", "/partner/", "/feeds/", "/embed/", "/services/", "/dev/", "/assets/")
# No inline script or style: the one inline script (GOV.UK Frontend's js-enabled class)
# carries this request's nonce.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def install_web(app: Flask, config: Config, transport: Transport) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(HERE / "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    install_filters(app)
    # Flask's signed session cookie carries only the CSRF token; its key is derived from
    # the platform secret so every gateway worker agrees without another setting.
    secret = app.config["VMP_AUTH_SECRET"].encode()
    app.secret_key = hmac.new(secret, b"web-session", hashlib.sha256).hexdigest()
    app.config.update(
        SESSION_COOKIE_NAME="vmp_web",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.production,
        WTF_CSRF_CHECK_DEFAULT=False,  # pages only: the API has its own protections
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over lunch still posts
        WTF_CSRF_SSL_STRICT=config.production,
    )
    csrf = CSRFProtect(app)
    app.extensions["web_api"] = WebApi(transport)
    name = config.extra.get("site_name") or os.environ.get("VMP_SITE_NAME")
    app.extensions["site"] = {"name": name or "Volunteer Near You"}
    static = Blueprint(
        "web_static", __name__, static_folder=HERE / "static", static_url_path="/assets"
    )
    app.register_blueprint(static)

    pages = (search.bp, account.bp, applications.bp, organisations.bp, micro.bp, profile.bp,
             centres.bp)  # fmt: skip
    names = {bp.name for bp in pages}

    def csrf_guard() -> None:
        if request.blueprint in names and request.method not in {"GET", "HEAD", "OPTIONS"}:
            csrf.protect()

    app.before_request(csrf_guard)
    for blueprint in pages:
        app.register_blueprint(blueprint)
    app.before_request(_nonce)
    app.after_request(_page_headers)
    install_error_pages(app, is_page)


OPS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json", "/opensearch.xml"})


def is_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES) and path not in OPS


def _nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def _page_headers(response: Response) -> Response:
    if not is_page(request.path) and not request.path.startswith("/assets/"):
        return response
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CSP.format(nonce=g.get("csp_nonce", ""))
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
    return response
