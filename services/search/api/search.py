"""HTTP handlers of the public search API: thin; parameters checked at the edge."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import Schema, fields

from services.common.openapi import operation
from services.common.runtime import ServiceRuntime
from services.search.api.params import (
    SearchParams,
    SuggestParams,
    load_search_params,
    load_suggest_params,
)
from services.search.service_layer.searching import run_search, uk_today

bp = Blueprint("search", __name__, url_prefix="/api/v1/search")


class SearchResponse(Schema):
    total = fields.Integer()
    page = fields.Integer(allow_none=True)
    per_page = fields.Integer()
    next_cursor = fields.String(allow_none=True)
    location = fields.Dict(allow_none=True)
    results = fields.List(fields.Dict())
    facets = fields.Dict()


class SuggestResponse(Schema):
    suggestions = fields.List(fields.String())


def _runtime() -> ServiceRuntime:
    runtime: ServiceRuntime = current_app.extensions["runtime"]
    return runtime


@bp.get("")
@operation(
    summary="Search volunteering roles by place, distance, interest and more",
    tags=("search",),
    query=SearchParams,
    responses={200: SearchResponse},
)
def search() -> Response:
    params = load_search_params(request.args.to_dict(flat=True))
    runtime = _runtime()
    body = run_search(
        runtime.extensions["index"],
        runtime.extensions["geocoder"],
        params,
        today=uk_today(runtime.extensions["clock"]()),
        base_url=request.host_url.rstrip("/"),
    )
    response = _json(body)
    # Partner sites call this from their own pages' scripts; results are public.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=30"
    return response


def _json(body: dict[str, Any]) -> Response:
    # The answer holds only JSON types already. ``jsonify`` would sort every key of every
    # result (Flask's default) on the hottest path, for no reader's benefit.
    return Response(json.dumps(body, separators=(",", ":")), mimetype="application/json")


@bp.get("/suggest")
@operation(
    summary="Role titles for type-ahead",
    tags=("search",),
    query=SuggestParams,
    responses={200: SuggestResponse},
)
def suggest() -> Response:
    params = load_suggest_params(request.args.to_dict(flat=True))
    suggestions = _runtime().extensions["index"].suggest(params["q"], params["limit"])
    response = jsonify({"suggestions": suggestions})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
