"""Helpers the volunteers resource modules share: runtime, JSON in and out, client address.

(The JSON helpers mirror services/opportunities/api/common.py; they belong in
services/common once a third service needs them.)
"""

from __future__ import annotations

import html
from typing import Any

from flask import Response, current_app, jsonify, request
from marshmallow import Schema, ValidationError

from services.common.config import SCALED
from services.common.envelope import to_jsonable
from services.common.problems import flatten_errors
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput


def runtime() -> ServiceRuntime:
    found: ServiceRuntime = current_app.extensions["runtime"]
    return found


def json_body() -> Any:
    """The request's JSON (400 problem if it is not JSON); an empty body reads as {}."""
    if not request.get_data():
        return {}
    return request.get_json(force=True, silent=False)


def form_or_json() -> Any:
    """An HTML form's fields, or the JSON body."""
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form.to_dict()
    return json_body()


def json_response(body: Any, status: int = 200, location: str | None = None) -> Response:
    """Dates and times as ISO 8601 text, like the events (Flask's default is RFC 822)."""
    response = jsonify(to_jsonable(body))
    response.status_code = status
    if location:
        response.headers["Location"] = location
    return response


def load(schema: Schema, body: Any, **kwargs: Any) -> dict[str, Any]:
    """``schema.load``, its errors keyed by JSON path."""
    try:
        result: dict[str, Any] = schema.load(body, **kwargs)
    except ValidationError as exc:
        raise InvalidInput(flatten_errors(exc.messages)) from exc
    return result


def client_ip() -> str | None:
    """Who is calling, for per-address limits.

    Embedded, the gateway hands the client's own connection through. At scale this service
    sees the gateway, so it takes the last address the proxy in front appended to
    X-Forwarded-For (the first ones are whatever the client claimed).
    """
    forwarded = request.headers.get("X-Forwarded-For", "")
    if current_app.config["VMP"].mode == SCALED and forwarded.strip():
        return forwarded.split(",")[-1].strip()[:45] or None
    return request.remote_addr


def wants_html() -> bool:
    """A browser following a link from an email, rather than an API client."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def html_page(title: str, body: str, status: int = 200) -> Response:
    """A small accessible page; ``body`` is trusted HTML built by the caller."""
    page = (
        '<!doctype html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} - Volunteering platform</title></head>\n"
        f"<body><main><h1>{html.escape(title)}</h1>\n{body}\n</main></body>\n</html>\n"
    )
    response = Response(page, status=status, mimetype="text/html")
    # The address holds a one-time token: never send it on to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; form-action 'self'"
    return response
