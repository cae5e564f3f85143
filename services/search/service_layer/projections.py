"""Pure event handlers: each applies one event to the search service's own tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from services.common.consumer import ConsumerSpec
from services.common.envelope import Event
from services.search.adapters.orm import organisations

INDEXER_GROUP = "search-indexer"


def on_organisation_registered(session: Session, event: Event) -> None:
    data = event.data
    row = {
        "name": data["name"],
        "type": data["type"],
        "postcode": data.get("postcode"),
        "updated_at": dt.datetime.fromisoformat(event.occurred_at),
    }
    # Upsert: a re-registered id after a replay from scratch must not fail the consumer.
    found = session.execute(
        update(organisations).where(organisations.c.id == data["organisation_id"]).values(**row)
    )
    if not getattr(found, "rowcount", 0):
        session.execute(organisations.insert().values(id=data["organisation_id"], **row))


def on_organisation_renamed(session: Session, event: Event) -> None:
    session.execute(
        update(organisations)
        .where(organisations.c.id == event.data["organisation_id"])
        .values(name=event.data["name"], updated_at=dt.datetime.fromisoformat(event.occurred_at))
    )


def indexer_spec() -> ConsumerSpec:
    return ConsumerSpec(
        group=INDEXER_GROUP,
        handlers={
            "organisations": {
                "OrganisationRegistered": on_organisation_registered,
                "OrganisationRenamed": on_organisation_renamed,
            }
        },
    )
