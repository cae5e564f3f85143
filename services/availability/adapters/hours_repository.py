"""Read queries over hours given that the hours use cases share: totals per organisation,
and who may read them (members, approved Volunteer Centres)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.availability.adapters.tables import hours, memberships, organisation_copies


@dataclass(frozen=True)
class HoursTotals:
    """One organisation's hours, counted: no person in it, only numbers."""

    organisation_id: str
    approved_minutes: int = 0
    volunteers: int = 0  # distinct accounts with approved hours
    pending_reports: int = 0  # reported, not yet approved or rejected


def totals(
    session: Session, organisation_ids: Iterable[str], since: dt.date | None
) -> dict[str, HoursTotals]:
    """Totals of the organisations that have hours (worked on ``since`` or later), in one
    GROUP BY; organisations with none are missing from the answer."""
    approved = hours.c.status == "approved"
    query = (
        sa.select(
            hours.c.organisation_id,
            sa.func.sum(sa.case((approved, hours.c.minutes), else_=0)),
            sa.func.count(sa.distinct(sa.case((approved, hours.c.account_id)))),
            sa.func.sum(sa.case((hours.c.status == "reported", 1), else_=0)),
        )
        .where(
            hours.c.organisation_id.in_(sorted(set(organisation_ids))),
            hours.c.status.in_(("approved", "reported")),
        )
        .group_by(hours.c.organisation_id)
    )
    if since is not None:
        query = query.where(hours.c.worked_on >= since)
    return {
        org: HoursTotals(org, int(minutes or 0), int(people or 0), int(pending or 0))
        for org, minutes, people, pending in session.execute(query)
    }


def member_of(session: Session, account_id: str, organisation_ids: Iterable[str]) -> set[str]:
    """Which of the organisations the account is a member of (owner or editor)."""
    query = sa.select(memberships.c.organisation_id).where(
        memberships.c.account_id == account_id,
        memberships.c.organisation_id.in_(sorted(set(organisation_ids))),
    )
    return set(session.execute(query).scalars())


def approved_centres(session: Session, centre_ids: Iterable[str]) -> set[str]:
    """Which of the ids are Volunteer Centres that passed moderation, as this service's
    copies say: a rejected centre's staff lose access before their tokens expire."""
    o = organisation_copies
    query = sa.select(o.c.id).where(
        o.c.id.in_(sorted(set(centre_ids))),
        o.c.type == "volunteer_centre",
        o.c.moderation == "approved",
    )
    return set(session.execute(query).scalars())
