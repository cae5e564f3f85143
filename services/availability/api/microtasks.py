"""``/api/v1/microtasks``: coordinators post short tasks, which are offered to eligible
volunteers; the first to accept gets each place; coordinators confirm who came.

A task is visible to its organisation's members and to the volunteers it was offered to;
to anyone else it does not exist (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request
from marshmallow import Schema, fields, validate

from services.availability.adapters.task_rows import as_utc
from services.availability.domain.model import MAX_TASK_MINUTES, MIN_TASK_MINUTES, TASK_TYPES
from services.availability.domain.tasks import (
    DEFAULT_MIN_AGE,
    MAX_OFFERS_PER_ROUND,
    MAX_VOLUNTEERS_NEEDED,
    MIN_AGE_FLOOR,
)
from services.availability.service_layer import microtasks as use_cases
from services.availability.service_layer import offers
from services.common.api import json_body, json_response, load, runtime
from services.common.auth import require_principal
from services.common.openapi import listing, operation

bp = Blueprint("availability_microtasks", __name__, url_prefix="/api/v1/microtasks")
TAGS = ("micro-tasks",)
Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict


class NeedIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["requirement", "training"]))
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    verified = fields.Boolean(load_default=False)
    dbs_level = fields.String(load_default=None, allow_none=True)
    dbs_workforce = fields.String(load_default=None, allow_none=True)


class TaskIn(Schema):
    organisation_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    task_type = fields.String(required=True, metadata={"enum": list(TASK_TYPES)})
    title = fields.String(required=True, validate=validate.Length(min=3, max=120))
    description = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "What to do. Do not name the person helped."},
    )
    remote = fields.Boolean(load_default=False)
    postcode = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8))
    starts_at = fields.AwareDateTime(required=True)
    duration_minutes = fields.Integer(
        required=True, validate=validate.Range(MIN_TASK_MINUTES, MAX_TASK_MINUTES)
    )
    needs = fields.List(fields.Nested(NeedIn), load_default=list, validate=validate.Length(max=20))
    volunteers_needed = fields.Integer(
        load_default=1, validate=validate.Range(1, MAX_VOLUNTEERS_NEEDED)
    )
    min_age = fields.Integer(
        load_default=DEFAULT_MIN_AGE, validate=validate.Range(MIN_AGE_FLOOR, 100)
    )
    person_ref = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "Your own reference for the person helped (not a name)."},
    )
    offers_per_round = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(1, MAX_OFFERS_PER_ROUND)
    )
    offer_minutes = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(5, 24 * 60)
    )


class TaskOut(Schema):
    """What ``task_view`` answers; the fields after ``accepted_count`` go to coordinators only."""

    id = fields.String()
    organisation_id = fields.String()
    task_type = fields.String()
    task_type_label = fields.String()
    title = fields.String()
    description = fields.String()
    remote = fields.Boolean()
    postcode = fields.String(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    duration_minutes = fields.Integer()
    needs = fields.List(fields.Dict())
    min_age = fields.Integer()
    status = fields.String()
    volunteers_needed = fields.Integer()
    accepted_count = fields.Integer()
    person_ref = fields.String(allow_none=True)
    offers_per_round = fields.Integer(allow_none=True)
    offer_minutes = fields.Integer(allow_none=True)
    round = fields.Integer()
    next_round_at = fields.DateTime(allow_none=True)
    posted_at = fields.DateTime()
    created_by = fields.String()


class ListQuery(Schema):
    organisation_id = fields.String(required=True)
    status = fields.String(
        load_default=None, validate=validate.OneOf(["open", "filled", "completed", "cancelled"])
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 100_000))


class AttendanceIn(Schema):
    attended = fields.Boolean(required=True)
    minutes = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(1, 24 * 60)
    )


def task_view(task: Row, *, coordinator: bool) -> dict[str, Any]:
    """The whole task for its coordinators; volunteers see what they need to decide."""
    view = {
        "id": task["id"],
        "organisation_id": task["organisation_id"],
        "task_type": task["task_type"],
        "task_type_label": TASK_TYPES.get(task["task_type"], task["task_type"]),
        "title": task["title"],
        "description": task["description"],
        "remote": task["remote"],
        "postcode": task["postcode"],
        "starts_at": as_utc(task["starts_at"]),
        "ends_at": as_utc(task["ends_at"]),
        "duration_minutes": task["duration_minutes"],
        "needs": task["needs"],
        "min_age": task["min_age"],
        "status": task["status"],
        "volunteers_needed": task["volunteers_needed"],
        "accepted_count": task["accepted_count"],
    }
    if coordinator:
        view.update(
            person_ref=task["person_ref"],
            offers_per_round=task["offers_per_round"],
            offer_minutes=task["offer_minutes"],
            round=task["round"],
            next_round_at=task["next_round_at"] and as_utc(task["next_round_at"]),
            posted_at=as_utc(task["posted_at"]),
            created_by=task["created_by"],
        )
    return view


def booking_view(booking: Row) -> dict[str, Any]:
    return {
        "id": booking["id"],
        "task_id": booking["task_id"],
        "account_id": booking["account_id"],
        "status": booking["status"],
        "round": booking["round"],
        "rank": booking["rank"],
        "reasons": booking["reasons"],
        "offered_at": as_utc(booking["offered_at"]),
        "expires_at": as_utc(booking["expires_at"]),
        "responded_at": booking["responded_at"] and as_utc(booking["responded_at"]),
        "lapse_reason": booking["lapse_reason"],
    }


@bp.post("")
@operation(
    summary="Post a micro-task; it is offered to eligible volunteers at once",
    tags=TAGS,
    body=TaskIn,
    responses={201: TaskOut, 403: "Not a member of the organisation", 422: "Invalid"},
)
def post() -> Response:
    principal = require_principal()
    data = load(TaskIn(), json_body())
    task = use_cases.post(runtime(), principal, data)
    return json_response(task_view(task, coordinator=True), 201, f"{bp.url_prefix}/{task['id']}")


@bp.get("")
@operation(
    summary="An organisation's micro-tasks",
    tags=TAGS,
    query=ListQuery,
    responses={200: listing(TaskOut), 403: "Not a member of the organisation"},
)
def index() -> Response:
    principal = require_principal()
    query = load(ListQuery(), request.args.to_dict())
    rows = use_cases.list_for(
        runtime(),
        principal,
        query["organisation_id"],
        query["status"],
        query["limit"],
        query["offset"],
    )
    return json_response({"items": [task_view(r, coordinator=True) for r in rows]})


@bp.get("/offers")
@operation(summary="Tasks offered to you, and your bookings", tags=TAGS)
def my_offers() -> Response:
    principal = require_principal(verified=False)
    with_tasks = offers.offers_for_volunteer(runtime(), principal.account_id)
    items = [
        {
            **task_view(row, coordinator=False),
            "booking": {
                "id": row["booking_id"],
                "status": row["booking_status"],
                "expires_at": as_utc(row["expires_at"]),
                "lapse_reason": row["lapse_reason"],
            },
        }
        for row in with_tasks
    ]
    return json_response({"items": items})


@bp.get("/<task_id>")
@operation(summary="One micro-task", tags=TAGS, responses={200: TaskOut, 404: "No such task"})
def show(task_id: str) -> Response:
    principal = require_principal(verified=False)
    task, booking = use_cases.get_for(runtime(), principal, task_id)
    view = task_view(task, coordinator=booking is None)
    if booking is not None:
        view["booking"] = booking_view(booking)
    return json_response(view)


@bp.get("/<task_id>/bookings")
@operation(
    summary="Who a task was offered to, and their answers",
    tags=TAGS,
    responses={404: "No such task"},
)
def task_bookings(task_id: str) -> Response:
    principal = require_principal()
    rows = use_cases.bookings(runtime(), principal, task_id)
    return json_response({"items": [booking_view(r) for r in rows]})


@bp.post("/<task_id>/cancel")
@operation(
    summary="Cancel a task (volunteers who accepted are told)",
    tags=TAGS,
    responses={200: TaskOut, 404: "No such task", 409: "Already completed"},
)
def cancel(task_id: str) -> Response:
    principal = require_principal()
    return json_response(
        task_view(use_cases.cancel(runtime(), principal, task_id), coordinator=True)
    )


@bp.post("/<task_id>/accept")
@operation(
    summary="Accept a task offered to you: the first to accept gets it",
    tags=TAGS,
    responses={200: None, 404: "Not offered to you", 409: "Filled, lapsed or clashing"},
)
def accept(task_id: str) -> Response:
    principal = require_principal()
    return json_response(booking_view(offers.accept(runtime(), principal.account_id, task_id)))


@bp.post("/<task_id>/decline")
@operation(
    summary="Decline a task offered to you",
    tags=TAGS,
    responses={200: None, 404: "Not offered to you", 409: "Not an open offer"},
)
def decline(task_id: str) -> Response:
    principal = require_principal(verified=False)
    return json_response(booking_view(offers.decline(runtime(), principal.account_id, task_id)))


class WithdrawIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


@bp.post("/<task_id>/withdraw")
@operation(
    summary="Give back a task you accepted (before it starts); it is offered to others",
    tags=TAGS,
    body=WithdrawIn,
    responses={200: None, 404: "Not offered to you", 409: "Not accepted, or already started"},
)
def withdraw(task_id: str) -> Response:
    principal = require_principal(verified=False)
    reason = load(WithdrawIn(), json_body())["reason"]
    booking = offers.withdraw(runtime(), principal.account_id, task_id, reason)
    return json_response(booking_view(booking))


@bp.post("/<task_id>/bookings/<booking_id>/attendance")
@operation(
    summary="Confirm whether a volunteer came, and their hours",
    tags=TAGS,
    body=AttendanceIn,
    responses={200: None, 404: "No such task or booking", 409: "Not yet, or already"},
)
def attendance(task_id: str, booking_id: str) -> Response:
    principal = require_principal()
    data = load(AttendanceIn(), json_body())
    booking = use_cases.record_attendance(
        runtime(), principal, task_id, booking_id, data["attended"], data["minutes"]
    )
    return json_response(booking_view(booking))
