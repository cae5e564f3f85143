"""Event handlers that keep the search service's tables and its index in step.

Each handler runs inside the consumer's transaction (which also records the event id, so a
redelivered event is skipped). Index writes are idempotent upserts/deletes: if the
transaction fails after one, the redelivery simply writes the same thing again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.consumer import ConsumerSpec
from services.common.envelope import Event
from services.search.adapters.index.port import SearchIndex
from services.search.adapters.orm import opportunities, organisations, percolation_queue
from services.search.domain.indexing import is_searchable, to_document

INDEXER_GROUP = "search-indexer"


class Indexer:
    """The ``search-indexer`` consumer group's handlers, bound to one index."""

    def __init__(self, index: SearchIndex, *, percolate: bool = True) -> None:
        self.index = index
        # Queue what becomes searchable for the saved-search alerts; a reindex re-applies
        # roles already queued when their events came, so it passes False.
        self.percolate = percolate

    # --- organisations topic ------------------------------------------------------------

    def on_organisation_registered(self, session: Session, event: Event) -> None:
        data = event.data
        _upsert_organisation(
            session,
            data["organisation_id"],
            name=data["name"],
            type=data["type"],
            postcode=data.get("postcode"),
            moderation=data.get("moderation", "approved"),
            updated_at=_moment(event.occurred_at),
        )
        self.refresh_organisation(session, data["organisation_id"])

    def on_organisation_updated(self, session: Session, event: Event) -> None:
        self.on_organisation_registered(session, event)

    def on_organisation_renamed(self, session: Session, event: Event) -> None:
        self._set_organisation(session, event, name=event.data["name"])

    def on_organisation_approved(self, session: Session, event: Event) -> None:
        self._set_organisation(session, event, moderation="approved")

    def on_organisation_rejected(self, session: Session, event: Event) -> None:
        self._set_organisation(session, event, moderation="rejected")

    def _set_organisation(self, session: Session, event: Event, **values: str) -> None:
        org_id = event.data["organisation_id"]
        session.execute(
            sa.update(organisations)
            .where(organisations.c.id == org_id)
            .values(updated_at=_moment(event.occurred_at), **values)
        )
        self.refresh_organisation(session, org_id)

    def refresh_organisation(self, session: Session, org_id: str) -> None:
        """Re-decide every role of an organisation whose name or approval changed."""
        org = _organisation(session, org_id)
        rows = session.execute(
            sa.select(opportunities.c.snapshot).where(opportunities.c.organisation_id == org_id)
        )
        shown, hidden = [], []
        for (snapshot,) in rows:
            if org is not None and is_searchable(snapshot, org["moderation"]):
                shown.append(to_document(snapshot, org["name"]))
            else:
                hidden.append(snapshot["id"])
        self.index.upsert(shown)
        self.index.delete(hidden)
        self._queue(session, [doc.id for doc in shown])

    # --- opportunities topic ------------------------------------------------------------

    def on_opportunity_changed(self, session: Session, event: Event) -> None:
        data = event.data
        snapshot = data["opportunity"]
        held = session.execute(
            sa.select(opportunities.c.revision).where(opportunities.c.id == snapshot["id"])
        ).scalar()
        if held is not None and held >= data["revision"]:
            return  # an older change arriving late (a replay): what we hold is newer
        row = {
            "organisation_id": snapshot["organisation_id"],
            "revision": data["revision"],
            "status": snapshot["status"],
            "snapshot": snapshot,
            "updated_at": _moment(event.occurred_at),
        }
        if held is None:
            session.execute(opportunities.insert().values(id=snapshot["id"], **row))
        else:
            session.execute(
                sa.update(opportunities).where(opportunities.c.id == snapshot["id"]).values(**row)
            )
        self.apply(session, snapshot)

    def apply(self, session: Session, snapshot: Mapping[str, Any]) -> None:
        org = _organisation(session, snapshot["organisation_id"])
        if org is not None and is_searchable(snapshot, org["moderation"]):
            self.index.upsert([to_document(snapshot, org["name"])])
            self._queue(session, [snapshot["id"]])
        else:
            self.index.delete([snapshot["id"]])

    def _queue(self, session: Session, role_ids: list[str]) -> None:
        """Ask the percolation job to match these roles against the saved searches."""
        if not self.percolate or not role_ids:
            return
        now = dt.datetime.now(dt.UTC)
        queued = percolation_queue.c.opportunity_id
        session.execute(sa.delete(percolation_queue).where(queued.in_(role_ids)))
        session.execute(
            percolation_queue.insert(), [{"opportunity_id": i, "queued_at": now} for i in role_ids]
        )

    def spec(self) -> ConsumerSpec:
        org_handlers = {
            "OrganisationRegistered": self.on_organisation_registered,
            "OrganisationRenamed": self.on_organisation_renamed,
            "OrganisationUpdated": self.on_organisation_updated,
            "OrganisationApproved": self.on_organisation_approved,
            "OrganisationRejected": self.on_organisation_rejected,
        }
        opportunity_types = [
            "Created",
            "Updated",
            "Published",
            "Paused",
            "Closed",
            "Expired",
            "Confirmed",
            "Deleted",
        ]
        return ConsumerSpec(
            group=INDEXER_GROUP,
            handlers={
                "organisations": org_handlers,
                "opportunities": {
                    f"Opportunity{name}": self.on_opportunity_changed for name in opportunity_types
                },
            },
        )


def _upsert_organisation(session: Session, org_id: str, **row: Any) -> None:
    # Upsert: a re-registered id after a replay from scratch must not fail the consumer.
    found = session.execute(
        sa.update(organisations).where(organisations.c.id == org_id).values(**row)
    )
    if not getattr(found, "rowcount", 0):
        session.execute(organisations.insert().values(id=org_id, **row))


def _organisation(session: Session, org_id: str) -> Mapping[str, Any] | None:
    row = session.execute(
        sa.select(organisations.c.name, organisations.c.moderation).where(
            organisations.c.id == org_id
        )
    ).first()
    return dict(row._mapping) if row is not None else None


def _moment(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
