"""Deeply nested JSON and oversized bodies are refused early, as problems, by every app.

Python's json module recurses once per level and raises RecursionError (a 500) near 1,000
levels; the apps must answer a plain 400 before any parser sees such a body, and 413 for a
body over ``Config.max_body_bytes`` whether or not it declares its length.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from services.common.api import MAX_JSON_DEPTH, json_depth
from services.common.auth import issue_token

DEEP = b"[" * 5_000 + b"]" * 5_000  # far past the interpreter's recursion limit
PROBLEM = "application/problem+json"
TOO_DEEP = "https://volunteer-platform.example/problems/json-too-deep"


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"", 0),
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'["[[[[", "]]]]", "{{{"]', 1),  # brackets inside strings are text
        (b'["\\"[[[[", "x\\\\", [[]]]', 3),  # escaped quotes do not end a string
        (b'{"a": "unterminated [[[[', 1),
        (b"[" * 100, MAX_JSON_DEPTH + 1),  # counting stops just past the limit
    ],
)
def test_json_depth(raw: bytes, depth: int) -> None:
    assert json_depth(raw) == depth


def test_json_depth_is_linear_on_hostile_strings() -> None:
    # Every quote escaped: a backtracking string pattern would retry from each (quadratic).
    assert json_depth(b'"' + b'a\\"' * 300_000) == 0
    assert json_depth(b'\\"' * 300_000) == 0


def _apps(gateway: Flask) -> Iterator[tuple[str, Flask]]:
    yield "gateway", gateway
    yield from gateway.extensions["platform"].apps.items()


def _body_routes(app: Flask) -> Iterator[tuple[str, str]]:
    """(method, path) of every route that takes a body, its variables filled in."""
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<path:[^>]+>", "organisations", rule.rule)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH"}):
            yield method, path


def _assert_problem(response: TestResponse, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    assert response.headers["Content-Type"] == PROBLEM
    body: dict = response.get_json()
    assert body["status"] == status
    return body


def test_every_body_route_of_every_app_refuses_deep_json(shared_platform: Flask) -> None:
    checked = 0
    for name, app in _apps(shared_platform):
        client = app.test_client()
        for method, path in _body_routes(app):
            response = client.open(path, method=method, data=DEEP, content_type="application/json")
            checked += 1
            if name == "gateway" and response.mimetype == "text/html":
                # The gateway's own web pages answer errors with an HTML page, not a problem.
                assert response.status_code == 400, (method, path)
                continue
            body = _assert_problem(response, 400)
            assert body["type"] == TOO_DEEP, (name, method, path)
            assert "more than 32 levels deep" in body["detail"]
    assert checked > 40  # the gateway's own routes and each service's writes


def test_deep_json_is_refused_whatever_the_content_type(shared_platform: Flask) -> None:
    # json_body() parses any body as JSON (force=True), so the check cannot key on the type.
    client = shared_platform.test_client()
    response = client.post("/api/v1/organisations", data=DEEP, content_type="text/plain")
    assert _assert_problem(response, 400)["type"] == TOO_DEEP


def _signed_in(gateway: Flask) -> dict[str, str]:
    secret = gateway.extensions["platform"].apps["opportunities"].config["VMP_AUTH_SECRET"]
    return {"Authorization": f"Bearer {issue_token(secret, 'account-1')}"}


def _nested(levels: int) -> str:
    """An organisation whose description nests ``levels`` levels in all (the body is one)."""
    inner = "[" * (levels - 1) + "]" * (levels - 1)
    return '{"name": "Canal Volunteers", "type": "community_group", "description": ' + inner + "}"


def test_the_limit_is_32_levels(shared_platform: Flask) -> None:
    client = shared_platform.test_client()
    headers = {**_signed_in(shared_platform), "Content-Type": "application/json"}
    at_limit = client.post("/api/v1/organisations", data=_nested(32), headers=headers)
    past_limit = client.post("/api/v1/organisations", data=_nested(33), headers=headers)
    # At the limit the body is parsed and the schema names the field; past it, never parsed.
    assert set(_assert_problem(at_limit, 422)["errors"]) == {"description"}
    assert _assert_problem(past_limit, 400)["type"] == TOO_DEEP


def test_brackets_in_text_fields_are_not_nesting(shared_platform: Flask) -> None:
    name = "[" * 60 + "Canal {Volunteers}" + "]" * 60
    response = shared_platform.test_client().post(
        "/api/v1/organisations",
        json={"name": name[:120], "type": "community_group"},
        headers=_signed_in(shared_platform),
    )
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/organisations", "POST"),  # json_body()
        ("/api/v1/me/profile", "PATCH"),  # reads get_json(silent=True) itself
    ],
)
def test_half_a_surrogate_pair_is_a_400_not_a_500(
    shared_platform: Flask, path: str, method: str
) -> None:
    # Regression: "\ud800" parsed into a Python string that could not be stored (a 500).
    body = '{"name": "Canal \\ud800 Volunteers", "type": "charity", "phone": "\\udc00"}'
    response = shared_platform.test_client().open(
        path, method=method, data=body, headers=_signed_in(shared_platform),
        content_type="application/json",
    )  # fmt: skip
    problem = _assert_problem(response, 400)
    assert problem["type"] == "https://volunteer-platform.example/problems/invalid-text"


def test_escaped_surrogate_pairs_are_ordinary_text(shared_platform: Flask) -> None:
    # Python's json.dumps (ensure_ascii) sends emoji this way; an escaped backslash before
    # "ud800" is plain text too.
    body = '{"name": "Seedlings \\ud83c\\udf31 \\\\ud800", "type": "community_group"}'
    response = shared_platform.test_client().post(
        "/api/v1/organisations", data=body, headers=_signed_in(shared_platform),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "Seedlings \U0001f331 \\ud800"


def test_form_posts_are_not_read_as_json(shared_platform: Flask) -> None:
    # A web form's field may hold brackets; the gateway's pages must not see a JSON problem.
    response = shared_platform.test_client().post("/sign-in", data={"email": "[" * 100})
    assert response.headers["Content-Type"] != PROBLEM


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
def test_every_app_answers_413_to_an_oversized_body(shared_platform: Flask, streamed: bool) -> None:
    for name, app in _apps(shared_platform):
        limit = app.config["MAX_CONTENT_LENGTH"]
        assert limit == 1_000_000, name  # Config.max_body_bytes
        big = b'{"name": "' + b"a" * limit + b'"}'
        if streamed:
            # A chunked upload has no Content-Length; the server marks the stream as ending.
            response = app.test_client().post(
                "/api/v1/organisations",
                input_stream=io.BytesIO(big),
                content_type="application/json",
                environ_overrides={"wsgi.input_terminated": True},
            )
        else:
            response = app.test_client().post(
                "/api/v1/organisations", data=big, content_type="application/json"
            )
        body = _assert_problem(response, 413)
        assert body["detail"] == "The request body is too large.", name
