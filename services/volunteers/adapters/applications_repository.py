"""Applications <-> rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.volunteers.adapters.application_tables import applications
from services.volunteers.adapters.copies import role_copies
from services.volunteers.domain.applications import LIVE, Application, RoleFacts, Status

_FIELDS = (
    "opportunity_id", "organisation_id", "volunteer_id", "message", "answers", "status",
    "share_adjustments", "submitted_at", "updated_at", "first_response_at", "decided_at",
    "reason",
)  # fmt: skip


class ApplicationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, application: Application) -> None:
        self.session.execute(applications.insert().values(id=application.id, **_row(application)))

    def save(self, application: Application) -> None:
        self.session.execute(
            sa.update(applications)
            .where(applications.c.id == application.id)
            .values(**_row(application))
        )

    def get(self, application_id: str, *, for_update: bool = False) -> Application | None:
        query = sa.select(applications).where(applications.c.id == application_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        return _application(row._mapping) if row else None

    def live_for(self, volunteer_id: str, opportunity_id: str) -> bool:
        query = sa.select(sa.func.count()).where(
            applications.c.volunteer_id == volunteer_id,
            applications.c.opportunity_id == opportunity_id,
            applications.c.status.in_([s.value for s in LIVE]),
        )
        return bool(self.session.scalar(query))

    def accepted_count(self, opportunity_id: str) -> int:
        query = sa.select(sa.func.count()).where(
            applications.c.opportunity_id == opportunity_id,
            applications.c.status == Status.ACCEPTED.value,
        )
        return int(self.session.scalar(query) or 0)

    def listed(self, **where: Any) -> list[Application]:
        query = sa.select(applications).order_by(applications.c.submitted_at.desc())
        for column, value in where.items():
            query = query.where(applications.c[column] == value)
        return [_application(row._mapping) for row in self.session.execute(query)]

    def role(self, opportunity_id: str, *, for_update: bool = False) -> RoleFacts | None:
        """The role from this service's copy; locked when accepting, so places hold."""
        query = sa.select(role_copies.c.snapshot).where(role_copies.c.id == opportunity_id)
        if for_update:
            query = query.with_for_update()
        snapshot = self.session.execute(query).scalar()
        return RoleFacts.from_snapshot(snapshot) if snapshot else None


def _row(application: Application) -> dict[str, Any]:
    row = {name: getattr(application, name) for name in _FIELDS}
    row["status"] = application.status.value
    return row


def _application(row: Any) -> Application:
    values = {name: row[name] for name in _FIELDS}
    values["status"] = Status(row["status"])
    for name in ("submitted_at", "updated_at", "first_response_at", "decided_at"):
        values[name] = _aware(values[name])
    return Application(id=row["id"], **values)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything here is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment
