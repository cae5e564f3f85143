"""Helpers every service's HTTP handlers share: the runtime, JSON in and out, loading a
marshmallow schema with errors keyed by JSON path (``locations[0].postcode``)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from marshmallow import Schema, ValidationError

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
