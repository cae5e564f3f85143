"""Maps domain events to topics and puts them in the outbox, in the caller's transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sqlalchemy.orm import Session

from services.common.envelope import new_envelope
from services.common.outbox import Outbox
from services.opportunities.domain import model

PRODUCER = "opportunities"
# domain event class -> (topic, schema version); the key is always the aggregate id.
ROUTES: dict[type, tuple[str, int]] = {
    model.OrganisationRegistered: ("organisations", 1),
    model.OrganisationRenamed: ("organisations", 1),
}


def record_events(session: Session, outbox: Outbox, events: Iterable[model.DomainEvent]) -> None:
    for event in events:
        topic, version = ROUTES[type(event)]
        envelope = new_envelope(
            event_type=type(event).__name__,
            version=version,
            producer=PRODUCER,
            key=event.organisation_id,
            data=dataclasses.asdict(event),
        )
        outbox.add(session, topic, envelope)
