"""marshmallow at the HTTP edge and JSON Schema on the wire must agree.

If the API accepted a value the event schema rejects, the request would fail at the outbox
(or, worse, poison a topic); if the schema were looser than the API, consumers would be
written for data that never comes.
"""

from __future__ import annotations

from marshmallow import fields

from schemas.registry import load_registry
from services.opportunities.api.organisations import OrganisationIn
from services.opportunities.domain.model import OrganisationType


def _registered_data_schema() -> dict:
    return load_registry().schema("organisations", 1)["$defs"]["OrganisationRegistered"]


def _length(field: fields.Field) -> tuple[int | None, int | None]:
    for validator in field.validators:
        if hasattr(validator, "max"):
            return getattr(validator, "min", None), validator.max
    return None, None


def test_organisation_types_agree() -> None:
    wire = _registered_data_schema()["properties"]["type"]["enum"]
    assert sorted(wire) == sorted(t.value for t in OrganisationType)
    assert OrganisationIn().fields["type"].enum is OrganisationType  # type: ignore[attr-defined]


def test_name_lengths_agree() -> None:
    wire = load_registry().schema("organisations", 1)["$defs"]["name"]
    low, high = _length(OrganisationIn().fields["name"])
    assert (low, high) == (wire["minLength"], wire["maxLength"])


def test_every_wire_field_of_a_registration_comes_from_the_api_or_the_service() -> None:
    wire_fields = set(_registered_data_schema()["properties"])
    from_api = set(OrganisationIn().fields) & wire_fields
    made_by_service = {"organisation_id", "registered_at"}
    assert wire_fields == from_api | made_by_service
