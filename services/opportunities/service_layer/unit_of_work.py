"""One transaction per use case: repositories on one session, events into the outbox.

Events are added to the outbox inside the same transaction as the change they describe, so
both commit or neither does; an event that fails its schema rolls the change back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy.orm import Session

from services.common.envelope import utcnow
from services.common.runtime import ServiceRuntime
from services.opportunities.adapters.opportunity_repository import (
    OpportunityRepository,
    ReminderRepository,
)
from services.opportunities.adapters.repository import OrganisationRepository
from services.opportunities.domain.model import DomainEvent
from services.opportunities.service_layer.messagebus import record_events

Clock = Callable[[], dt.datetime]


class Aggregate(Protocol):
    @property
    def events(self) -> list: ...


def clock(runtime: ServiceRuntime) -> dt.datetime:
    """Now, from ``runtime.extensions["clock"]`` (tests move it), in UTC."""
    now: Clock = runtime.extensions.get("clock", utcnow)
    return now().astimezone(dt.UTC)


class UnitOfWork:
    """The repositories of one transaction and the outbox its events go to."""

    def __init__(self, session: Session, runtime: ServiceRuntime, now: dt.datetime) -> None:
        self.session = session
        self.runtime = runtime
        self.now = now
        self.organisations = OrganisationRepository(session)
        self.opportunities = OpportunityRepository(session)
        self.reminders = ReminderRepository(session)

    def publish(self, *aggregates: Aggregate) -> None:
        """Move the aggregates' pending events into the outbox (this transaction)."""
        for aggregate in aggregates:
            events: list[DomainEvent] = list(aggregate.events)
            aggregate.events.clear()
            record_events(self.session, self.runtime.outbox, events, self.now)


@contextmanager
def unit_of_work(runtime: ServiceRuntime) -> Iterator[UnitOfWork]:
    """Commit on success, roll back on any exception (nothing written, nothing emitted)."""
    with runtime.session_factory() as session, session.begin():
        yield UnitOfWork(session, runtime, clock(runtime))
