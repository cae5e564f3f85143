"""The profiles table, and the profile repository on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.volunteers.adapters.orm import metadata
from services.volunteers.domain.profile import Consent, Profile

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("postcode", sa.String(8), nullable=True),
    sa.Column("latitude", sa.Float, nullable=True),
    sa.Column("longitude", sa.Float, nullable=True),
    sa.Column("travel_km", sa.Float, nullable=False),
    sa.Column("causes", sa.JSON, nullable=False),
    sa.Column("skills", sa.JSON, nullable=False),
    sa.Column("availability", sa.JSON, nullable=False),
    sa.Column("commitments", sa.JSON, nullable=False),
    sa.Column("date_of_birth", sa.Date, nullable=True),
    sa.Column("accessibility_needs", sa.Text, nullable=False),
    sa.Column("contact_channels", sa.JSON, nullable=False),
    sa.Column("phone", sa.String(30), nullable=True),
    sa.Column("consents", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
)
_LISTS = ("causes", "skills", "availability", "commitments", "contact_channels")


class ProfileRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, account_id: str) -> Profile:
        row = self.session.execute(
            sa.select(profiles).where(profiles.c.account_id == account_id)
        ).first()
        if row is None:
            return Profile(account_id)
        values: dict[str, Any] = dict(row._mapping)
        for name in _LISTS:
            values[name] = tuple(values[name])
        values["consents"] = {
            name: Consent(c["given"], dt.datetime.fromisoformat(c["at"]))
            for name, c in values["consents"].items()
        }
        return Profile(**values)

    def save(self, profile: Profile) -> None:
        columns = [c.name for c in profiles.columns if c.name != "account_id"]
        values: dict[str, Any] = {name: getattr(profile, name) for name in columns}
        for name in _LISTS:
            values[name] = list(values[name])
        values["consents"] = {
            name: {"given": c.given, "at": c.at.isoformat()} for name, c in profile.consents.items()
        }
        found = self.session.execute(
            sa.update(profiles).where(profiles.c.account_id == profile.account_id).values(**values)
        )
        if not getattr(found, "rowcount", 0):
            self.session.execute(profiles.insert().values(account_id=profile.account_id, **values))
