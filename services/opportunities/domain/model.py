"""The domain in one import, for callers written before it was split into modules."""

from __future__ import annotations

from services.opportunities.domain.opportunity import Opportunity, OpportunityEvent, Status
from services.opportunities.domain.organisation import (
    Catchment,
    MemberRole,
    Moderation,
    Organisation,
    OrganisationApproved,
    OrganisationEvent,
    OrganisationRegistered,
    OrganisationRejected,
    OrganisationType,
    OrganisationUpdated,
)

DomainEvent = OrganisationEvent | OpportunityEvent

__all__ = [
    "Catchment",
    "DomainEvent",
    "MemberRole",
    "Moderation",
    "Opportunity",
    "OpportunityEvent",
    "Organisation",
    "OrganisationApproved",
    "OrganisationEvent",
    "OrganisationRegistered",
    "OrganisationRejected",
    "OrganisationType",
    "OrganisationUpdated",
    "Status",
]
