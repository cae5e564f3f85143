"""Organisation repository on SQLAlchemy Core (rows <-> domain objects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.opportunities.adapters.orm import organisation_members, organisations
from services.opportunities.domain.organisation import (
    Catchment,
    MemberRole,
    Moderation,
    Organisation,
    OrganisationType,
)


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else utc(moment)


class OrganisationRepository:
    """Organisations and their members, loaded and saved together."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, org: Organisation) -> None:
        self.session.execute(organisations.insert().values(id=org.id, **_columns(org)))
        self._write_members(org)

    def save(self, org: Organisation) -> None:
        self.session.execute(
            organisations.update().where(organisations.c.id == org.id).values(**_columns(org))
        )
        self.session.execute(
            organisation_members.delete().where(organisation_members.c.organisation_id == org.id)
        )
        self._write_members(org)

    def get(self, org_id: str, *, for_update: bool = False) -> Organisation | None:
        query = sa.select(organisations).where(organisations.c.id == org_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        return None if row is None else self._load(row)

    def get_many(self, ids: Iterable[str]) -> list[Organisation]:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        rows = self.session.execute(
            sa.select(organisations).where(organisations.c.id.in_(wanted))
        ).all()
        return [self._load(row) for row in rows]

    def for_member(self, account_id: str) -> list[Organisation]:
        """The organisations ``account_id`` is an owner or editor of, by name."""
        member_of = sa.select(organisation_members.c.organisation_id).where(
            organisation_members.c.account_id == account_id
        )
        rows = self.session.execute(
            sa.select(organisations)
            .where(organisations.c.id.in_(member_of))
            .order_by(organisations.c.name, organisations.c.id)
        ).all()
        return [self._load(row) for row in rows]

    def pending(self, catchments: Sequence[Catchment] | None = None) -> list[Organisation]:
        """Organisations awaiting a decision: all of them, or those in any of ``catchments``."""
        query = sa.select(organisations).where(
            organisations.c.moderation == Moderation.PENDING.value
        )
        if catchments is not None:
            outwards = sorted({code for c in catchments for code in c.outward_codes})
            districts = sorted({code for c in catchments for code in c.districts})
            query = query.where(
                sa.or_(
                    organisations.c.outward_code.in_(outwards),
                    organisations.c.district_code.in_(districts),
                )
            )
        rows = self.session.execute(
            query.order_by(organisations.c.registered_at, organisations.c.id)
        ).all()
        return [self._load(row) for row in rows]

    def count(self) -> int:
        return int(self.session.scalar(sa.select(sa.func.count()).select_from(organisations)) or 0)

    def _write_members(self, org: Organisation) -> None:
        rows = [
            {"organisation_id": org.id, "account_id": account, "role": role.value}
            for account, role in org.members.items()
        ]
        if rows:
            self.session.execute(organisation_members.insert(), rows)

    def _members(self, org_id: str) -> dict[str, MemberRole]:
        rows = self.session.execute(
            sa.select(organisation_members.c.account_id, organisation_members.c.role)
            .where(organisation_members.c.organisation_id == org_id)
            .order_by(organisation_members.c.account_id)
        ).all()
        return {row.account_id: MemberRole(row.role) for row in rows}

    def _load(self, row: Any) -> Organisation:
        return Organisation(
            id=row.id,
            name=row.name,
            type=OrganisationType(row.type),
            postcode=row.postcode,
            website=row.website,
            description=row.description,
            registered_at=utc(row.registered_at),
            charity_number=row.charity_number,
            district_code=row.district_code,
            moderation=Moderation(row.moderation),
            moderation_reason=row.moderation_reason,
            decided_at=aware(row.decided_at),
            decided_by=row.decided_by,
            updated_at=aware(row.updated_at),
            catchment=Catchment(
                tuple(row.catchment_outward_codes or ()), tuple(row.catchment_districts or ())
            ),
            members=self._members(row.id),
        )


def _columns(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.name,
        "type": org.type.value,
        "postcode": org.postcode,
        "website": org.website,
        "description": org.description,
        "registered_at": org.registered_at,
        "charity_number": org.charity_number,
        "district_code": org.district_code,
        "outward_code": org.outward_code,
        "moderation": org.moderation.value,
        "moderation_reason": org.moderation_reason,
        "decided_at": org.decided_at,
        "decided_by": org.decided_by,
        "updated_at": org.updated_at,
        "catchment_outward_codes": list(org.catchment.outward_codes),
        "catchment_districts": list(org.catchment.districts),
    }
