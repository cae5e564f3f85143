"""Domain refusals as RFC 9457 problems, for every route of the availability service."""

from __future__ import annotations

from flask import Blueprint, Response

from services.availability.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
)
from services.common.problems import TYPE_BASE, Problem, problem_response, validation_problem

bp = Blueprint("availability_errors", __name__)
_STATUS: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "Not Found"),
    Forbidden: (403, "Forbidden"),
    Conflict: (409, "Conflict"),
}


def to_problem(exc: DomainError) -> Problem:
    if isinstance(exc, Invalid):
        return validation_problem(exc.errors)
    status, title = next(
        (value for kind, value in _STATUS.items() if isinstance(exc, kind)), (400, "Bad Request")
    )
    return Problem(status, title, exc.detail, type_=TYPE_BASE + exc.code, **exc.extra)


@bp.app_errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    return problem_response(to_problem(exc))
