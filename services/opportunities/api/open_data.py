"""HTTP handlers for open data: the JSON-LD dataset, JobPostings and the RPDE change feed.

All public (no token): they only show what the public catalogue already shows. See
docs/open-data.md for the formats, the licences and how a partner mirrors the catalogue.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request, stream_with_context
from marshmallow import Schema, fields, validate

from services.common.openapi import operation
from services.common.validation import InvalidInput
from services.opportunities.api.common import json_response, load, runtime
from services.opportunities.api.opportunity_schemas import opportunity_view
from services.opportunities.domain.volunteering_data import ATTRIBUTION, DATA_LICENCE
from services.opportunities.service_layer import open_data as use_cases
from services.opportunities.service_layer.open_data import Change

bp = Blueprint("open_data", __name__, url_prefix="/api/v1/open-data")
TAGS = ("open data",)
JSON_LD = "application/ld+json"
KIND = "VolunteeringRole"


class ChangesQuery(Schema):
    afterTimestamp = fields.Integer(  # RPDE's parameter names
        load_default=None,
        # A change number is a database integer: larger ones can name no change, and used to
        # overflow the query (500).
        validate=validate.Range(min=0, max=2**63 - 1),
        metadata={"description": "`modified` of the last item read (a change number)"},
    )
    afterId = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "`id` of the last item read"},
    )
    limit = fields.Integer(load_default=use_cases.PAGE, validate=validate.Range(1, use_cases.PAGE))


class ChangeOut(Schema):
    state = fields.String(metadata={"description": "updated or deleted"})
    kind = fields.String()
    id = fields.String()
    modified = fields.Integer()
    data = fields.Dict(
        metadata={
            "description": "The role as GET /api/v1/opportunities/{id}, "
            "plus its organisation; only when updated"
        }
    )


class ChangesOut(Schema):
    items = fields.List(fields.Nested(ChangeOut))
    next = fields.String()
    license = fields.String()
    rights = fields.String(metadata={"description": "Attribution the licences ask for"})


@bp.get("/dataset.jsonld")
@operation(
    summary="Every published role as one UK Volunteering Data JSON-LD dataset",
    tags=TAGS,
    responses={200: "JSON-LD (application/ld+json)"},
)
def dataset() -> Response:
    chunks = use_cases.dataset_chunks(runtime(), request.base_url, request.host_url)
    return Response(stream_with_context(chunks), mimetype=JSON_LD)


@bp.get("/organisations/<org_id>.jsonld")
@operation(
    summary="One approved organisation's published roles as UK Volunteering Data JSON-LD",
    tags=TAGS,
    responses={200: "JSON-LD (application/ld+json)", 404: None},
)
def organisation(org_id: str) -> Response:
    org = use_cases.public_organisation(runtime(), org_id)
    chunks = use_cases.dataset_chunks(runtime(), request.base_url, request.host_url, org.id)
    return Response(stream_with_context(chunks), mimetype=JSON_LD)


@bp.get("/roles/<role_id>/jobposting.jsonld")
@operation(
    summary="A published role as schema.org JobPosting JSON-LD (employmentType VOLUNTEER)",
    tags=TAGS,
    responses={200: "JSON-LD (application/ld+json)", 404: None},
)
def jobposting(role_id: str) -> Response:
    response = json_response(use_cases.job_posting_of(runtime(), role_id, request.host_url))
    response.mimetype = JSON_LD
    return response


@bp.get("/changes")
@operation(
    summary="RPDE change feed of the public catalogue, ordered by (modified, id)",
    tags=TAGS,
    query=ChangesQuery,
    responses={200: ChangesOut},
)
def changes() -> Response:
    query = load(ChangesQuery(), request.args.to_dict())
    after = _cursor(query["afterTimestamp"], query["afterId"])
    page = use_cases.changes(runtime(), after, query["limit"])
    if page:
        after = (page[-1].number, page[-1].role.id)
    return json_response(
        {
            "items": [_item(change) for change in page],
            "next": _next_url(after, query["limit"]),
            "license": DATA_LICENCE,
            "rights": ATTRIBUTION,
        }
    )


def _cursor(number: int | None, after_id: str | None) -> tuple[int, str] | None:
    if number is None:
        if after_id is not None:
            raise InvalidInput.field("afterId", "Send afterTimestamp with afterId.")
        return None
    return number, after_id or ""


def _item(change: Change) -> dict[str, Any]:
    item: dict[str, Any] = {
        "state": "updated" if change.public else "deleted",
        "kind": KIND,
        "id": change.role.id,
        "modified": change.number,
    }
    if change.public:
        org = change.organisation
        item["data"] = {
            **opportunity_view(change.role),
            "organisation": {"id": org.id, "name": org.name, "website": org.website},
        }
    return item


def _next_url(after: tuple[int, str] | None, limit: int) -> str:
    params: dict[str, Any] = {}
    if after is not None:
        params = {"afterTimestamp": after[0], "afterId": after[1]}
    if limit != use_cases.PAGE:
        params["limit"] = limit
    suffix = f"?{urlencode(params)}" if params else ""
    return f"{request.host_url.rstrip('/')}{bp.url_prefix}/changes{suffix}"
