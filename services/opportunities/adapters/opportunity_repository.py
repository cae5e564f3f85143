"""Roles and recruiting reminders on SQLAlchemy Core (rows <-> domain objects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.envelope import to_jsonable
from services.opportunities.adapters.orm import opportunities, recruiting_reminders
from services.opportunities.adapters.repository import aware, utc
from services.opportunities.domain.details import Details
from services.opportunities.domain.opportunity import LIVE, Opportunity, Status

_DETAIL_FIELDS = tuple(Details.__dataclass_fields__)
_JSON_FIELDS = frozenset(c.name for c in opportunities.columns if isinstance(c.type, sa.JSON))


_UPDATE = opportunities.update().where(opportunities.c.id == sa.bindparam("b_id"))


class OpportunityRepository:
    """Roles, one row each; list fields are JSON columns."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # Values as parameters rather than .values(...): one compiled statement, cached, instead
    # of a new one per role (a bulk import saves thousands).
    def add(self, role: Opportunity) -> None:
        self.session.execute(opportunities.insert(), {"id": role.id, **_columns(role)})

    def save(self, role: Opportunity) -> None:
        self.session.execute(_UPDATE, {"b_id": role.id, **_columns(role)})

    def add_many(self, roles: Iterable[Opportunity]) -> None:
        """New roles in one executemany (a bulk import's batch)."""
        rows = [new_row(role) for role in roles]
        if rows:
            self.session.execute(opportunities.insert(), rows)

    def save_many(self, roles: Iterable[Opportunity]) -> None:
        rows = [{"b_id": role.id, **_columns(role)} for role in roles]
        if rows:
            self.session.execute(_UPDATE, rows)

    def get(self, role_id: str, *, for_update: bool = False) -> Opportunity | None:
        query = sa.select(opportunities).where(opportunities.c.id == role_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        return None if row is None else _load(row)

    def for_organisation(
        self, org_id: str, statuses: Iterable[Status] | None = None
    ) -> list[Opportunity]:
        query = sa.select(opportunities).where(
            opportunities.c.organisation_id == org_id,
            opportunities.c.status != Status.DELETED.value,
        )
        if statuses is not None:
            query = query.where(opportunities.c.status.in_([s.value for s in statuses]))
        rows = self.session.execute(query.order_by(opportunities.c.created_at.desc())).all()
        return [_load(row) for row in rows]

    def live(self) -> list[Opportunity]:
        """Published and paused roles: the ones the recruiting sweep looks at."""
        query = sa.select(opportunities).where(opportunities.c.status.in_([s.value for s in LIVE]))
        return [_load(row) for row in self.session.execute(query.order_by(opportunities.c.id))]

    def page(self, after: str | None, limit: int) -> list[Opportunity]:
        """Every role but deleted ones, by id, after ``after`` (keyset paging)."""
        query = sa.select(opportunities).where(opportunities.c.status != Status.DELETED.value)
        if after:
            query = query.where(opportunities.c.id > after)
        rows = self.session.execute(query.order_by(opportunities.c.id).limit(limit)).all()
        return [_load(row) for row in rows]


class ReminderRepository:
    """When each role was asked "still recruiting?", and why."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, opportunity_id: str, asked_at: dt.datetime, reason: str) -> None:
        self.session.execute(
            recruiting_reminders.insert().values(
                opportunity_id=opportunity_id, asked_at=asked_at, reason=reason
            )
        )

    def last_asked(self, ids: Iterable[str] | None = None) -> dict[str, dt.datetime]:
        """The latest ask per role (of ``ids``, or of every role)."""
        t = recruiting_reminders
        query = sa.select(t.c.opportunity_id, sa.func.max(t.c.asked_at).label("asked_at"))
        if ids is not None:
            query = query.where(t.c.opportunity_id.in_(sorted(set(ids))))
        rows = self.session.execute(query.group_by(t.c.opportunity_id)).all()
        return {row.opportunity_id: _asked_at(row.asked_at) for row in rows}

    def for_opportunity(self, opportunity_id: str) -> list[tuple[dt.datetime, str]]:
        t = recruiting_reminders
        rows = self.session.execute(
            sa.select(t.c.asked_at, t.c.reason)
            .where(t.c.opportunity_id == opportunity_id)
            .order_by(t.c.asked_at)
        ).all()
        return [(_asked_at(row.asked_at), row.reason) for row in rows]


def _asked_at(value: dt.datetime | str) -> dt.datetime:
    # max() over a SQLite DATETIME column comes back as text, not a datetime.
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return utc(value)


def new_row(role: Opportunity) -> dict[str, Any]:
    """The row inserting ``role`` (a bulk import adds its provenance columns to it)."""
    return {"id": role.id, **_columns(role)}


def _columns(role: Opportunity) -> dict[str, Any]:
    details = role.details.as_dict()
    values = {k: to_jsonable(v) if k in _JSON_FIELDS else v for k, v in details.items()}
    return {
        **values,
        "organisation_id": role.organisation_id,
        "status": role.status.value,
        "revision": role.revision,
        "published_at": role.published_at,
        "created_at": role.created_at,
        "updated_at": role.updated_at,
        "confirmed_at": role.confirmed_at,
    }


def _load(row: Any) -> Opportunity:
    mapping = row._mapping
    return Opportunity(
        id=row.id,
        organisation_id=row.organisation_id,
        details=Details.from_dict({name: mapping[name] for name in _DETAIL_FIELDS}),
        status=Status(row.status),
        revision=row.revision,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        published_at=aware(row.published_at),
        confirmed_at=aware(row.confirmed_at),
    )
