"""How pages call the public API: in-process or over HTTP through the gateway's transport,
as the signed-in visitor (their session's access token), never with more rights."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import current_app, g, request

from gateway.routing import resolve_api
from gateway.transport import Transport

Query = dict[str, Any] | list[tuple[str, Any]]


@dataclass
class Answer:
    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def errors(self) -> dict[str, str]:
        """A problem's field messages, the first for each field."""
        found = (self.body or {}).get("errors", {}) if isinstance(self.body, dict) else {}
        return {name: messages[0] for name, messages in found.items() if messages}

    @property
    def detail(self) -> str:
        return str((self.body or {}).get("detail", "")) if isinstance(self.body, dict) else ""


class WebApi:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def call(
        self, method: str, path: str, *, query: Query | None = None, body: Any = None,
        token: str | None = None, cookie: str | None = None,
    ) -> Answer:  # fmt: skip
        target = resolve_api(path)
        assert target is not None, f"no service answers {path}"
        data = b"" if body is None else json.dumps(body).encode()
        environ = _environ(method, path, query, data)
        token = token or g.get("session_token") or _bearer()
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        response = self.transport.forward(target.service, path, environ, data)
        raw = response.get_data()
        parsed = json.loads(raw) if raw and (response.mimetype or "").endswith("json") else None
        return Answer(response.status_code, parsed, list(response.headers.items()))

    def get(self, path: str, query: Query | None = None) -> Answer:
        return self.call("GET", path, query=query)


def api() -> WebApi:
    found: WebApi = current_app.extensions["web_api"]
    return found


def _bearer() -> str | None:
    """A bearer token the page request itself carried (tools and tests; browsers use the
    cookie). Browsers never add this header on their own, so it needs no CSRF check."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _environ(method: str, path: str, query: Query | None, data: bytes) -> dict[str, Any]:
    pairs = list(query.items()) if isinstance(query, dict) else list(query or [])
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": urlencode([(k, v) for k, v in pairs if v not in (None, "")]),
        "CONTENT_TYPE": "application/json" if data else "",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": request.scheme,
        "SERVER_NAME": "gateway",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": request.remote_addr or "",
        # The visitor's address, so sign-in limits count per person, not per gateway.
        "HTTP_X_FORWARDED_FOR": request.remote_addr or "",
        "HTTP_X_REQUEST_ID": g.get("request_id", ""),
    }
