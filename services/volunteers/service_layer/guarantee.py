"""The response-time guarantee, run as a periodic job: remind organisations after 2 and 5
working days without a response, escalate to the Volunteer Centre after 7.

Idempotent: what was done is recorded on the application in the same transaction as its
event and its emails (``guarantee_mail``), so two sweeps at once (or a sweep re-run after a
crash) never remind twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.envelope import new_envelope, utcnow
from services.common.runtime import ServiceRuntime
from services.volunteers.adapters.accounts_repository import utc
from services.volunteers.adapters.application_tables import applications
from services.volunteers.adapters.copies import organisation_copies, role_copies
from services.volunteers.domain.matching import Role, similar_roles
from services.volunteers.domain.responsiveness import (
    Action,
    PendingApplication,
    ResponseRecord,
    ResponseStats,
    due_actions,
    response_stats,
)
from services.volunteers.service_layer.guarantee_mail import GuaranteeMail

log = logging.getLogger(__name__)
_REMINDER_DAYS = {Action.REMIND_2: 2, Action.REMIND_5: 5}


@dataclass
class SweepReport:
    reminded: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"reminded": self.reminded, "escalated": self.escalated}


def sweep(runtime: ServiceRuntime, now: dt.datetime | None = None) -> SweepReport:
    now = now or runtime.extensions.get("clock", utcnow)()
    report = SweepReport()
    with runtime.session_factory() as session, session.begin():
        query = (
            sa.select(applications)
            .where(
                applications.c.first_response_at.is_(None),
                applications.c.escalated_at.is_(None),
                applications.c.status == "submitted",
            )
            .with_for_update(skip_locked=True)
        )
        for row in session.execute(query).mappings().all():
            _act(runtime, session, dict(row), now, report)
    return report


def _act(
    runtime: ServiceRuntime,
    session: Session,
    row: Mapping[str, Any],
    now: dt.datetime,
    report: SweepReport,
) -> None:
    pending = PendingApplication(
        id=row["id"],
        submitted_at=utc(row["submitted_at"]),
        reminders_sent=frozenset(row["reminders"] or ()),
    )
    ids = {k: row[k] for k in ("opportunity_id", "organisation_id", "volunteer_id")}
    ids["application_id"] = row["id"]
    reminders = list(row["reminders"] or ())
    mail = GuaranteeMail(runtime, session, now)
    due = due_actions(pending, now)
    for action in due:
        if action is Action.ESCALATE:
            centre = covering_centre(session, row["opportunity_id"])
            session.execute(
                sa.update(applications)
                .where(applications.c.id == row["id"])
                .values(escalated_at=now, escalated_to=centre, reminders=reminders)
            )
            _event(runtime, session, "ApplicationEscalated", {**ids, "volunteer_centre_id": centre})
            sent = mail.escalated(row, centre, similar_to(session, row["opportunity_id"]))
            report.escalated.append(row["id"])
            log.info(
                "application escalated",
                extra={"application": row["id"], "to": centre, "emails": sent},
            )
        else:
            days = _REMINDER_DAYS[action]
            reminders.append(days)
            session.execute(
                sa.update(applications)
                .where(applications.c.id == row["id"])
                .values(reminders=reminders)
            )
            _event(runtime, session, "ApplicationReminded", {**ids, "working_days": days})
            report.reminded.append(row["id"])
            # After an outage several actions fall due at once: only the last is mailed, as a
            # burst of reminders (or one just before the escalation) would only confuse.
            if action is due[-1]:
                sent = mail.reminded(row, days)
                log.info("application reminded", extra={"application": row["id"], "emails": sent})


def covering_centre(session: Session, opportunity_id: str) -> str | None:
    """The approved Volunteer Centre whose catchment holds one of the role's locations."""
    snapshot = session.execute(
        sa.select(role_copies.c.snapshot).where(role_copies.c.id == opportunity_id)
    ).scalar()
    if not snapshot:
        return None
    places = [
        (p["postcode"].split()[0], p.get("district_code")) for p in snapshot.get("locations") or ()
    ]
    centres = session.execute(
        sa.select(organisation_copies.c.id, organisation_copies.c.catchment)
        .where(
            organisation_copies.c.type == "volunteer_centre",
            organisation_copies.c.moderation == "approved",
        )
        .order_by(organisation_copies.c.id)
    )
    for centre_id, catchment in centres:
        outward = set((catchment or {}).get("outward_codes", ()))
        districts = set((catchment or {}).get("districts", ()))
        if any(o in outward or (d is not None and d in districts) for o, d in places):
            return str(centre_id)
    return None


def similar_to(session: Session, opportunity_id: str, limit: int = 5) -> list[Role]:
    """Published roles like this one (offered to a volunteer whose application escalated)."""
    rows = session.execute(
        sa.select(role_copies.c.snapshot).where(role_copies.c.status == "published")
    ).scalars()
    roles = [Role.from_snapshot(snapshot) for snapshot in rows]
    original = next((r for r in roles if r.id == opportunity_id), None)
    if original is None:
        snapshot = session.execute(
            sa.select(role_copies.c.snapshot).where(role_copies.c.id == opportunity_id)
        ).scalar()
        if snapshot is None:
            return []
        original = Role.from_snapshot(snapshot)
    return [found.role for found in similar_roles(original, roles, limit)]


def organisation_stats(
    runtime: ServiceRuntime, organisation_id: str, now: dt.datetime | None = None
) -> ResponseStats | None:
    now = now or runtime.extensions.get("clock", utcnow)()
    with runtime.session_factory() as session:
        rows = session.execute(
            sa.select(applications.c.submitted_at, applications.c.first_response_at).where(
                applications.c.organisation_id == organisation_id
            )
        )
        records: Iterable[ResponseRecord] = [
            ResponseRecord(organisation_id, utc(submitted), _maybe(first))
            for submitted, first in rows
        ]
        return response_stats(records, now).get(organisation_id)


def _event(runtime: ServiceRuntime, session: Session, event_type: str, data: dict) -> None:
    envelope = new_envelope(
        event_type=event_type,
        version=1,
        producer="volunteers",
        key=data["application_id"],
        data=data,
    )
    runtime.outbox.add(session, "applications", envelope)


def _maybe(moment: dt.datetime | None) -> dt.datetime | None:
    return utc(moment) if moment is not None else None
