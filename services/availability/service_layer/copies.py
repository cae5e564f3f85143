"""Copies of organisations, memberships and roles, kept from their topics.

Tasks are posted by an organisation's members and hours logged against its roles, so the
service keeps its own copies. Idempotent and order-tolerant: roles carry a revision (older
ones are ignored); the rest are upserts of the latest state.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.availability.adapters.tables import memberships, organisation_copies, role_copies
from services.common.consumer import ConsumerSpec
from services.common.envelope import Event

COPIES_GROUP = "availability-copies"
_OPPORTUNITY_TYPES: tuple[str, ...] = (
    "Created", "Updated", "Published", "Paused", "Closed", "Expired", "Confirmed", "Deleted",
)  # fmt: skip


def on_opportunity_changed(session: Session, event: Event) -> None:
    snapshot = event.data["opportunity"]
    held = session.execute(
        sa.select(role_copies.c.revision).where(role_copies.c.id == snapshot["id"])
    ).scalar()
    if held is not None and held >= event.data["revision"]:
        return
    row = {
        "organisation_id": snapshot["organisation_id"],
        "title": snapshot["title"][:200],
        "status": snapshot["status"],
        "revision": event.data["revision"],
    }
    upsert(session, role_copies, {"id": snapshot["id"]}, row)


def on_organisation(session: Session, event: Event) -> None:
    data = event.data
    row = {
        "name": data["name"],
        "type": data["type"],
        "moderation": data.get("moderation", "approved"),
    }
    upsert(session, organisation_copies, {"id": data["organisation_id"]}, row)


def on_organisation_renamed(session: Session, event: Event) -> None:
    _set(session, event.data["organisation_id"], name=event.data["name"])


def on_organisation_approved(session: Session, event: Event) -> None:
    _set(session, event.data["organisation_id"], moderation="approved")


def on_organisation_rejected(session: Session, event: Event) -> None:
    _set(session, event.data["organisation_id"], moderation="rejected")


def on_membership_changed(session: Session, event: Event) -> None:
    key = {"organisation_id": event.data["organisation_id"], "account_id": event.data["account_id"]}
    if event.data["role"] is None:
        session.execute(
            sa.delete(memberships).where(
                memberships.c.organisation_id == key["organisation_id"],
                memberships.c.account_id == key["account_id"],
            )
        )
    else:
        upsert(session, memberships, key, {"role": event.data["role"]})


def copies_spec() -> ConsumerSpec:
    return ConsumerSpec(
        group=COPIES_GROUP,
        handlers={
            "opportunities": {
                f"Opportunity{name}": on_opportunity_changed for name in _OPPORTUNITY_TYPES
            },
            "organisations": {
                "OrganisationRegistered": on_organisation,
                "OrganisationUpdated": on_organisation,
                "OrganisationRenamed": on_organisation_renamed,
                "OrganisationApproved": on_organisation_approved,
                "OrganisationRejected": on_organisation_rejected,
                "MembershipChanged": on_membership_changed,
            },
        },
    )


def _set(session: Session, org_id: str, **values: str) -> None:
    session.execute(
        sa.update(organisation_copies).where(organisation_copies.c.id == org_id).values(**values)
    )


def upsert(session: Session, table: sa.Table, key: dict[str, Any], row: dict[str, Any]) -> None:
    condition = sa.and_(*(table.c[name] == value for name, value in key.items()))
    found = session.execute(sa.update(table).where(condition).values(**row))
    if not getattr(found, "rowcount", 0):
        session.execute(table.insert().values(**key, **row))
