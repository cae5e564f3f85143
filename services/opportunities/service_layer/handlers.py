"""Use cases of the opportunities service. Each runs in one transaction with its events."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.envelope import utcnow
from services.common.runtime import ServiceRuntime
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


def register_organisation(runtime: ServiceRuntime, cmd: RegisterOrganisation) -> Organisation:
    with runtime.session_factory() as session, session.begin():
        org = Organisation.register(
            name=cmd.name,
            type_=cmd.type,
            postcode=cmd.postcode,
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
