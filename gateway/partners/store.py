"""The gateway's own tables: partners, their managers, API keys and rate-limit counters.

SQLite in embedded mode, PostgreSQL at scale (``Config.database_url`` for ``gateway``).
The counters live here, so every gunicorn worker and replica shares them; each worker
writes its counts in batches (``tally``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.common.db import insert_for

metadata = sa.MetaData()

partners = sa.Table(
    "partners",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("website", sa.String(500), nullable=False),
    sa.Column("contact_email", sa.String(320), nullable=False),
    sa.Column("created_by", sa.String(36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
partner_managers = sa.Table(
    "partner_managers",
    metadata,
    sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), primary_key=True),
    sa.Column("account_id", sa.String(36), primary_key=True),
)
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(12), primary_key=True),
    sa.Column(
        "partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True
    ),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("per_minute", sa.Integer, nullable=False),
    sa.Column("daily_quota", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)
key_origins = sa.Table(
    "api_key_origins",
    metadata,
    sa.Column("key_id", sa.String(12), sa.ForeignKey("api_keys.id"), primary_key=True),
    sa.Column("origin", sa.String(300), primary_key=True, index=True),
)
rate_counters = sa.Table(
    "rate_counters",
    metadata,
    sa.Column("bucket", sa.String(200), primary_key=True),
    sa.Column("window_start", sa.BigInteger, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False, index=True),
)


@dataclass(frozen=True)
class ApiKey:
    id: str
    partner_id: str
    name: str
    secret_hash: str
    per_minute: int
    daily_quota: int
    origins: tuple[str, ...]
    created_at: dt.datetime
    rotated_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def public(self) -> dict[str, Any]:
        """What a partner's manager may see: everything but the hash."""
        return {
            "id": self.id,
            "name": self.name,
            "per_minute": self.per_minute,
            "daily_quota": self.daily_quota,
            "allowed_origins": list(self.origins),
            "created_at": self.created_at,
            "rotated_at": self.rotated_at,
            "revoked_at": self.revoked_at,
            "active": self.revoked_at is None,
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PartnerStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Partners -------------------------------------------------------------------------
    def create_partner(self, fields: dict[str, str], account_id: str) -> dict[str, Any]:
        row = {"id": str(uuid.uuid4()), **fields, "created_by": account_id, "created_at": _now()}
        with self.engine.begin() as conn:
            conn.execute(partners.insert().values(row))
            manager = {"partner_id": row["id"], "account_id": account_id}
            conn.execute(partner_managers.insert().values(manager))
        return {**row, "managers": [account_id]}

    def partner(self, partner_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(partners.select().where(partners.c.id == partner_id)).first()
            if row is None:
                return None
            managers = conn.execute(
                sa.select(partner_managers.c.account_id).where(
                    partner_managers.c.partner_id == partner_id
                )
            ).scalars()
            return {**row._asdict(), "managers": sorted(managers)}

    def partners_managed_by(self, account_id: str) -> list[dict[str, Any]]:
        query = (
            sa.select(partners)
            .join(partner_managers, partner_managers.c.partner_id == partners.c.id)
            .where(partner_managers.c.account_id == account_id)
            .order_by(partners.c.created_at)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    # Keys -----------------------------------------------------------------------------
    def add_key(
        self, partner_id: str, key_id: str, secret_hash: str, fields: dict[str, Any]
    ) -> ApiKey:
        origins = fields.pop("allowed_origins", [])
        row = {"id": key_id, "partner_id": partner_id, "secret_hash": secret_hash, **fields}
        with self.engine.begin() as conn:
            conn.execute(api_keys.insert().values({**row, "created_at": _now()}))
            for origin in origins:
                conn.execute(key_origins.insert().values(key_id=key_id, origin=origin))
        found = self.key(key_id)
        assert found is not None
        return found

    def key(self, key_id: str) -> ApiKey | None:
        with self.engine.connect() as conn:
            return _load_key(conn, key_id)

    def keys_of(self, partner_id: str) -> list[ApiKey]:
        query = (
            sa.select(api_keys.c.id)
            .where(api_keys.c.partner_id == partner_id)
            .order_by(api_keys.c.created_at)
        )
        # One connection throughout: under SQLite a second one would wait on this one's lock.
        with self.engine.connect() as conn:
            found = [_load_key(conn, key_id) for key_id in list(conn.execute(query).scalars())]
        return [key for key in found if key is not None]

    def replace_secret(self, key_id: str, secret_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                api_keys.update()
                .where(api_keys.c.id == key_id)
                .values(secret_hash=secret_hash, rotated_at=_now())
            )

    def revoke(self, key_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                api_keys.update()
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=_now())
            )

    def origin_allowed_by_any_key(self, origin: str) -> bool:
        query = (
            sa.select(key_origins.c.key_id)
            .join(api_keys, api_keys.c.id == key_origins.c.key_id)
            .where(key_origins.c.origin == origin, api_keys.c.revoked_at.is_(None))
            .limit(1)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    # Counters -------------------------------------------------------------------------
    def increment(self, bucket: str, window_start: int, expires_at: int, amount: int = 1) -> int:
        """Add ``amount`` to a window's counter and return the new count, atomically.

        ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (PostgreSQL 9.5+, SQLite 3.35+):
        two workers counting at once both land, neither reads a stale value.
        """
        return self.increment_many([(bucket, window_start, expires_at, amount)])[0]

    def increment_many(self, rows: Sequence[tuple[str, int, int, int]]) -> list[int]:
        """``increment`` for each ``(bucket, window_start, expires_at, amount)`` in one
        transaction: a worker's batched counts cost one write lock (and one fsync)."""
        counts = []
        with self.engine.begin() as conn:
            for bucket, window_start, expires_at, amount in rows:
                statement = _increment(self.engine, bucket, window_start, expires_at, amount)
                counts.append(int(conn.execute(statement).scalar_one()))
            new_windows = [row[1] for row, count in zip(rows, counts, strict=True)
                           if count == row[3]]  # fmt: skip
            if new_windows:
                # A new window: a cheap moment to forget windows that have ended.
                ended = rate_counters.c.expires_at < max(new_windows)
                conn.execute(rate_counters.delete().where(ended))
        return counts


def _increment(engine: Engine, bucket: str, window_start: int, expires_at: int, amount: int) -> Any:
    insert = insert_for(engine, rate_counters).values(
        bucket=bucket, window_start=window_start, count=amount, expires_at=expires_at
    )
    return insert.on_conflict_do_update(
        index_elements=[rate_counters.c.bucket, rate_counters.c.window_start],
        set_={"count": rate_counters.c.count + amount},
    ).returning(rate_counters.c.count)


def _load_key(conn: sa.Connection, key_id: str) -> ApiKey | None:
    row = conn.execute(api_keys.select().where(api_keys.c.id == key_id)).first()
    if row is None:
        return None
    origins = conn.execute(
        sa.select(key_origins.c.origin).where(key_origins.c.key_id == key_id)
    ).scalars()
    return ApiKey(**row._asdict(), origins=tuple(sorted(origins)))
