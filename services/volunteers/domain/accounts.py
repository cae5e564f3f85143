"""Accounts: who may sign in, with which verified email address, and when they may not.

Plain Python: no Flask, no SQLAlchemy. Secrets (verification and reset links, session ids)
are random strings the owner holds; only their SHA-256 digests are ever stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from services.common.validation import InvalidInput
from services.volunteers.domain.passwords import password_problems

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class AccountType(StrEnum):
    VOLUNTEER = "volunteer"
    ORGANISATION = "organisation"


class TokenPurpose(StrEnum):
    """What a one-time link in an email lets its holder do."""

    VERIFY_EMAIL = "verify-email"
    CHANGE_EMAIL = "change-email"
    RESET_PASSWORD = "reset-password"


TOKEN_TTL = {
    TokenPurpose.VERIFY_EMAIL: dt.timedelta(hours=48),
    TokenPurpose.CHANGE_EMAIL: dt.timedelta(hours=48),
    TokenPurpose.RESET_PASSWORD: dt.timedelta(hours=1),
}
SESSION_TTL = dt.timedelta(days=30)


class DomainError(Exception):
    """A request the domain refuses; ``code`` names the kind of refusal for clients."""

    code = "error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    code = "not-found"


class Conflict(DomainError):
    code = "conflict"


class InvalidCredentials(DomainError):
    """Wrong email, wrong password or an ended session: which one is never said."""

    code = "invalid-credentials"


class TooManyAttempts(DomainError):
    """Throttled: try again in ``retry_after`` (the HTTP edge sends Retry-After)."""

    code = "too-many-attempts"

    def __init__(self, detail: str, retry_after: dt.timedelta) -> None:
        super().__init__(detail)
        self.retry_after = max(retry_after, dt.timedelta(seconds=1))


@dataclass(frozen=True)
class AccountRegistered:
    account_id: str
    account_type: str
    registered_at: dt.datetime


@dataclass(frozen=True)
class AccountEmailVerified:
    account_id: str
    verified_at: dt.datetime


# Events carry ids, types and times only: no email, no name (they are kept in the log).
AccountEvent = AccountRegistered | AccountEmailVerified


@dataclass
class Account:
    """A person's (or an organisation's) way into the platform."""

    id: str
    email: str
    name: str
    account_type: AccountType
    password_hash: str
    email_verified: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    roles: frozenset[str] = frozenset()
    events: list[AccountEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def register(
        cls,
        *,
        email: str,
        name: str,
        account_type: AccountType,
        password_hash: str,
        now: dt.datetime,
    ) -> Account:
        account = cls(
            id=str(uuid.uuid4()),
            email=normalise_email(email),
            name=normalise_name(name),
            account_type=account_type,
            password_hash=password_hash,
            email_verified=False,
            created_at=now,
            updated_at=now,
        )
        account.events.append(AccountRegistered(account.id, account_type.value, now))
        return account

    @property
    def email_key(self) -> str:
        return email_key(self.email)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def verify_email(self, address: str, now: dt.datetime) -> bool:
        """Mark ``address`` verified (switching to it for a change); False if nothing changed."""
        if self.email_verified and address == self.email:
            return False
        self.email, self.email_verified, self.updated_at = address, True, now
        self.events.append(AccountEmailVerified(self.id, now))
        return True

    def change_password(self, password_hash: str, now: dt.datetime) -> None:
        self.password_hash, self.updated_at = password_hash, now

    def grant(self, role: str, now: dt.datetime) -> None:
        self.roles, self.updated_at = self.roles | {role}, now


@dataclass(frozen=True)
class OneTimeToken:
    """A stored link: its digest, whose it is, the address it went to, what it allows, until."""

    digest: str
    account_id: str
    purpose: TokenPurpose
    email: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None

    @classmethod
    def issue(
        cls, account_id: str, purpose: TokenPurpose, email: str, now: dt.datetime
    ) -> tuple[str, OneTimeToken]:
        """A fresh secret for the email, and the record to store (its digest only)."""
        secret = new_secret()
        expires = now + TOKEN_TTL[purpose]
        return secret, cls(digest(secret), account_id, purpose, email, now, expires)

    def refusal(self, now: dt.datetime) -> str | None:
        """Why this link no longer works, in words for the person holding it; None if it does."""
        if self.used_at is not None:
            return "This link has already been used. Ask for a new one if you need it."
        if now >= self.expires_at:
            return "This link has expired. Ask for a new one."
        return None


UNKNOWN_TOKEN = "This link is not valid. Check you copied all of it, or ask for a new one."


@dataclass(frozen=True)
class SignInPolicy:
    """Lock an address after repeated failures; cap attempts from one IP address."""

    max_failures: int = 5
    failure_window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    per_ip: int = 20
    ip_window: dt.timedelta = dt.timedelta(minutes=1)
    # Emails one address may be sent per hour by reset or resend requests (mail-bombing).
    mails_per_hour: int = 3


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(raw: str, field_name: str = "email") -> str:
    """Trimmed, with the domain in lower case (the local part is the mail server's business)."""
    address = (raw or "").strip()
    if not address:
        raise InvalidInput.field(field_name, "Enter an email address")
    local, at, domain = address.rpartition("@")
    domain = domain.lower().rstrip(".")
    valid = (
        at
        and 0 < len(local) <= 64
        and "." in domain
        and len(address) <= 254
        and not any(ch.isspace() for ch in address)
        and "@" not in local
        and all(part for part in domain.split("."))
    )
    if not valid:
        raise InvalidInput.field(field_name, EMAIL_FORMAT)
    return f"{local}@{domain}"


def email_key(email: str) -> str:
    """What makes two addresses "the same" for uniqueness and sign-in: case is ignored."""
    return email.casefold()


def normalise_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise InvalidInput.field("name", "Enter your name")
    if len(name) > 200:
        raise InvalidInput.field("name", "Your name must be 200 characters or fewer")
    return name


def check_registration(
    email: str, password: str, name: str, account_type: str
) -> tuple[str, AccountType]:
    """The normalised address and the type; every field's problems at once if any."""
    errors: dict[str, list[str]] = {}
    kinds = {kind.value: kind for kind in AccountType}
    if account_type not in kinds:
        errors["account_type"] = ["Choose whether this is a volunteer or an organisation account"]
    address = _collect(errors, normalise_email, email)
    _collect(errors, normalise_name, name)
    if problems := password_problems(password, address or email):
        errors["password"] = problems
    if errors:
        raise InvalidInput(errors)
    return address, kinds[account_type]


def _collect(errors: dict[str, list[str]], check: Callable[[str], str], value: str) -> str:
    try:
        return check(value)
    except InvalidInput as exc:
        errors.update(exc.errors)
        return ""
