"""Check one response against the app's own OpenAPI document, for regression tests of what
schemathesis found (the document is the contract clients code against)."""

from __future__ import annotations

import schemathesis
from flask import Flask
from werkzeug.test import TestResponse


def assert_documented(app: Flask, method: str, path: str, response: TestResponse) -> None:
    """Raise, naming every difference, unless ``response`` fits what the document declares
    for ``method path`` (``path`` as in the document, e.g. ``/api/v1/things/{thing_id}``):
    its status among the declared ones (or a ``default``) and its body to that schema."""
    doc = app.test_client().get("/openapi.json").get_json()
    declared = doc["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in declared or "default" in declared, sorted(declared)
    schema = schemathesis.openapi.from_dict(doc, config=schemathesis.Config())
    schema[path][method.upper()].validate_response(response)
