"""``/api/v1/availability``: the signed-in volunteer's own micro-volunteering settings.

One document per volunteer: postcode and travel distance, the task types they will do, their
date of birth (tasks have minimum ages), whether offers are paused, and the windows when
they are free, weekly (``{"weekday": "tuesday", "start": "10:00", "end": "12:00"}``) or once
(``{"date": "2026-12-01", "start": "18:00", "end": "24:00"}``), in UK time.
"""

from __future__ import annotations

from flask import Blueprint, Response
from marshmallow import Schema, fields, validate

from services.availability.domain.model import MAX_TRAVEL_KM, TASK_TYPES
from services.availability.domain.wallet import MAX_WINDOWS, MIN_TRAVEL_KM, WEEKDAYS
from services.availability.service_layer import availability as use_cases
from services.common.api import json_body, json_response, load, runtime
from services.common.auth import require_principal
from services.common.openapi import operation

bp = Blueprint("availability_availability", __name__, url_prefix="/api/v1/availability")
TAGS = ("micro-volunteering: availability",)
_TIME = validate.Regexp(r"^\d{2}:\d{2}$", error="Give a time like 09:30 (24-hour clock).")


def _time(description: str) -> fields.String:
    return fields.String(required=True, validate=_TIME, metadata={"description": description})


# "from" is a Python keyword, so the window schemas are built from dicts.
WindowIn = Schema.from_dict(
    {
        "weekday": fields.String(
            validate=validate.OneOf(WEEKDAYS, error="Choose one of: {choices}."),
            metadata={"description": "Every week on this day (leave out for a one-off window)"},
        ),
        "date": fields.Date(metadata={"description": "Once, on this day (instead of weekday)"}),
        "start": _time("UK time, HH:MM"),
        "end": _time("UK time, HH:MM, later than start; 24:00 is midnight at the day's end"),
        "from": fields.Date(metadata={"description": "Weekly only: first day it applies"}),
        "until": fields.Date(metadata={"description": "Weekly only: last day it applies"}),
    },
    name="WindowIn",
)
WindowOut = Schema.from_dict(
    {
        "weekday": fields.String(),
        "date": fields.Date(),
        "start": fields.String(),
        "end": fields.String(),
        "from": fields.Date(),
        "until": fields.Date(),
    },
    name="WindowOut",
)


class AvailabilityIn(Schema):
    postcode = fields.String(
        required=True,
        validate=validate.Length(min=2, max=10),
        metadata={"description": "Where you set out from: a full postcode, or its first half"},
    )
    travel_km = fields.Float(
        required=True,
        metadata={"description": f"How far you will go, {MIN_TRAVEL_KM} to {MAX_TRAVEL_KM:g} km"},
    )
    task_types = fields.List(
        fields.String(validate=validate.Length(max=40)),
        required=True,
        validate=validate.Length(max=len(TASK_TYPES)),
        metadata={"description": f"At least one of: {', '.join(TASK_TYPES)}"},
    )
    paused = fields.Boolean(
        load_default=False, metadata={"description": "True: no offers until you unpause"}
    )
    date_of_birth = fields.Date(
        required=True, metadata={"description": "You must be 16 or over; tasks set minimum ages"}
    )
    windows = fields.List(
        fields.Nested(WindowIn),
        load_default=list,
        metadata={"description": f"When you are free (at most {MAX_WINDOWS}); replaces all"},
    )


class AvailabilityOut(Schema):
    postcode = fields.String()
    travel_km = fields.Float()
    task_types = fields.List(fields.String())
    paused = fields.Boolean()
    date_of_birth = fields.Date()
    windows = fields.List(fields.Nested(WindowOut))
    updated_at = fields.DateTime()


@bp.get("")
@operation(
    summary="Your availability for micro-volunteering",
    tags=TAGS,
    responses={200: AvailabilityOut, 404: "You have not set your availability yet"},
)
def show() -> Response:
    principal = require_principal()
    return json_response(use_cases.get(runtime(), principal.account_id))


@bp.put("")
@operation(
    summary="Set your availability: where, how far, what, and when you are free",
    tags=TAGS,
    body=AvailabilityIn,
    responses={200: AvailabilityOut, 422: "Invalid: the errors name each field"},
)
def replace() -> Response:
    principal = require_principal()
    data = load(AvailabilityIn(), json_body())
    return json_response(use_cases.replace(runtime(), principal.account_id, data))


@bp.patch("")
@operation(
    summary='Change some of your availability, e.g. {"paused": true} to pause all offers',
    tags=TAGS,
    body=AvailabilityIn,
    responses={200: AvailabilityOut, 404: "Not set yet: PUT it first", 422: "Invalid"},
)
def change() -> Response:
    principal = require_principal()
    # Only the top-level fields are optional: ``partial=True`` would reach into each window too
    # and let one without its start or end through to the domain.
    schema = AvailabilityIn()
    changes = load(schema, json_body(), partial=tuple(schema.fields))
    return json_response(use_cases.change(runtime(), principal.account_id, changes))


@bp.delete("")
@operation(
    summary="Stop micro-volunteering: remove your settings and windows (not your wallet)",
    tags=TAGS,
    responses={204: None},
)
def stop() -> Response:
    principal = require_principal()
    use_cases.stop(runtime(), principal.account_id)
    return Response(status=204)
