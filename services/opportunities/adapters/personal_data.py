"""The rows of the opportunities database about one person, by account id: read for an export,
forgotten for an erasure. Organisations themselves are the organisations' data, not a
member's: they stay.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.opportunities.adapters.orm import organisation_members, organisations
from services.opportunities.adapters.repository import aware


class PersonalData:
    """Memberships (the person's roles in organisations) and moderation decisions they made."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def memberships(self, account_id: str) -> list[dict[str, Any]]:
        m, o = organisation_members, organisations
        query = (
            sa.select(m.c.organisation_id, o.c.name.label("organisation_name"), m.c.role)
            .join(o, o.c.id == m.c.organisation_id)
            .where(m.c.account_id == account_id)
            .order_by(o.c.name, o.c.id)
        )
        return [dict(row) for row in self.session.execute(query).mappings()]

    def decisions(self, account_id: str) -> list[dict[str, Any]]:
        o = organisations
        query = (
            sa.select(
                o.c.id.label("organisation_id"),
                o.c.name.label("organisation_name"),
                o.c.moderation.label("decision"),
                o.c.decided_at,
            )
            .where(o.c.decided_by == account_id)
            .order_by(o.c.decided_at, o.c.id)
        )
        rows = [dict(row) for row in self.session.execute(query).mappings()]
        for row in rows:
            row["decided_at"] = aware(row["decided_at"])
        return rows

    def forget(self, account_id: str, pseudonym: str) -> list[str]:
        """Remove the person's memberships (returns those organisations' ids) and put
        ``pseudonym`` for them on the moderation decisions they made."""
        m, o = organisation_members, organisations
        left = list(
            self.session.execute(
                sa.select(m.c.organisation_id)
                .where(m.c.account_id == account_id)
                .order_by(m.c.organisation_id)
            ).scalars()
        )
        self.session.execute(sa.delete(m).where(m.c.account_id == account_id))
        self.session.execute(
            sa.update(o).where(o.c.decided_by == account_id).values(decided_by=pseudonym)
        )
        return left

    def ownerless(self, organisation_ids: list[str]) -> list[str]:
        """Those of the organisations that have no owner left."""
        m = organisation_members
        owned = set(
            self.session.execute(
                sa.select(m.c.organisation_id).where(
                    m.c.organisation_id.in_(organisation_ids), m.c.role == "owner"
                )
            ).scalars()
        )
        return [org_id for org_id in organisation_ids if org_id not in owned]
