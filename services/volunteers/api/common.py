"""Helpers the volunteers resource modules share: runtime, JSON in and out (from
``services.common.api``), form bodies and the client address."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from flask import Response, current_app, request

from services.common.api import json_body, json_response, load, runtime
from services.common.config import SCALED

__all__ = [
    "client_ip",
    "form_or_json",
    "iso_utc",
    "json_body",
    "json_response",
    "load",
    "runtime",
]


def iso_utc(moment: dt.datetime) -> str:
    """An RFC 3339 timestamp with its offset. SQLite hands back naive datetimes for values
    stored in UTC, and a timestamp without an offset is not a ``date-time`` in the OpenAPI
    document (nor unambiguous to a client)."""
    aware = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return aware.isoformat()


def form_or_json() -> Any:
    """An HTML form's fields, or the JSON body."""
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form.to_dict()
    return json_body()


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
