"""Applications <-> rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.volunteers.adapters.accounts_repository import approved_centre
from services.volunteers.adapters.application_tables import applications
from services.volunteers.adapters.copies import organisation_copies, role_copies
from services.volunteers.domain.applications import (
    LIVE,
    Application,
    Listing,
    Page,
    RoleFacts,
    Status,
)

_FIELDS = (
    "opportunity_id", "organisation_id", "volunteer_id", "message", "answers", "status",
    "share_adjustments", "submitted_at", "updated_at", "first_response_at", "decided_at",
    "reason",
)  # fmt: skip
# Written only by the response-time guarantee's sweep: read here, never saved back, so a use
# case holding an older copy of the application cannot undo an escalation.
_SWEEP_FIELDS = ("escalated_at", "escalated_to")


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

    def listed(self, page: Page | None = None, **where: Any) -> Listing:
        """Newest first; ``where`` matches columns exactly (None: not filtered)."""
        query = sa.select(applications)
        for column, value in where.items():
            if value is not None:
                query = query.where(applications.c[column] == value)
        return self._page(query, page)

    def escalated(
        self, centres: Iterable[str] | None, status: str | None, page: Page | None = None
    ) -> Listing:
        """Escalated applications, newest first: to these centres, or (None) to any or none."""
        query = sa.select(applications).where(applications.c.escalated_at.is_not(None))
        if centres is not None:
            query = query.where(applications.c.escalated_to.in_(sorted(centres)))
        if status:
            query = query.where(applications.c.status == status)
        return self._page(query, page)

    def _page(self, query: sa.Select[Any], page: Page | None) -> Listing:
        page = page or Page()
        # The id breaks ties, so a page boundary never repeats or skips an application.
        query = query.order_by(applications.c.submitted_at.desc(), applications.c.id.desc())
        query = query.offset(page.offset).limit(page.per_page + 1)
        return page.cut([_application(row._mapping) for row in self.session.execute(query)])

    def approved_centres(self, ids: Iterable[str]) -> frozenset[str]:
        """Those of ``ids`` that are Volunteer Centres approved by moderation."""
        wanted = sorted(ids)
        if not wanted:
            return frozenset()
        query = sa.select(organisation_copies.c.id).where(
            organisation_copies.c.id.in_(wanted), approved_centre()
        )
        return frozenset(str(found) for found in self.session.execute(query).scalars())

    def organisation_name(self, organisation_id: str) -> str | None:
        query = sa.select(organisation_copies.c.name).where(
            organisation_copies.c.id == organisation_id
        )
        return self.session.execute(query).scalar()

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
    values.update({name: row[name] for name in _SWEEP_FIELDS})
    for name in ("submitted_at", "updated_at", "first_response_at", "decided_at", "escalated_at"):
        values[name] = _aware(values[name])
    return Application(id=row["id"], **values)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything here is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment
