"""The web session cookie, turned into a verified identity at the gateway.

Web pages (and scripts on them) carry the ``vmp_session`` cookie, not a bearer token. For a
call with the cookie and no ``Authorization`` header, the gateway asks the volunteers
service (which owns sessions) for an access token, as ``POST /api/v1/auth/refresh`` would,
and forwards the call with ``Authorization: Bearer`` set: every service keeps verifying one
kind of credential, a signed token, and never sees the cookie's secret used as one.

Tokens are cached per cookie for ``ttl_s`` (keyed by a hash, so no secret sits in memory
as a key); signing out through the gateway drops the entry, and other workers' entries end
within ``ttl_s``. A cookie-authenticated write must come from the platform's own pages
(``Sec-Fetch-Site``/``Origin``): with SameSite=Lax browsers already withhold the cookie from
cross-site posts, and this ignores the cookie on the rest (older browsers, same-site
subdomains): such a write goes on anonymously.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from cachetools import TTLCache
from flask import Flask, current_app, g, json, request
from werkzeug.wrappers import Response

from services.common.auth import verify_token

SESSION_COOKIE = "vmp_session"  # the volunteers service sets it (services/volunteers/api/auth)
REFRESH_PATH = "/api/v1/auth/refresh"
# Sign-in, refresh and sign-out handle the cookie themselves.
OWN_COOKIE_PATHS = ("/api/v1/auth/",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Forward = Callable[[str, Mapping[str, Any]], Any]  # (path, environ) -> werkzeug Response


class SessionTokens:
    def __init__(self, forward: Forward, ttl_s: float = 30.0, maxsize: int = 10_000) -> None:
        self._forward = forward
        self._cache: TTLCache[str, str] = TTLCache(maxsize=maxsize, ttl=ttl_s)
        self._lock = threading.Lock()  # TTLCache is not thread-safe; gunicorn runs threads

    def token_for(self, cookie: str) -> str | None:
        """A fresh access token for the session behind ``cookie``; None if it has ended."""
        key = _digest(cookie)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        response = self._forward(REFRESH_PATH, _refresh_environ(cookie))
        if response.status_code != 200:
            return None
        token = str(json.loads(response.get_data())["access_token"])
        with self._lock:
            self._cache[key] = token
        return token

    def forget(self, cookie: str) -> None:
        with self._lock:
            self._cache.pop(_digest(cookie), None)


def _digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def _refresh_environ(cookie: str) -> dict[str, str]:
    return {
        "REQUEST_METHOD": "POST",
        "QUERY_STRING": "",
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "gateway",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_COOKIE": f"{SESSION_COOKIE}={cookie}",
    }


def install_sessions(app: Flask, tokens: SessionTokens) -> None:
    app.extensions["sessions"] = tokens
    app.before_request(_identify)
    app.after_request(_forget_ended)


def sessions() -> SessionTokens:
    found: SessionTokens = current_app.extensions["sessions"]
    return found


def _identify() -> None:
    """Turn the cookie into ``g.principal`` (for the gateway's own views) and
    ``g.session_token`` (forwarded to the services)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not uses_cookie(request.path, request.headers.get("Authorization"), cookie):
        return
    own = {request.host_url.rstrip("/"), current_app.config["VMP"].public_url}
    if not from_own_pages(request.method, request.environ, own):
        # Not refused: the write goes on without the sign-in, so what needs no account (a
        # one-click unsubscribe from a mail client) still works and the rest answers 401.
        return
    token = sessions().token_for(cookie or "")
    if token is not None:
        g.session_token = token
        g.principal = verify_token(current_app.config["VMP_AUTH_SECRET"], token)


def _forget_ended(response: Response) -> Response:
    """Sign-out or erasure deleted the cookie: stop using its cached token at once."""
    cookie = request.cookies.get(SESSION_COOKIE)
    ended = any(
        value.startswith((f"{SESSION_COOKIE}=;", f'{SESSION_COOKIE}="";'))
        for value in response.headers.getlist("Set-Cookie")
    )
    if cookie and ended:
        sessions().forget(cookie)
    return response


def forwarded_identity(environ: dict[str, Any], path: str) -> None:
    """What the services get: ``Authorization: Bearer`` for a cookie's session, and no
    cookies, except on the sign-in paths, which manage the cookie themselves."""
    token = g.get("session_token")
    if token is not None:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if not any(path.startswith(p) for p in OWN_COOKIE_PATHS):
        environ.pop("HTTP_COOKIE", None)


def uses_cookie(path: str, authorization: str | None, cookie: str | None) -> bool:
    """Should this call be authenticated by its session cookie?"""
    if not cookie or authorization:
        return False
    return not any(path.startswith(p) for p in OWN_COOKIE_PATHS)


def from_own_pages(method: str, environ: Mapping[str, Any], own_origins: set[str]) -> bool:
    """May a write use the cookie? Only if it came from the platform's own pages."""
    if method in SAFE_METHODS:
        return True
    fetch_site = environ.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}  # "none": typed or bookmarked
    origin = environ.get("HTTP_ORIGIN") or _origin_of(environ.get("HTTP_REFERER", ""))
    return origin in own_origins


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
