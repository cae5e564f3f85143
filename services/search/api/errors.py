"""The index being out of reach is an outage, not a bug: 503 problem+json, at once.

Issue 9: while Elasticsearch (or the embedded index file) is down, searches and feeds
answer quickly with 503 and a Retry-After, never hang and never 500. The adapters turn
connection failures, timeouts and server-side errors into ``IndexUnavailable``.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response

from services.common.problems import TYPE_BASE, Problem, problem_response
from services.search.adapters.index.port import IndexUnavailable

log = logging.getLogger(__name__)
bp = Blueprint("search_errors", __name__)
RETRY_AFTER_S = 5


@bp.app_errorhandler(IndexUnavailable)
def _index_unavailable(exc: IndexUnavailable) -> Response:
    log.warning("search index unavailable", extra={"error": str(exc)})
    return problem_response(
        Problem(
            503,
            "Search is unavailable",
            "Search is not working at the moment. Please try again in a few seconds.",
            type_=TYPE_BASE + "search-unavailable",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    )
