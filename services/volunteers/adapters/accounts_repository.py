"""Accounts, one-time links, sessions and attempts on SQLAlchemy Core (rows <-> domain)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.volunteers.adapters.copies import memberships, organisation_copies
from services.volunteers.adapters.orm import (
    account_sessions,
    account_tokens,
    accounts,
    auth_attempts,
)
from services.volunteers.adapters.profile_tables import profiles
from services.volunteers.domain.accounts import (
    Account,
    AccountType,
    Conflict,
    OneTimeToken,
    TokenPurpose,
)

EMAIL_TAKEN = (
    "An account with this email address already exists. Sign in, or reset your password if "
    "you have forgotten it."
)


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def email_taken(field: str = "email") -> Conflict:
    return Conflict(EMAIL_TAKEN, errors={field: [EMAIL_TAKEN]})


def approved_centre() -> sa.ColumnElement[bool]:
    """An organisation copy that is a Volunteer Centre and passed moderation."""
    o = organisation_copies
    return sa.and_(o.c.type == "volunteer_centre", o.c.moderation == "approved")


@dataclass(frozen=True)
class Contact:
    """An account we may email: a verified address, and the channels its profile allows."""

    account_id: str
    email: str
    name: str
    # From the profile; an account without one has the default, email.
    channels: tuple[str, ...] = ("email",)


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, account: Account) -> None:
        try:
            self.session.execute(accounts.insert().values(id=account.id, **_columns(account)))
        except IntegrityError as exc:  # a concurrent registration took the address first
            raise email_taken() from exc

    def save(self, account: Account) -> None:
        query = accounts.update().where(accounts.c.id == account.id).values(**_columns(account))
        try:
            self.session.execute(query)
        except IntegrityError as exc:
            raise email_taken("new_email") from exc

    def get(self, account_id: str) -> Account | None:
        row = self.session.execute(sa.select(accounts).where(accounts.c.id == account_id)).first()
        return None if row is None else _account(row)

    def by_email_key(self, key: str) -> Account | None:
        query = sa.select(accounts).where(accounts.c.email_key == key)
        row = self.session.execute(query).first()
        return None if row is None else _account(row)

    def key_taken(self, key: str) -> bool:
        query = sa.select(accounts.c.id).where(accounts.c.email_key == key)
        return self.session.execute(query).first() is not None

    def centres(self, account_id: str) -> list[str]:
        """The approved Volunteer Centres the account is a member of (it is their staff)."""
        m, o = memberships, organisation_copies
        query = (
            sa.select(o.c.id)
            .join(m, m.c.organisation_id == o.c.id)
            .where(m.c.account_id == account_id, approved_centre())
            .order_by(o.c.id)
        )
        return [str(found) for found in self.session.execute(query).scalars()]

    def contacts(self, account_ids: Iterable[str]) -> list[Contact]:
        """These accounts, those with a verified email address, by id."""
        return self._contacts(accounts.c.id.in_(sorted(account_ids)))

    def member_contacts(self, organisation_id: str) -> list[Contact]:
        """The organisation's members with a verified email address, by id."""
        members = sa.select(memberships.c.account_id).where(
            memberships.c.organisation_id == organisation_id
        )
        return self._contacts(accounts.c.id.in_(members))

    def _contacts(self, condition: sa.ColumnElement[bool]) -> list[Contact]:
        a, p = accounts, profiles
        query = (
            sa.select(a.c.id, a.c.email, a.c.name, p.c.contact_channels)
            .outerjoin(p, p.c.account_id == a.c.id)
            .where(condition, a.c.email_verified.is_(True))
            .order_by(a.c.id)
        )
        found = []
        for row in self.session.execute(query):
            contact = Contact(row.id, row.email, row.name)
            if row.contact_channels is not None:  # a profile: its choice stands, even none
                contact = Contact(row.id, row.email, row.name, tuple(row.contact_channels))
            found.append(contact)
        return found


def _columns(account: Account) -> dict[str, Any]:
    return {
        "email": account.email,
        "email_key": account.email_key,
        "name": account.name,
        "account_type": account.account_type.value,
        "password_hash": account.password_hash,
        "email_verified": account.email_verified,
        "roles": sorted(account.roles),
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }


def _account(row: Any) -> Account:
    return Account(
        id=row.id,
        email=row.email,
        name=row.name,
        account_type=AccountType(row.account_type),
        password_hash=row.password_hash,
        email_verified=bool(row.email_verified),
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        roles=frozenset(row.roles or ()),
    )


class TokenRepository:
    """One-time links by digest; a link is spent by stamping ``used_at``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: OneTimeToken) -> None:
        self.session.execute(
            account_tokens.insert().values(
                digest=token.digest,
                account_id=token.account_id,
                purpose=token.purpose.value,
                email=token.email,
                created_at=token.created_at,
                expires_at=token.expires_at,
            )
        )

    def get(self, digest: str) -> OneTimeToken | None:
        t = account_tokens
        query = sa.select(t).where(t.c.digest == digest)
        row = self.session.execute(query.with_for_update()).first()
        if row is None:
            return None
        return OneTimeToken(
            digest=row.digest,
            account_id=row.account_id,
            purpose=TokenPurpose(row.purpose),
            email=row.email,
            created_at=utc(row.created_at),
            expires_at=utc(row.expires_at),
            used_at=None if row.used_at is None else utc(row.used_at),
        )

    def spend_all(
        self, account_id: str, purposes: Iterable[TokenPurpose], now: dt.datetime
    ) -> None:
        """Use up every outstanding link of those kinds (the one just used included)."""
        t = account_tokens
        self.session.execute(
            t.update()
            .where(t.c.account_id == account_id, t.c.purpose.in_([p.value for p in purposes]))
            .where(t.c.used_at.is_(None))
            .values(used_at=now)
        )

    def prune(self, before: dt.datetime) -> int:
        result = self.session.execute(
            account_tokens.delete().where(account_tokens.c.expires_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class SessionRecord:
    digest: str
    account_id: str
    expires_at: dt.datetime


class SessionRepository:
    """Server-side sessions behind the session cookie, stored by digest."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, digest: str, account_id: str, now: dt.datetime, ttl: dt.timedelta) -> None:
        self.session.execute(
            account_sessions.insert().values(
                digest=digest,
                account_id=account_id,
                created_at=now,
                expires_at=now + ttl,
                last_seen_at=now,
            )
        )

    def active(self, digest: str, now: dt.datetime) -> SessionRecord | None:
        s = account_sessions
        row = self.session.execute(sa.select(s).where(s.c.digest == digest)).first()
        if row is None or utc(row.expires_at) <= now:
            return None
        self.session.execute(s.update().where(s.c.digest == digest).values(last_seen_at=now))
        return SessionRecord(row.digest, row.account_id, utc(row.expires_at))

    def delete(self, digest: str) -> None:
        self.session.execute(account_sessions.delete().where(account_sessions.c.digest == digest))

    def delete_for(self, account_id: str) -> int:
        s = account_sessions
        result = self.session.execute(s.delete().where(s.c.account_id == account_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def prune(self, now: dt.datetime) -> int:
        s = account_sessions
        result = self.session.execute(s.delete().where(s.c.expires_at < now))
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Marker:
    """The latest attempt that resets the failure count: a success, a lockout or a reset."""

    id: int
    outcome: str
    at: dt.datetime


class AttemptLog:
    """Attempts by address and by IP, counted in the database (shared by every worker)."""

    MARKERS = ("success", "lockout", "reset")

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self, kind: str, email_key: str | None, ip: str | None, outcome: str, now: dt.datetime
    ) -> None:
        self.session.execute(
            auth_attempts.insert().values(
                kind=kind, email_key=email_key, ip=ip, outcome=outcome, at=now
            )
        )

    def from_ip(self, kind: str, ip: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
        """How many attempts ``ip`` made since ``since``, and when the oldest of them was."""
        a = auth_attempts
        query = sa.select(sa.func.count(), sa.func.min(a.c.at)).where(
            a.c.kind == kind, a.c.ip == ip, a.c.at > since
        )
        count, oldest = self.session.execute(query).one()
        return int(count or 0), None if oldest is None else utc(oldest)

    def last_marker(self, kind: str, email_key: str) -> Marker | None:
        a = auth_attempts
        query = (
            sa.select(a.c.id, a.c.outcome, a.c.at)
            .where(a.c.kind == kind, a.c.email_key == email_key, a.c.outcome.in_(self.MARKERS))
            .order_by(a.c.id.desc())
            .limit(1)
        )
        row = self.session.execute(query).first()
        return None if row is None else Marker(row.id, row.outcome, utc(row.at))

    def count(
        self, kind: str, email_key: str, outcome: str, since: dt.datetime, after_id: int = 0
    ) -> int:
        a = auth_attempts
        query = sa.select(sa.func.count()).where(
            a.c.kind == kind,
            a.c.email_key == email_key,
            a.c.outcome == outcome,
            a.c.at > since,
            a.c.id > after_id,
        )
        return int(self.session.execute(query).scalar() or 0)

    def prune(self, before: dt.datetime) -> int:
        result = self.session.execute(auth_attempts.delete().where(auth_attempts.c.at < before))
        return int(getattr(result, "rowcount", 0) or 0)
