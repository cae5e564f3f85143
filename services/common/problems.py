"""RFC 9457 problem details for every error a service or the gateway returns.

One module so that 404s, 405s, validation failures and crashes all look the same to a
partner's client: ``application/problem+json`` with ``type``, ``title``, ``status``,
``detail`` and, for bad input, ``errors`` naming each field.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask, Response, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from services.common.errors import is_transient
from services.common.validation import InvalidInput

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://volunteer-platform.example/problems/"
log = logging.getLogger(__name__)


class Problem(Exception):
    """An error a handler raises on purpose; rendered as problem+json."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type_: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type_ or TYPE_BASE + _slug(title)
        self.errors = {k: list(v) for k, v in (errors or {}).items()}
        self.headers = dict(headers or {})
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def validation_problem(errors: Mapping[str, Sequence[str]], detail: str | None = None) -> Problem:
    fields = ", ".join(sorted(errors))
    return Problem(
        422,
        "Invalid request",
        detail or f"Check these fields: {fields}.",
        type_=TYPE_BASE + "validation",
        errors=errors,
    )


def problem_response(problem: Problem) -> Response:
    resp = Response(json.dumps(problem.to_dict()), status=problem.status)
    resp.headers["Content-Type"] = PROBLEM_MEDIA_TYPE
    for key, value in problem.headers.items():
        resp.headers[key] = value
    return resp


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow nests errors by field, list items under integer keys; partners want one
    flat map of JSON paths (``locations[0].postcode``)."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            flat.update(flatten_errors(value, _join(prefix, key)))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_body"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, _join(prefix, index)))
    else:
        flat[prefix or "_body"] = [str(messages)]
    return flat


def _join(prefix: str, key: object) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def register_problem_handlers(app: Flask) -> None:
    """Make every error path of ``app`` answer problem+json, 404/405/500 included."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(exc)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Response:
        return problem_response(validation_problem(flatten_errors(exc.messages)))

    @app.errorhandler(InvalidInput)
    def _invalid(exc: InvalidInput) -> Response:
        return problem_response(validation_problem(exc.errors))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        problem = Problem(status, exc.name, _http_detail(exc), headers=_allow_header(exc))
        return problem_response(problem)

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> Response:
        if is_transient(exc):
            # A dependency down (a database restart): an outage to retry, not a bug.
            log.warning("dependency unavailable", extra={"path": request.path})
            return problem_response(
                Problem(
                    503,
                    "Service Unavailable",
                    "A service this request needs is not answering. Try again in a few seconds.",
                    headers={"Retry-After": "5"},
                )
            )
        # The traceback goes to the log; the client gets no internals (they may hold data).
        log.exception("unhandled error", extra={"path": request.path})
        return problem_response(
            Problem(500, "Internal Server Error", "Something went wrong. It has been logged.")
        )


def _http_detail(exc: HTTPException) -> str:
    if exc.code == 404:
        return f"There is nothing at {request.path}."
    if exc.code == 405:
        return f"{request.method} is not allowed on {request.path}."
    if exc.code == 413:
        return "The request body is too large."
    return exc.description or exc.name


def _allow_header(exc: HTTPException) -> dict[str, str]:
    valid = getattr(exc, "valid_methods", None)
    return {"Allow": ", ".join(valid)} if valid else {}


def _slug(title: str) -> str:
    return "-".join(title.lower().split())
