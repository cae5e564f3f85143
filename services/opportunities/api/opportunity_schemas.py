"""marshmallow schemas of roles at the HTTP edge; limits come from the domain and the wire."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from services.opportunities.api.common import load
from services.opportunities.domain import details as d
from services.opportunities.domain.opportunity import REASON_MAX, Opportunity

# Far above any real role, and below what a database integer holds (2**63 overflowed: 500).
MAX_PLACES = 100_000

_CODE = validate.Regexp(r"^[A-Za-z][A-Za-z0-9]*$", error="Not a code.")
_TIME = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use 24-hour HH:MM.")


def _codes(item: str) -> fields.List:
    return fields.List(
        fields.String(validate=_CODE),
        load_default=list,
        validate=validate.Length(max=60),
        metadata={"description": f"Codes from the {item} vocabulary (GET /api/v1/vocabularies)"},
    )


class DatedSessionIn(Schema):
    date = fields.Date(required=True)
    starts = fields.String(required=True, validate=_TIME)
    ends = fields.String(required=True, validate=_TIME)


class LocationIn(Schema):
    postcode = fields.String(required=True, validate=validate.Length(min=1, max=10))


class QuestionIn(Schema):
    id = fields.String(
        load_default=None,
        validate=[
            validate.Length(min=1, max=d.QUESTION_ID_MAX),
            validate.Regexp(r"^[A-Za-z0-9_-]+$", error="Use letters, digits, - and _."),
        ],
        metadata={"description": "Generated when absent"},
    )
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    required = fields.Boolean(load_default=False)


class OpportunityIn(Schema):
    """A role as organisations send it. PATCH takes any subset (minus organisation_id)."""

    organisation_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    title = fields.String(required=True, validate=validate.Length(min=1, max=d.TITLE_MAX))
    summary = fields.String(load_default="", validate=validate.Length(max=d.SUMMARY_MAX))
    description = fields.String(load_default="", validate=validate.Length(max=d.DESCRIPTION_MAX))
    causes = _codes("causes")
    skills = _codes("skills")
    requirements = _codes("requirements")
    rewards = _codes("rewards")
    accessibility = _codes("accessibility")
    commitment = fields.Enum(d.Commitment, by_value=True, required=True)
    hours_per_week = fields.Float(load_default=None, validate=validate.Range(0, 168))
    sessions = _codes("session_times")
    dated_sessions = fields.List(
        fields.Nested(DatedSessionIn), load_default=list, validate=validate.Length(max=200)
    )
    locations = fields.List(
        fields.Nested(LocationIn), load_default=list, validate=validate.Length(max=50)
    )
    remote = fields.Boolean(load_default=False)
    minimum_age = fields.Integer(load_default=None, validate=validate.Range(0, 120), strict=True)
    maximum_age = fields.Integer(load_default=None, validate=validate.Range(0, 120), strict=True)
    places = fields.Integer(
        load_default=None, validate=validate.Range(min=1, max=MAX_PLACES), strict=True
    )
    starts_on = fields.Date(load_default=None)
    ends_on = fields.Date(load_default=None)
    closes_on = fields.Date(load_default=None)
    apply_url = fields.URL(
        load_default=None,
        schemes={"http", "https"},
        validate=validate.Length(max=500),
        metadata={"description": "Where to apply; null to apply on this platform"},
    )
    questions = fields.List(
        fields.Nested(QuestionIn), load_default=list, validate=validate.Length(max=20)
    )


EDITABLE_FIELDS = tuple(
    name for name in OpportunityIn._declared_fields if name != "organisation_id"
)


def load_new(body: Any) -> dict[str, Any]:
    return load(OpportunityIn(), body)


def load_changes(body: Any) -> dict[str, Any]:
    """Only the fields sent; nested objects still need their required fields."""
    schema = OpportunityIn(exclude=("organisation_id",), partial=EDITABLE_FIELDS)
    return load(schema, body)


class ReasonIn(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=REASON_MAX))


class LocationOut(Schema):
    postcode = fields.String()
    latitude = fields.Float()
    longitude = fields.Float()
    district_code = fields.String(allow_none=True)


class QuestionOut(Schema):
    id = fields.String()
    text = fields.String()
    required = fields.Boolean()


class DatedSessionOut(Schema):
    date = fields.Date()
    starts = fields.String()
    ends = fields.String()


class OpportunityOut(Schema):
    """A role: the opportunities.v1 ``Opportunity`` plus its revision."""

    id = fields.String()
    organisation_id = fields.String()
    title = fields.String()
    summary = fields.String()
    description = fields.String()
    causes = fields.List(fields.String())
    skills = fields.List(fields.String())
    requirements = fields.List(fields.String())
    rewards = fields.List(fields.String())
    accessibility = fields.List(fields.String())
    commitment = fields.String()
    hours_per_week = fields.Float(allow_none=True)
    sessions = fields.List(fields.String())
    dated_sessions = fields.List(fields.Nested(DatedSessionOut))
    locations = fields.List(fields.Nested(LocationOut))
    remote = fields.Boolean()
    minimum_age = fields.Integer(allow_none=True)
    maximum_age = fields.Integer(allow_none=True)
    places = fields.Integer(allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    closes_on = fields.Date(allow_none=True)
    apply_url = fields.String(allow_none=True)
    questions = fields.List(fields.Nested(QuestionOut))
    status = fields.String()
    revision = fields.Integer()
    published_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)


def opportunity_view(role: Opportunity) -> dict[str, Any]:
    return {**role.snapshot(), "revision": role.revision}
