"""Error pages for the web pages; API paths keep their problem+json answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from services.common.problems import Problem

log = logging.getLogger(__name__)
PAGES = {
    400: ("There is a problem with this request", "Go back, reload the page and try again."),
    403: ("You cannot see this page", "Your account does not have access to it."),
    404: ("Page not found", "If you typed the web address, check it is correct. "
          "If you followed a link, the page may have been removed."),
    405: ("Page not found", "There is no page at this address."),
}  # fmt: skip
SORRY = ("Sorry, there is a problem with the service", "Try again later.")
CSRF = ("This form has expired", "Go back, reload the page and send the form again.")


def install_error_pages(app: Flask, is_page: Callable[[str], bool]) -> None:
    spec = app.error_handler_spec[None][None]
    original = {cls: spec[cls] for cls in (Problem, HTTPException, Exception) if cls in spec}

    def choose(cls: type[Exception]) -> Callable[[Any], Any]:
        def handle(exc: Any) -> Any:
            if not is_page(request.path):
                return original[cls](exc)
            return _page(exc)

        return handle

    for cls in original:
        app.register_error_handler(cls, choose(cls))


def _page(exc: Exception) -> tuple[str, int]:
    if isinstance(exc, CSRFError):
        title, detail, status = *CSRF, 400
    elif isinstance(exc, HTTPException | Problem):
        status = (exc.code if isinstance(exc, HTTPException) else exc.status) or 500
        title, detail = PAGES.get(status, SORRY)
    else:
        log.exception("unhandled error on a page", extra={"path": request.path})
        title, detail, status = *SORRY, 500
    return render_template("error.html", title=title, detail=detail), status
