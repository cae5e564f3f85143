"""Organisations and their events. Plain Python: no Flask, SQLAlchemy, Kafka or ES here."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field


class OrganisationType(enum.StrEnum):
    CHARITY = "charity"
    COMMUNITY_GROUP = "community_group"
    PUBLIC_BODY = "public_body"
    VOLUNTEER_CENTRE = "volunteer_centre"


@dataclass(frozen=True)
class OrganisationRegistered:
    organisation_id: str
    name: str
    type: str
    postcode: str | None
    registered_at: dt.datetime


@dataclass(frozen=True)
class OrganisationRenamed:
    organisation_id: str
    name: str


DomainEvent = OrganisationRegistered | OrganisationRenamed


@dataclass
class Organisation:
    """An organisation that posts volunteering roles."""

    id: str
    name: str
    type: OrganisationType
    postcode: str | None
    website: str | None
    description: str
    registered_at: dt.datetime
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(
        cls,
        *,
        name: str,
        type_: OrganisationType,
        postcode: str | None,
        website: str | None,
        description: str,
        now: dt.datetime,
    ) -> Organisation:
        org = cls(str(uuid.uuid4()), name.strip(), type_, postcode, website, description, now)
        org.events.append(OrganisationRegistered(org.id, org.name, org.type.value, postcode, now))
        return org

    def rename(self, name: str) -> None:
        name = name.strip()
        if name and name != self.name:
            self.name = name
            self.events.append(OrganisationRenamed(self.id, name))
