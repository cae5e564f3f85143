"""Domain refusals as RFC 9457 problems, for every route of the volunteers service."""

from __future__ import annotations

import math

from flask import Blueprint, Response

from services.common.problems import TYPE_BASE, Problem, problem_response
from services.volunteers.domain.accounts import (
    Conflict,
    DomainError,
    InvalidCredentials,
    NotFound,
    TooManyAttempts,
)

bp = Blueprint("volunteers_errors", __name__)
_STATUS: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "Not Found"),
    Conflict: (409, "Conflict"),
    InvalidCredentials: (401, "Unauthorized"),
    TooManyAttempts: (429, "Too Many Requests"),
}


def to_problem(exc: DomainError) -> Problem:
    status, title = next(
        (value for kind, value in _STATUS.items() if isinstance(exc, kind)), (400, "Bad Request")
    )
    headers = {}
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(math.ceil(exc.retry_after.total_seconds()))
    return Problem(
        status, title, exc.detail, type_=TYPE_BASE + exc.code, headers=headers, **exc.extra
    )


@bp.app_errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    return problem_response(to_problem(exc))
