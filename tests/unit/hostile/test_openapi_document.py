"""The OpenAPI generator's own fixes for what schemathesis found: list answers declared as
lists, and patterns a JSON parser and a test generator can read."""

from __future__ import annotations

import json
import re

from flask import Flask, jsonify
from marshmallow import Schema, fields, validate

from services.common.openapi import build_openapi, listing, operation


class ThingOut(Schema):
    id = fields.String()


class NoteIn(Schema):
    # As a service writes it: literal control characters and lone surrogates in the class.
    text = fields.String(validate=validate.Regexp("^[^\x00-\x1f\ud800-\udfff]*$"))


def _app() -> Flask:
    app = Flask("things")

    @app.get("/things")
    @operation(summary="Things", responses={200: listing(ThingOut, total=fields.Integer())})
    def things() -> object:
        return jsonify({"items": [], "total": 0})

    @app.post("/notes")
    @operation(summary="Add a note", body=NoteIn, responses={201: None})
    def notes() -> object:
        return jsonify({}), 201

    return app


def test_a_listing_declares_items_of_the_item_schema() -> None:
    doc = build_openapi(_app(), title="things")
    answer = doc["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/ThingList"}
    declared = doc["components"]["schemas"]["ThingList"]["properties"]
    item = {"$ref": "#/components/schemas/ThingOut"}
    assert declared["items"] == {"type": "array", "items": item}
    assert declared["total"] == {"type": "integer"}


def test_the_same_listing_is_one_class() -> None:
    assert listing(ThingOut) is listing(ThingOut)
    assert listing(ThingOut, name="OtherThings") is not listing(ThingOut)


def test_patterns_carry_escapes_not_raw_control_characters_or_surrogates() -> None:
    doc = build_openapi(_app(), title="things")
    pattern = doc["components"]["schemas"]["NoteIn"]["properties"]["text"]["pattern"]
    assert pattern == "^[^\\u0000-\\u001f\\ud800-\\udfff]*$"
    json.dumps(doc).encode("utf-8")  # strict UTF-8: no lone surrogate left to encode
    # The escaped pattern still means what the schema's own regex means.
    assert re.match(pattern, "a note") and not re.match(pattern, "a\x07note")
