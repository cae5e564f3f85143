"""Turn validated request data into domain values, using the geocoder and vocabularies.

Every problem is collected with its field path (``locations[0].postcode``) and raised as
one ``InvalidInput`` before anything is written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from services.common.geo.postcodes import Geocoder, Location, UnknownPostcode, parse
from services.common.validation import InvalidInput
from services.common.vocab.vocabularies import Vocabularies
from services.opportunities.domain.charity_numbers import (
    InvalidCharityNumber,
    normalise_charity_number,
)
from services.opportunities.domain.details import CODED_FIELDS, DatedSession, Question
from services.opportunities.domain.details import Location as RoleLocation
from services.opportunities.domain.organisation import Catchment

FULL_POSTCODE = "Enter a full postcode, like SE1 7AE."
_DISTRICT = re.compile(r"[EWSN][0-9]{8}")
Errors = dict[str, list[str]]


def raise_if(errors: Mapping[str, Sequence[str]]) -> None:
    if errors:
        raise InvalidInput(errors)


def place(geocoder: Geocoder, text: str, field: str) -> Location:
    """A full postcode's position, or InvalidInput naming ``field``."""
    try:
        location = geocoder.lookup(text)
    except UnknownPostcode as exc:
        raise InvalidInput.field(field, exc.message) from exc
    if location.kind != "postcode" or location.postcode is None:
        raise InvalidInput.field(field, FULL_POSTCODE)
    return location


def full_postcode(geocoder: Geocoder, text: str | None, field: str = "postcode") -> str | None:
    """The postcode formatted for people ("SE1 7AE"), or InvalidInput naming the field."""
    if text is None or not text.strip():
        return None
    return place(geocoder, text, field).postcode


def address(geocoder: Geocoder, text: str | None) -> dict[str, str | None]:
    """``postcode`` and ``district_code`` of an organisation's (optional) postcode."""
    if text is None or not text.strip():
        return {"postcode": None, "district_code": None}
    location = place(geocoder, text, "postcode")
    return {"postcode": location.postcode, "district_code": location.district_code}


def charity_number(text: str | None) -> str | None:
    try:
        return normalise_charity_number(text)
    except InvalidCharityNumber as exc:
        raise InvalidInput.field("charity_number", exc.message) from exc


def catchment(geocoder: Geocoder, raw: Mapping[str, Iterable[str]]) -> Catchment:
    """Postcode districts checked against Code-Point Open; ONS district codes by shape."""
    errors: Errors = {}
    outwards = [_outward(geocoder, code, i, errors) for i, code in enumerate(raw["outward_codes"])]
    districts = [_district(code, i, errors) for i, code in enumerate(raw["districts"])]
    raise_if(errors)
    return Catchment(_unique(outwards), _unique(districts))


def _outward(geocoder: Geocoder, code: str, index: int, errors: Errors) -> str:
    path = f"catchment.outward_codes[{index}]"
    try:
        outward, inward = parse(code)
        if inward is not None:
            raise UnknownPostcode("Enter a postcode district like SE1, not a full postcode.")
        geocoder.lookup(outward)
    except UnknownPostcode as exc:
        errors[path] = [exc.message]
        return code
    return outward


def _district(code: str, index: int, errors: Errors) -> str:
    compact = code.strip().upper()
    if not _DISTRICT.fullmatch(compact):
        message = "Enter a local authority district code (ONS), like E09000022."
        errors[f"catchment.districts[{index}]"] = [message]
    return compact


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def role_changes(
    geocoder: Geocoder, vocabularies: Vocabularies, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Request fields (all or some) as domain values for ``Details``; InvalidInput if wrong."""
    errors = code_errors(vocabularies, data)
    values = dict(data)
    for name in CODED_FIELDS:
        if name in values:
            values[name] = _unique(values[name])
    if "locations" in data:
        values["locations"] = _locations(geocoder, data["locations"], errors)
    raise_if(errors)
    if "dated_sessions" in data:
        values["dated_sessions"] = tuple(DatedSession(**s) for s in data["dated_sessions"])
    if "questions" in data:
        values["questions"] = tuple(_question(q) for q in data["questions"])
    return values


def code_errors(vocabularies: Vocabularies, data: Mapping[str, Any]) -> Errors:
    """One entry per coded field holding codes its vocabulary lacks (naming the valid ones)."""
    errors: Errors = {}
    for name, vocabulary in CODED_FIELDS.items():
        messages = vocabularies[vocabulary].validate(data.get(name) or ())
        if messages:
            errors[name] = messages
    return errors


def _locations(
    geocoder: Geocoder, raw: Sequence[Mapping[str, str]], errors: Errors
) -> tuple[RoleLocation, ...]:
    found = []
    for index, item in enumerate(raw):
        path = f"locations[{index}].postcode"
        try:
            location = place(geocoder, item["postcode"], path)
        except InvalidInput as exc:
            errors.update(exc.errors)
            continue
        found.append(_role_location(location))
    return tuple(found)


def _role_location(location: Location) -> RoleLocation:
    assert location.postcode is not None
    return RoleLocation(
        location.postcode, location.latitude, location.longitude, location.district_code
    )


def _question(raw: Mapping[str, Any]) -> Question:
    question_id = raw.get("id") or uuid.uuid4().hex[:12]
    return Question(question_id, raw["text"].strip(), bool(raw.get("required", False)))
