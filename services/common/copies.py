"""Handlers that keep a service's copies of organisations, memberships and roles in step with
the organisations and opportunities topics.

Several services need them (applications are authorised by memberships, micro-tasks posted by
members, hours logged against roles), and each owns its data, so each keeps its own copies,
with its own columns. The handlers are the same: idempotent and order-tolerant (roles carry a
revision and older ones are ignored; the rest are upserts of the latest state).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.consumer import Handler
from services.common.envelope import Event

OPPORTUNITY_EVENTS: tuple[str, ...] = tuple(
    f"Opportunity{name}"
    for name in ("Created", "Updated", "Published", "Paused", "Closed", "Expired", "Confirmed",
                 "Deleted")
)  # fmt: skip
# What a service keeps of an organisation's or a role's event: (event data) -> row values.
Columns = Callable[[Mapping[str, Any]], dict[str, Any]]


def upsert(session: Session, table: sa.Table, key: dict[str, Any], row: dict[str, Any]) -> None:
    condition = sa.and_(*(table.c[name] == value for name, value in key.items()))
    found = session.execute(sa.update(table).where(condition).values(**row))
    if not getattr(found, "rowcount", 0):
        session.execute(table.insert().values(**key, **row))


def role_handler(roles: sa.Table, columns: Columns) -> Handler:
    """Keep the newest revision of each role (``columns`` gets the role's snapshot)."""

    def on_opportunity_changed(session: Session, event: Event) -> None:
        snapshot = event.data["opportunity"]
        held = session.execute(
            sa.select(roles.c.revision).where(roles.c.id == snapshot["id"])
        ).scalar()
        if held is not None and held >= event.data["revision"]:
            return
        row = {"revision": event.data["revision"], **columns(snapshot)}
        upsert(session, roles, {"id": snapshot["id"]}, row)

    return on_opportunity_changed


def organisation_handlers(
    organisations: sa.Table, memberships: sa.Table, columns: Columns
) -> dict[str, Handler]:
    """The organisations topic's handlers (``columns`` gets a Registered/Updated event's data)."""

    def on_organisation(session: Session, event: Event) -> None:
        upsert(session, organisations, {"id": event.data["organisation_id"]}, columns(event.data))

    def set_values(session: Session, event: Event, **values: str) -> None:
        session.execute(
            sa.update(organisations)
            .where(organisations.c.id == event.data["organisation_id"])
            .values(**values)
        )

    def on_membership_changed(session: Session, event: Event) -> None:
        key = {
            "organisation_id": event.data["organisation_id"],
            "account_id": event.data["account_id"],
        }
        if event.data["role"] is None:
            session.execute(
                sa.delete(memberships).where(
                    memberships.c.organisation_id == key["organisation_id"],
                    memberships.c.account_id == key["account_id"],
                )
            )
        else:
            upsert(session, memberships, key, {"role": event.data["role"]})

    return {
        "OrganisationRegistered": on_organisation,
        "OrganisationUpdated": on_organisation,
        "OrganisationRenamed": lambda s, e: set_values(s, e, name=e.data["name"]),
        "OrganisationApproved": lambda s, e: set_values(s, e, moderation="approved"),
        "OrganisationRejected": lambda s, e: set_values(s, e, moderation="rejected"),
        "MembershipChanged": on_membership_changed,
    }
