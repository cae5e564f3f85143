"""Organisation repository on SQLAlchemy Core (rows <-> domain objects)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.opportunities.adapters.orm import organisations
from services.opportunities.domain.model import Organisation, OrganisationType


class OrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, org: Organisation) -> None:
        self.session.execute(
            organisations.insert().values(
                id=org.id,
                name=org.name,
                type=org.type.value,
                postcode=org.postcode,
                website=org.website,
                description=org.description,
                registered_at=org.registered_at,
            )
        )

    def save(self, org: Organisation) -> None:
        self.session.execute(
            organisations.update().where(organisations.c.id == org.id).values(name=org.name)
        )

    def get(self, org_id: str) -> Organisation | None:
        row = self.session.execute(
            sa.select(organisations).where(organisations.c.id == org_id)
        ).first()
        if row is None:
            return None
        return Organisation(
            id=row.id,
            name=row.name,
            type=OrganisationType(row.type),
            postcode=row.postcode,
            website=row.website,
            description=row.description,
            registered_at=row.registered_at,
        )

    def count(self) -> int:
        return int(self.session.scalar(sa.select(sa.func.count()).select_from(organisations)) or 0)
