"""Maps domain events to topics and puts them in the outbox, in the caller's transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from services.common.envelope import new_envelope
from services.common.outbox import Outbox
from services.opportunities.domain.model import DomainEvent, OpportunityEvent, OrganisationEvent

PRODUCER = "opportunities"
ORGANISATIONS = ("organisations", 3)
OPPORTUNITIES = ("opportunities", 1)


def record_events(
    session: Session,
    outbox: Outbox,
    events: Iterable[DomainEvent],
    occurred_at: dt.datetime | None = None,
) -> None:
    """Validate and add each event's envelope to the outbox (the registry checks the shape)."""
    for topic, envelope in envelopes(events, occurred_at):
        outbox.add(session, topic, envelope)


def envelopes(
    events: Iterable[DomainEvent], occurred_at: dt.datetime | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Each event as (topic, envelope), in order."""
    out = []
    for event in events:
        (topic, version), key, data = _route(event)
        envelope = new_envelope(
            event_type=type(event).__name__,
            version=version,
            producer=PRODUCER,
            key=key,
            data=data,
            occurred_at=occurred_at,
        )
        out.append((topic, envelope))
    return out


def _route(event: DomainEvent) -> tuple[tuple[str, int], str, dict[str, Any]]:
    if isinstance(event, OpportunityEvent):
        return OPPORTUNITIES, event.opportunity_id, opportunity_change(event)
    organisation: OrganisationEvent = event
    return ORGANISATIONS, organisation.organisation_id, dataclasses.asdict(organisation)


def opportunity_change(event: OpportunityEvent) -> dict[str, Any]:
    """The ``Change`` of opportunities.v1: id, revision, snapshot, and a reason if one."""
    data: dict[str, Any] = {
        "opportunity_id": event.opportunity_id,
        "revision": event.revision,
        "opportunity": event.opportunity,
    }
    if event.reason:
        data["reason"] = event.reason
    return data
