"""Use cases of the opportunities service. Each runs in one transaction with its events."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.envelope import utcnow
from services.common.geo.postcodes import Geocoder, UnknownPostcode
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput
from services.opportunities.adapters.repository import OrganisationRepository
from services.opportunities.domain.model import Organisation, OrganisationType
from services.opportunities.service_layer.messagebus import record_events


@dataclass(frozen=True)
class RegisterOrganisation:
    name: str
    type: OrganisationType
    postcode: str | None = None
    website: str | None = None
    description: str = ""


def full_postcode(geocoder: Geocoder, text: str | None, field: str = "postcode") -> str | None:
    """The postcode formatted for people ("SE1 7AE"), or InvalidInput naming the field."""
    if text is None or not text.strip():
        return None
    try:
        location = geocoder.lookup(text)
    except UnknownPostcode as exc:
        raise InvalidInput.field(field, exc.message) from exc
    if location.kind != "postcode" or location.postcode is None:
        raise InvalidInput.field(field, "Enter a full postcode, like SE1 7AE.")
    return location.postcode


def register_organisation(runtime: ServiceRuntime, cmd: RegisterOrganisation) -> Organisation:
    postcode = full_postcode(runtime.extensions["geocoder"], cmd.postcode)
    with runtime.session_factory() as session, session.begin():
        org = Organisation.register(
            name=cmd.name,
            type_=cmd.type,
            postcode=postcode,
            website=cmd.website,
            description=cmd.description,
            now=utcnow(),
        )
        OrganisationRepository(session).add(org)
        record_events(session, runtime.outbox, org.events)
    return org


def get_organisation(runtime: ServiceRuntime, org_id: str) -> Organisation | None:
    with runtime.session_factory() as session:
        return OrganisationRepository(session).get(org_id)
