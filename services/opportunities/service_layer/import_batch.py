"""A bulk import's batch, written in a few statements instead of several per record.

Each record's changes are staged on a ``Staged`` of its own and kept only if the record went
through, so a record that fails leaves nothing behind without a savepoint per record (which
cost two statements each). ``flush`` then writes new organisations, new roles, changed roles
and every event in one statement per table, the events in order: organisations' first, then
each role's in the order they happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.opportunities.domain.model import DomainEvent
from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.organisation import Organisation
from services.opportunities.service_layer.messagebus import envelopes
from services.opportunities.service_layer.unit_of_work import UnitOfWork


@dataclass
class Staged:
    """Organisations and roles made or changed, by id, in the order they were first staged."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    created: dict[str, Opportunity] = field(default_factory=dict)
    changed: dict[str, Opportunity] = field(default_factory=dict)

    def role(self, role_id: str) -> Opportunity | None:
        """A role this batch already made or changed (not yet in the database)."""
        return self.created.get(role_id) or self.changed.get(role_id)

    def keep(self, record: Staged) -> None:
        """Take one record's staged changes into the batch."""
        self.organisations |= record.organisations
        self.created |= record.created
        for role_id, role in record.changed.items():
            if role_id not in self.created:  # made in this batch: inserted as it ends up
                self.changed[role_id] = role

    def flush(self, uow: UnitOfWork) -> None:
        for org in self.organisations.values():
            uow.organisations.add(org)
        uow.opportunities.add_many(self.created.values())
        uow.opportunities.save_many(self.changed.values())
        aggregates: list[Organisation | Opportunity] = [
            *self.organisations.values(), *self.created.values(), *self.changed.values()
        ]  # fmt: skip
        events: list[DomainEvent] = []
        for aggregate in aggregates:
            events += aggregate.events
            aggregate.events.clear()
        uow.runtime.outbox.add_many(uow.session, envelopes(events, uow.now))
