"""Read side of open data: the public catalogue in pages, and roles by change number.

``change_number`` and ``open_data_sequence`` are kept by database triggers (migration
0003), so this module only reads them; they are named here rather than in orm.py because
no write path may set them by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.opportunities.adapters.opportunity_repository import OpportunityRepository
from services.opportunities.adapters.opportunity_repository import _load as load_role
from services.opportunities.adapters.orm import opportunities, organisations
from services.opportunities.adapters.repository import OrganisationRepository, aware
from services.opportunities.domain.opportunity import Opportunity, Status
from services.opportunities.domain.organisation import Moderation, Organisation

_roles = opportunities.alias("roles")
_change = sa.literal_column("roles.change_number", sa.BigInteger)
_PUBLIC = sa.and_(
    _roles.c.status == Status.PUBLISHED.value,
    organisations.c.moderation == Moderation.APPROVED.value,
)


@dataclass(frozen=True)
class Change:
    """A role whose public state changed at ``number``; ``public`` says if it is listed now."""

    number: int
    role: Opportunity
    organisation: Organisation

    @property
    def public(self) -> bool:
        return is_public(self.role, self.organisation)


def is_public(role: Opportunity, org: Organisation) -> bool:
    """In the open catalogue: published, by an approved organisation."""
    return role.status is Status.PUBLISHED and org.moderation is Moderation.APPROVED


class OpenDataRepository:
    """Queries over roles joined with their organisations."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.organisations = OrganisationRepository(session)
        self.roles = OpportunityRepository(session)

    def role(self, role_id: str) -> Opportunity | None:
        return self.roles.get(role_id)

    def public_page(
        self, after: tuple[str, str] | None, limit: int, org_id: str | None = None
    ) -> list[Opportunity]:
        """Public roles ordered by (organisation, id), after ``after`` (keyset paging)."""
        query = self._joined(sa.select(_roles)).where(_PUBLIC)
        if org_id is not None:
            query = query.where(_roles.c.organisation_id == org_id)
        if after is not None:
            org_id_after, role_id_after = after
            query = query.where(
                sa.or_(
                    _roles.c.organisation_id > org_id_after,
                    sa.and_(_roles.c.organisation_id == org_id_after, _roles.c.id > role_id_after),
                )
            )
        rows = self.session.execute(
            query.order_by(_roles.c.organisation_id, _roles.c.id).limit(limit)
        ).all()
        return [load_role(row) for row in rows]

    def last_modified(self, org_id: str | None = None) -> dt.datetime | None:
        """The latest change to a public role or to its organisation."""
        query = self._joined(
            sa.select(sa.func.max(_roles.c.updated_at), sa.func.max(organisations.c.updated_at))
        ).where(_PUBLIC)
        if org_id is not None:
            query = query.where(_roles.c.organisation_id == org_id)
        row = self.session.execute(query).one()
        moments = [_moment(value) for value in row if value is not None]
        return max(moments) if moments else None

    def changes(self, after: tuple[int, str] | None, limit: int) -> list[Change]:
        """Roles ever published, ordered by (change number, id), after ``after``."""
        query = sa.select(_roles, _change.label("change_number")).where(
            _change.is_not(None), _roles.c.published_at.is_not(None)
        )
        if after is not None:
            number, after_id = after
            query = query.where(
                sa.or_(_change > number, sa.and_(_change == number, _roles.c.id > after_id))
            )
        rows = self.session.execute(query.order_by(_change, _roles.c.id).limit(limit)).all()
        orgs = {o.id: o for o in self.organisations.get_many(r.organisation_id for r in rows)}
        return [Change(int(r.change_number), load_role(r), orgs[r.organisation_id]) for r in rows]

    def _joined(self, query: sa.Select) -> sa.Select:
        return query.select_from(
            _roles.join(organisations, organisations.c.id == _roles.c.organisation_id)
        )


def _moment(value: dt.datetime | str) -> dt.datetime:
    # max() over a SQLite DATETIME column comes back as text, not a datetime.
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    moment = aware(value)
    assert moment is not None
    return moment
