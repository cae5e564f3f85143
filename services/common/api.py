"""Helpers every service's HTTP handlers share: the runtime, JSON in and out, loading a
marshmallow schema with errors keyed by JSON path (``locations[0].postcode``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Response, current_app, jsonify, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from services.common.envelope import to_jsonable
from services.common.problems import TYPE_BASE, Problem, flatten_errors
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput


def runtime() -> ServiceRuntime:
    found: ServiceRuntime = current_app.extensions["runtime"]
    return found


# No body of this API nests beyond a handful of levels; Python's json module recurses per
# level and raises RecursionError (a 500) near 1,000, so deeper bodies are refused unparsed.
MAX_JSON_DEPTH = 32
# A JSON string, escapes included. It always matches (an unterminated string runs to the
# end) and is possessive: a failed match would be retried from every later quote, which on
# a hostile body is quadratic.
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# JSON may escape a UTF-16 surrogate (\ud800) without its pair; Python keeps it in the
# string and only fails when the string is encoded for storage or the wire (a 500).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Bodies the hook never reads as JSON: brackets in form fields are plain text.
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def json_depth(raw: bytes, stop_after: int = MAX_JSON_DEPTH) -> int:
    """How deeply ``raw`` nests arrays and objects (brackets inside strings do not count);
    counting stops once it passes ``stop_after``, so a hostile body costs little."""
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > stop_after:
                break
    return deepest


def check_json_depth(raw: bytes) -> None:
    """A 400 problem, before any parser sees it, when ``raw`` nests too deeply."""
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise Problem(
            400,
            "JSON nested too deeply",
            f"The request body nests arrays or objects more than {MAX_JSON_DEPTH} levels "
            "deep. No field of this API needs that: send a flatter document.",
            type_=TYPE_BASE + "json-too-deep",
        )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def check_unicode(raw: bytes) -> None:
    """A 400 problem when ``raw``'s JSON escapes half a surrogate pair. Only bodies with a
    surrogate escape are parsed here (clients that escape emoji send pairs); the depth is
    already checked, and malformed JSON is left for the handler to report."""
    if not _SURROGATE_ESCAPE.search(raw):
        return
    try:
        parsed = json.loads(raw)
    except ValueError:
        return
    if any(_SURROGATE.search(text) for text in _strings(parsed)):
        raise Problem(
            400,
            "Invalid text",
            "The request body escapes half of a UTF-16 surrogate pair (such as \\ud800), "
            "which is not a character. Send the text as UTF-8.",
            type_=TYPE_BASE + "invalid-text",
        )


def check_body() -> None:
    """``before_request`` hook: every body that could be read as JSON is checked once, so
    handlers that parse it themselves (``get_json(silent=True)``) are covered too."""
    if request.mimetype in FORM_TYPES:
        return
    raw = request.get_data()  # cached: handlers read the same bytes
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    # A streamed (chunked) body has no Content-Length for Werkzeug to refuse up front; it
    # silently cuts the stream at the limit instead, and a cut body might still parse.
    if limit is not None and request.content_length is None and len(raw) >= limit:
        raise RequestEntityTooLarge()
    check_json_depth(raw)
    check_unicode(raw)


def json_body() -> Any:
    """The request's JSON (400 problem if it is not JSON, or nests too deeply); an empty
    body reads as {}. Oversized bodies never get here: Flask answers 413 first."""
    raw = request.get_data()
    if not raw:
        return {}
    if request.mimetype in FORM_TYPES:  # check_body left these alone; it checked the rest
        check_json_depth(raw)
        check_unicode(raw)
    return request.get_json(force=True, silent=False)


def json_response(body: Any, status: int = 200, location: str | None = None) -> Response:
    """Dates and times as ISO 8601 text, like the events (Flask's default is RFC 822)."""
    response = jsonify(to_jsonable(body))
    response.status_code = status
    if location:
        response.headers["Location"] = location
    return response


def load(schema: Schema, body: Any, **kwargs: Any) -> dict[str, Any]:
    """``schema.load``, its errors keyed by JSON path, as a 422 problem."""
    try:
        result: dict[str, Any] = schema.load(body, **kwargs)
    except ValidationError as exc:
        raise InvalidInput(flatten_errors(exc.messages)) from exc
    return result
