"""``/api/v1/hours``: hours given, logged by volunteers and approved by organisations, a
volunteer's verified record of them (JSON with a signature anyone can check here, or CSV), and
organisations' totals for reports (numbers only).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, request
from marshmallow import Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError

from services.availability.adapters.task_rows import as_utc
from services.availability.service_layer import hours as use_cases
from services.availability.service_layer import hours_totals
from services.availability.service_layer.unit_of_work import clock
from services.common.api import json_body, json_response, load, runtime
from services.common.auth import require_principal
from services.common.envelope import to_jsonable
from services.common.openapi import operation

bp = Blueprint("availability_hours", __name__, url_prefix="/api/v1/hours")
TAGS = ("hours",)
Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict
MAX_TOTALS = 100  # organisations per totals call: a URL of ids stays well under 8 KB


class ReportIn(Schema):
    booking_id = fields.String(load_default=None, allow_none=True)
    opportunity_id = fields.String(load_default=None, allow_none=True)
    minutes = fields.Integer(required=True)
    worked_on = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))

    @validates_schema
    def _one_source(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if bool(data.get("booking_id")) == bool(data.get("opportunity_id")):
            raise SchemaError(
                "Give either booking_id (a micro-task) or opportunity_id (a role).",
                field_name="booking_id",
            )


class DecisionIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class PageQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 100_000))


class PendingQuery(PageQuery):
    organisation_id = fields.String(required=True)


class TotalsQuery(Schema):
    organisation_id = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(min=1, max=MAX_TOTALS),
        error_messages={"required": "Give at least one organisation_id."},
    )
    since = fields.Date(load_default=None)


class RecordQuery(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


def hours_view(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "account_id": row["account_id"],
        "organisation_id": row["organisation_id"],
        "organisation_name": row.get("organisation_name"),
        "source": row["source"],
        "task_id": row["task_id"],
        "booking_id": row["booking_id"],
        "opportunity_id": row["opportunity_id"],
        "role_title": row.get("role_title"),
        "worked_on": row["worked_on"],
        "minutes": row["minutes"],
        "status": row["status"],
        "note": row["note"],
        "reason": row["reason"],
        "reported_at": as_utc(row["reported_at"]),
        "decided_at": row["decided_at"] and as_utc(row["decided_at"]),
    }


@bp.post("")
@operation(
    summary="Log hours you gave (a micro-task you accepted, or a role)",
    tags=TAGS,
    body=ReportIn,
    responses={201: None, 404: "No such booking", 409: "Already logged", 422: "Invalid"},
)
def report() -> Response:
    principal = require_principal()
    data = load(ReportIn(), json_body())
    row = use_cases.report(runtime(), principal, data)
    return json_response(hours_view(row), 201, f"{bp.url_prefix}/{row['id']}")


@bp.get("")
@operation(summary="Your hours, newest first", tags=TAGS, query=PageQuery)
def mine() -> Response:
    principal = require_principal(verified=False)
    page = load(PageQuery(), request.args.to_dict())
    rows = use_cases.own(runtime(), principal.account_id, page["limit"], page["offset"])
    return json_response({"items": [hours_view(r) for r in rows]})


@bp.get("/pending")
@operation(
    summary="Hours waiting for your organisation's approval",
    tags=TAGS,
    query=PendingQuery,
    responses={200: None, 403: "Not a member", 422: "organisation_id missing"},
)
def pending() -> Response:
    principal = require_principal()
    page = load(PendingQuery(), request.args.to_dict())
    rows = use_cases.pending(
        runtime(), principal, page["organisation_id"], page["limit"], page["offset"]
    )
    return json_response({"items": [hours_view(r) for r in rows]})


@bp.get("/totals")
@operation(
    summary="Organisations' hours, totalled (members, Volunteer Centre staff, admins)",
    tags=TAGS,
    query=TotalsQuery,
    responses={200: None, 403: "Not allowed for an organisation asked", 422: "Invalid"},
)
def totals() -> Response:
    principal = require_principal()
    args: dict[str, Any] = request.args.to_dict()
    if "organisation_id" in args:  # repeated: organisation_id=A&organisation_id=B
        args["organisation_id"] = request.args.getlist("organisation_id")
    query = load(TotalsQuery(), args)
    found = hours_totals.totals(runtime(), principal, query["organisation_id"], query["since"])
    items = [
        {"organisation_id": t.organisation_id, "approved_minutes": t.approved_minutes,
         "volunteers": t.volunteers, "pending_reports": t.pending_reports}
        for t in found
    ]  # fmt: skip
    return json_response({"since": query["since"], "items": items})


@bp.post("/<hours_id>/approve")
@operation(
    summary="Approve reported hours (they earn time credits)",
    tags=TAGS,
    responses={200: None, 404: "No such hours", 409: "Already decided"},
)
def approve(hours_id: str) -> Response:
    principal = require_principal()
    return json_response(hours_view(use_cases.decide(runtime(), principal, hours_id, True, None)))


@bp.post("/<hours_id>/reject")
@operation(
    summary="Reject reported hours, saying why",
    tags=TAGS,
    body=DecisionIn,
    responses={200: None, 404: "No such hours", 409: "Already decided"},
)
def reject(hours_id: str) -> Response:
    principal = require_principal()
    reason = load(DecisionIn(), json_body())["reason"]
    row = use_cases.decide(runtime(), principal, hours_id, False, reason)
    return json_response(hours_view(row))


@bp.get("/record")
@operation(
    summary="Your verified record of hours (signed JSON, or CSV)", tags=TAGS, query=RecordQuery
)
def record() -> Response:
    principal = require_principal(verified=False)
    wanted = load(RecordQuery(), request.args.to_dict())["format"]
    rows = use_cases.verified_record(runtime(), principal.account_id)
    items = [_record_item(r) for r in rows]
    if wanted == "csv":
        return _csv(items)
    document = {
        "account_id": principal.account_id,
        "generated_at": clock(runtime()),
        "total_minutes": sum(item["minutes"] for item in items),
        "items": items,
    }
    document = to_jsonable(document)
    document["signature"] = _sign(document)
    return json_response(document)


@bp.post("/record/verify")
@operation(summary="Check that a record of hours came from this platform unchanged", tags=TAGS)
def verify() -> Response:
    document = json_body()
    if not isinstance(document, dict):
        document = {}
    claimed = str(document.pop("signature", ""))
    valid = bool(claimed) and hmac.compare_digest(claimed, _sign(document))
    return json_response({"valid": valid})


def _record_item(row: Row) -> dict[str, Any]:
    return {
        "worked_on": row["worked_on"],
        "minutes": row["minutes"],
        "organisation": row.get("organisation_name") or row["organisation_id"],
        "what": "micro-task" if row["source"] == "task" else (row.get("role_title") or "role"),
        "approved_at": row["decided_at"] and as_utc(row["decided_at"]),
        "hours_id": row["id"],
    }


def _sign(document: Mapping[str, Any]) -> str:
    secret = current_app.config["VMP_AUTH_SECRET"].encode()
    key = hmac.new(secret, b"hours-record", hashlib.sha256).digest()
    body = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _csv(items: list[dict[str, Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Minutes", "Organisation", "What", "Approved at", "Reference"])
    for item in items:
        row = to_jsonable(item)
        writer.writerow(
            [
                row["worked_on"],
                row["minutes"],
                _safe(row["organisation"]),
                _safe(row["what"]),
                row["approved_at"],
                row["hours_id"],
            ]
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="hours.csv"'
    return response


def _safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
