"""``GET /api/docs``: the public API's reference, rendered from the merged OpenAPI document
as plain server-side HTML (no JavaScript, so it works for everyone and under a strict CSP).

Grouped by tag; each operation shows its method, path, summary, query parameters, body
fields and answers. The machine-readable document stays at ``/openapi.json``.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response

Document = Mapping[str, Any]
METHODS = ("get", "post", "put", "patch", "delete")


def apidocs_blueprint(build: Callable[[], Document]) -> Blueprint:
    bp = Blueprint("apidocs", __name__)

    @bp.get("/api/docs")
    def docs() -> Response:
        response = Response(render(build()), mimetype="text/html")
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    return bp


def render(document: Document) -> str:
    groups = _by_tag(document)
    toc = "".join(f'<li><a href="#{_slug(tag)}">{_e(tag)}</a></li>' for tag in groups)
    sections = "".join(_section(tag, ops, document) for tag, ops in groups.items())
    title = _e(document.get("info", {}).get("title", "API"))
    return (
        '<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} reference</title></head><body>"
        '<a href="#main">Skip to the reference</a>'
        f'<header><h1>{title} reference</h1><p>The same as <a href="/openapi.json">'
        "/openapi.json</a>. Writes need a bearer token; partner sites send their API key.</p>"
        f'<nav aria-label="Sections"><ul>{toc}</ul></nav></header>'
        f'<main id="main">{sections}</main></body></html>\n'
    )


def _by_tag(document: Document) -> dict[str, list[tuple[str, str, Mapping[str, Any]]]]:
    groups: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = defaultdict(list)
    for path, item in sorted(document.get("paths", {}).items()):
        for method in METHODS:
            if method in item:
                operation = item[method]
                tag = (operation.get("tags") or ["other"])[0]
                groups[tag].append((method, path, operation))
    return dict(sorted(groups.items()))


def _section(tag: str, operations: list[tuple[str, str, Mapping[str, Any]]], doc: Document) -> str:
    body = "".join(_operation(method, path, op, doc) for method, path, op in operations)
    heading = f'<h2 id="{_slug(tag)}">{_e(tag)}</h2>'
    return f'<section aria-labelledby="{_slug(tag)}">{heading}{body}</section>'


def _operation(method: str, path: str, operation: Mapping[str, Any], doc: Document) -> str:
    parts = [f"<h3><code>{method.upper()} {_e(path)}</code></h3>"]
    if operation.get("summary"):
        parts.append(f"<p>{_e(operation['summary'])}</p>")
    parameters = [p for p in operation.get("parameters", []) if isinstance(p, Mapping)]
    if parameters:
        rows = "".join(
            f"<tr><td><code>{_e(p.get('name', ''))}</code></td><td>{_e(p.get('in', ''))}</td>"
            f"<td>{'yes' if p.get('required') else 'no'}</td>"
            f"<td>{_e(p.get('description', ''))}</td></tr>"
            for p in parameters
        )
        parts.append(
            '<table><caption>Parameters</caption><thead><tr><th scope="col">Name</th>'
            '<th scope="col">In</th><th scope="col">Required</th><th scope="col">About</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    fields = _body_fields(operation, doc)
    if fields:
        parts.append(f"<p>Body fields: {', '.join(f'<code>{_e(f)}</code>' for f in fields)}</p>")
    answers = operation.get("responses", {})
    if answers:
        items = "".join(
            f"<li>{_e(code)}: {_e(answer.get('description', ''))}</li>"
            for code, answer in answers.items()
            if isinstance(answer, Mapping)
        )
        parts.append(f"<p>Answers:</p><ul>{items}</ul>")
    return "<article>" + "".join(parts) + "</article>"


def _body_fields(operation: Mapping[str, Any], doc: Document) -> list[str]:
    content: Mapping[str, Any] = operation.get("requestBody", {}).get("content", {})
    media: Mapping[str, Any] = next(iter(content.values()), {})
    schema: Mapping[str, Any] = media.get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = doc.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return sorted(schema.get("properties", {}))


def _slug(text: str) -> str:
    return "tag-" + "".join(c if c.isalnum() else "-" for c in text.lower())


def _e(text: object) -> str:
    return html.escape(str(text))
