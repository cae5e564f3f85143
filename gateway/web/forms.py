"""Turning the API's answers into what a page shows: field errors with links, or the
page's content (any other failure becomes the matching error page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from flask import abort, redirect, request
from werkzeug.wrappers import Response

from gateway.web.api import Answer
from gateway.web.templating import signed_in_principal


def error_list(errors: Mapping[str, str], field_ids: Mapping[str, str]) -> list[dict[str, str]]:
    """The error summary's items, each linking to its field (``#id``)."""
    return [
        {"text": message, "href": f"#{field_ids.get(name, name)}"}
        for name, message in errors.items()
    ]


def page(answer: Answer) -> Any:
    """The answer's body, or the error page for its status (404, 403, 401...)."""
    if not answer.ok:
        abort(answer.status if answer.status in {401, 403, 404, 409, 410} else 502)
    return answer.body


def safe_next(value: str | None) -> str:
    """A path on this site to go back to after signing in, never another site's URL."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    return value


def sign_in_first() -> Response | None:
    """For pages that need an account: a redirect to sign in (and back), or None."""
    if signed_in_principal() is None:
        return redirect(f"/sign-in?next={quote(request.full_path.rstrip('?'))}", 303)
    return None
