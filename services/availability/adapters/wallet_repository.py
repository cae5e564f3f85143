"""Availability settings, windows, credentials and shares in the service's database.

Callers pass the session of their unit of work, so a change and its events commit together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from services.availability.adapters.tables import (
    availability_windows,
    credential_shares,
    credentials,
    micro_volunteers,
    organisation_copies,
)
from services.availability.domain.model import (
    DBS_RECHECK_YEARS,
    Credential,
    Window,
    add_years,
    reach_box,
)
from services.availability.domain.wallet import Entry, Settings, Verification
from services.common.db import insert_for

_mv, _win, _cred, _share = (
    micro_volunteers.c,
    availability_windows.c,
    credentials.c,
    credential_shares.c,
)


class SettingsRepository:
    """One row of settings per micro-volunteer, and their windows."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, account_id: str, *, lock: bool = False) -> Settings | None:
        query = sa.select(micro_volunteers).where(_mv.account_id == account_id)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        if row is None:
            return None
        return Settings(
            postcode=row.postcode, latitude=row.latitude, longitude=row.longitude,
            travel_km=row.travel_km, task_types=tuple(row.task_types), paused=row.paused,
            date_of_birth=row.date_of_birth, windows=self.windows(account_id),
            updated_at=_aware(row.updated_at),
        )  # fmt: skip

    def windows(self, account_id: str) -> tuple[Window, ...]:
        rows = self.session.execute(
            sa.select(availability_windows).where(_win.account_id == account_id).order_by(_win.id)
        )
        return tuple(
            Window(r.start_minute, r.end_minute, r.weekday, r.on_date, r.valid_from, r.valid_until)
            for r in rows
        )

    def save(self, account_id: str, settings: Settings, now: dt.datetime) -> None:
        """Insert or update the settings row (with the box of places in reach)."""
        box = reach_box(settings.latitude, settings.longitude, settings.travel_km)
        values = {
            "postcode": settings.postcode, "latitude": settings.latitude,
            "longitude": settings.longitude, "travel_km": settings.travel_km,
            "task_types": list(settings.task_types), "paused": settings.paused,
            "date_of_birth": settings.date_of_birth, "reach_min_lat": box[0],
            "reach_max_lat": box[1], "reach_min_lon": box[2], "reach_max_lon": box[3],
            "updated_at": now,
        }  # fmt: skip
        # One upsert, not update-then-insert: two first saves at once must not collide.
        upsert = insert_for(self.session, micro_volunteers).values(account_id=account_id, **values)
        self.session.execute(
            upsert.on_conflict_do_update(index_elements=[_mv.account_id], set_=values)
        )

    def replace_windows(self, account_id: str, windows: Iterable[Window]) -> None:
        self.session.execute(sa.delete(availability_windows).where(_win.account_id == account_id))
        rows = [
            {"account_id": account_id, "weekday": w.weekday, "on_date": w.on,
             "start_minute": w.start_minute, "end_minute": w.end_minute,
             "valid_from": w.valid_from, "valid_until": w.valid_until}
            for w in windows
        ]  # fmt: skip
        if rows:
            self.session.execute(sa.insert(availability_windows), rows)

    def delete(self, account_id: str) -> None:
        self.session.execute(sa.delete(availability_windows).where(_win.account_id == account_id))
        self.session.execute(sa.delete(micro_volunteers).where(_mv.account_id == account_id))


class WalletRepository:
    """Credentials, who may see them, and the organisations that can verify them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def entries(self, account_ids: Iterable[str]) -> list[Entry]:
        rows = self.session.execute(
            sa.select(credentials)
            .where(_cred.account_id.in_(list(account_ids)))
            .order_by(_cred.account_id, _cred.created_at, _cred.id)
        )
        return [_entry(r._mapping) for r in rows]

    def entry(self, credential_id: str, *, lock: bool = False) -> Entry | None:
        query = sa.select(credentials).where(_cred.id == credential_id)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        return None if row is None else _entry(row._mapping)

    def count(self, account_id: str) -> int:
        query = sa.select(sa.func.count()).where(_cred.account_id == account_id)
        return int(self.session.execute(query).scalar_one())

    def add(self, credential_id: str, account_id: str, values: Mapping[str, Any],
            now: dt.datetime) -> None:  # fmt: skip
        self.session.execute(
            sa.insert(credentials).values(
                id=credential_id, account_id=account_id, created_at=now, updated_at=now, **values
            )
        )

    def update(self, credential_id: str, values: Mapping[str, Any], now: dt.datetime) -> None:
        self.session.execute(
            sa.update(credentials).where(_cred.id == credential_id).values(updated_at=now, **values)
        )

    def delete(self, credential_id: str) -> None:
        self.session.execute(sa.delete(credentials).where(_cred.id == credential_id))

    def verify(self, credential_id: str, verification: Verification) -> None:
        self.session.execute(
            sa.update(credentials)
            .where(_cred.id == credential_id)
            .values(
                verified_by_organisation=verification.organisation_id,
                verified_by=verification.account_id,
                verified_at=verification.at,
            )
        )

    def organisations(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """id -> (name, moderation state) for the ids the service knows."""
        rows = self.session.execute(
            sa.select(organisation_copies.c.id, organisation_copies.c.name,
                      organisation_copies.c.moderation)
            .where(organisation_copies.c.id.in_(list(set(ids))))
        )  # fmt: skip
        return {r.id: (r.name, r.moderation) for r in rows}

    def shares(self, account_id: str) -> list[tuple[str, dt.datetime]]:
        rows = self.session.execute(
            sa.select(_share.organisation_id, _share.granted_at)
            .where(_share.account_id == account_id)
            .order_by(_share.granted_at, _share.organisation_id)
        )
        return [(r.organisation_id, _aware(r.granted_at)) for r in rows]

    def replace_shares(
        self, account_id: str, organisation_ids: list[str], now: dt.datetime
    ) -> None:
        """Keep the grant time of shares that stay; add and remove the rest."""
        held = {org for org, _ in self.shares(account_id)}
        gone = held - set(organisation_ids)
        if gone:
            self.session.execute(
                sa.delete(credential_shares).where(
                    _share.account_id == account_id, _share.organisation_id.in_(gone)
                )
            )
        new = [o for o in organisation_ids if o not in held]
        if new:
            rows = [
                {"account_id": account_id, "organisation_id": o, "granted_at": now} for o in new
            ]
            self.session.execute(sa.insert(credential_shares), rows)

    def shares_with(self, account_id: str, organisation_id: str) -> bool:
        query = sa.select(_share.account_id).where(
            _share.account_id == account_id, _share.organisation_id == organisation_id
        )
        return self.session.execute(query).first() is not None

    def sharers(
        self, organisation_id: str, offset: int, limit: int
    ) -> list[tuple[str, dt.datetime]]:
        """(account id, granted at) of those who share with the organisation, oldest first."""
        rows = self.session.execute(
            sa.select(_share.account_id, _share.granted_at)
            .where(_share.organisation_id == organisation_id)
            .order_by(_share.granted_at, _share.account_id)
            .offset(offset)
            .limit(limit)
        )
        return [(r.account_id, _aware(r.granted_at)) for r in rows]

    def reminder_candidates(self, today: dt.date, horizon: dt.date, limit: int) -> list[Entry]:
        """Unreminded credentials that may lapse between today and the horizon: a prefilter
        on indexed dates, a day generous for 29 February; the caller applies the exact rule."""
        day = dt.timedelta(days=1)
        recheck_from = add_years(today, -DBS_RECHECK_YEARS) - day
        recheck_to = add_years(horizon, -DBS_RECHECK_YEARS) + day
        rows = self.session.execute(
            sa.select(credentials)
            .where(
                _cred.reminded_at.is_(None),
                sa.or_(
                    _cred.expires_on.between(today, horizon),
                    sa.and_(
                        _cred.kind == "dbs",
                        _cred.update_service.is_(False),
                        _cred.obtained_on.between(recheck_from, recheck_to),
                    ),
                ),
            )
            .order_by(_cred.id)
            .limit(limit)
        )
        return [_entry(r._mapping) for r in rows]

    def mark_reminded(self, credential_id: str, now: dt.datetime) -> bool:
        """Claim the reminder: False if another run (or process) already sent it."""
        done = self.session.execute(
            sa.update(credentials)
            .where(_cred.id == credential_id, _cred.reminded_at.is_(None))
            .values(reminded_at=now)
        )
        return bool(getattr(done, "rowcount", 0) == 1)


def _entry(row: RowMapping) -> Entry:
    credential = Credential(
        id=row["id"], kind=row["kind"], code=row["code"], obtained_on=row["obtained_on"],
        expires_on=row["expires_on"], dbs_level=row["dbs_level"],
        dbs_workforce=row["dbs_workforce"], update_service=bool(row["update_service"]),
        verified=row["verified_at"] is not None,
    )  # fmt: skip
    verification = None
    if row["verified_at"] is not None:
        verification = Verification(
            row["verified_by_organisation"], row["verified_by"], _aware(row["verified_at"])
        )
    return Entry(
        credential, row["account_id"], verification, _optional_aware(row["reminded_at"]),
        _aware(row["created_at"]), _aware(row["updated_at"]),
    )  # fmt: skip


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _optional_aware(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else _aware(moment)
