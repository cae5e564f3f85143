"""OpenAPI 3 documents built from the routes themselves.

Handlers declare their contract with ``@operation(...)`` (marshmallow schemas for bodies and
responses); ``build_openapi`` walks the Flask URL map, so a route cannot be forgotten in the
document, and apispec's marshmallow plugin turns the schemas into JSON Schema components.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema, fields

F = TypeVar("F", bound=Callable[..., Any])
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array"}},
    },
}
# Every operation's ``default`` response: any other status is an RFC 9457 problem.
PROBLEM_RESPONSE: dict[str, Any] = {
    "description": "An error, as RFC 9457 problem details",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_LISTINGS: dict[tuple[type[Schema], str], type[Schema]] = {}


def listing(item: type[Schema], name: str | None = None, **extra: fields.Field) -> type[Schema]:
    """The schema of a ``{"items": [...]}`` answer, for ``responses=``.

    Declaring the item schema itself would tell clients the body *is* one item. The same item
    schema always gives the same class (apispec names components after classes, and two
    different classes under one name would clash); ``name`` tells apart listings of one item
    schema that carry different ``extra`` fields.
    """
    key = (item, name or f"{item.__name__.removesuffix('Out')}List")
    if key not in _LISTINGS:
        declared: dict[str, fields.Field | type] = {"items": fields.List(fields.Nested(item))}
        declared.update(extra)
        _LISTINGS[key] = Schema.from_dict(declared, name=key[1])  # type: ignore[arg-type]
    return _LISTINGS[key]


def operation(
    *,
    summary: str,
    tags: tuple[str, ...] = (),
    body: type[Schema] | None = None,
    responses: Mapping[int, type[Schema] | str | None] | None = None,
    query: type[Schema] | None = None,
) -> Callable[[F], F]:
    """Attach an OpenAPI operation description to a view function."""

    def decorate(view: F) -> F:
        view.__openapi__ = {  # type: ignore[attr-defined]
            "summary": summary,
            "tags": tags,
            "body": body,
            "responses": dict(responses or {200: None}),
            "query": query,
        }
        return view

    return decorate


def build_openapi(app: Flask, *, title: str, version: str = "1.0.0") -> dict[str, Any]:
    spec = APISpec(
        title=title, version=version, openapi_version="3.0.3", plugins=[MarshmallowPlugin()]
    )
    spec.components.schema("Problem", PROBLEM_SCHEMA)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        path = _PARAM.sub(r"{\1}", rule.rule)
        ops = {
            method.lower(): _operation_for(view, rule.arguments)
            for method in sorted(rule.methods or ())
            if method not in ("HEAD", "OPTIONS")
        }
        spec.path(path=path, operations=ops)
    return _escape_patterns(spec.to_dict())


# Characters a ``pattern`` must not carry literally: lone surrogates are not Unicode, so the
# document would not be valid JSON text for strict parsers (schemathesis could not generate
# from it at all), and control characters are invisible to whoever reads the document.
_UNWRITABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _escape_patterns(node: Any) -> Any:
    """Write such characters in every ``pattern`` as ``\\uXXXX`` escapes, which mean the same
    to Python's ``re`` (where the schema came from) and to the ECMA-262 regexes of JSON Schema."""
    if isinstance(node, dict):
        return {
            key: _UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
            if key == "pattern" and isinstance(value, str)
            else _escape_patterns(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_escape_patterns(item) for item in node]
    return node


def _operation_for(view: Callable[..., Any], path_args: set[str] | frozenset[str]) -> dict:
    meta = getattr(view, "__openapi__", None) or {
        "summary": (view.__doc__ or view.__name__).strip().splitlines()[0],
        "tags": (),
        "body": None,
        "responses": {200: None},
        "query": None,
    }
    op: dict[str, Any] = {"summary": meta["summary"], "responses": _responses(meta["responses"])}
    if meta["tags"]:
        op["tags"] = list(meta["tags"])
    params = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in sorted(path_args)
    ]
    if meta["query"] is not None:
        params.append({"in": "query", "schema": meta["query"]})
    if params:
        op["parameters"] = params
    if meta["body"] is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": meta["body"]}},
        }
    return op


def _responses(declared: Mapping[int, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, schema in declared.items():
        entry: dict[str, Any] = {"description": _describe(status)}
        if isinstance(schema, str):
            entry["description"] = schema
        elif schema is not None:
            entry["content"] = {"application/json": {"schema": schema}}
        out[str(status)] = entry
    out["default"] = PROBLEM_RESPONSE
    return out


def _describe(status: int) -> str:
    return {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content"}.get(status, "Response")
