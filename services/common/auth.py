"""Access tokens: the gateway issues them, every service verifies them.

HS256 JWTs (PyJWT) signed with ``Config.auth_secret``. A token says who the caller is
(``sub``, an account id), whether their email address is verified, and their platform-wide
roles (``admin``; ``vc_staff`` with the Volunteer Centre organisations they work for) and,
when the volunteers service minted it, the account type (``volunteer`` or ``organisation``).
Membership of an organisation is *not* in the token: the opportunities service owns it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jwt
from flask import current_app, g, request

from services.common.config import Config
from services.common.problems import Problem

ISSUER = "vmp-gateway"
AUDIENCE = "vmp"
ALGORITHM = "HS256"
ACCESS_TOKEN_TTL = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Principal:
    """The verified caller of a request."""

    account_id: str
    email_verified: bool = False
    roles: frozenset[str] = frozenset()
    # Volunteer Centres (organisation ids) a ``vc_staff`` account works for.
    centres: frozenset[str] = frozenset()
    # "volunteer" or "organisation"; None in tokens minted without it (tools, older tokens).
    account_type: str | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


def issue_token(
    secret: str,
    account_id: str,
    *,
    email_verified: bool = True,
    roles: Iterable[str] = (),
    centres: Iterable[str] = (),
    ttl: dt.timedelta = ACCESS_TOKEN_TTL,
    now: dt.datetime | None = None,
    account_type: str | None = None,
) -> str:
    now = now or dt.datetime.now(dt.UTC)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": account_id,
        "iat": now,
        "exp": now + ttl,
        "email_verified": email_verified,
        "roles": sorted(roles),
        "centres": sorted(centres),
    }
    if account_type is not None:
        claims["account_type"] = account_type
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(secret: str, token: str) -> Principal:
    """The principal in a valid token; ``Problem(401)`` for anything else."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorised("Your sign-in has expired. Sign in again.") from exc
    except jwt.PyJWTError as exc:
        raise _unauthorised("The access token is not valid.") from exc
    return Principal(
        account_id=str(claims["sub"]),
        email_verified=bool(claims.get("email_verified")),
        roles=frozenset(claims.get("roles") or ()),
        centres=frozenset(claims.get("centres") or ()),
        account_type=_optional_str(claims.get("account_type")),
    )


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def resolve_secret(config: Config) -> str:
    """The configured secret; in development, one generated once and kept in the data folder."""
    if config.auth_secret:
        return config.auth_secret
    if config.production:
        raise RuntimeError("VMP_AUTH_SECRET must be set in production")
    path = Path(config.data_dir) / "auth-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def current_principal() -> Principal | None:
    """The caller of this request if it carries a bearer token (which must then be valid)."""
    if "principal" in g:
        principal: Principal | None = g.principal
        return principal
    header = request.headers.get("Authorization", "")
    principal = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorised("Send the access token as 'Authorization: Bearer <token>'.")
        principal = verify_token(current_app.config["VMP_AUTH_SECRET"], token.strip())
    g.principal = principal
    return principal


def require_principal(*, verified: bool = True) -> Principal:
    """The caller, who must be signed in (and, by default, have verified their email)."""
    principal = current_principal()
    if principal is None:
        raise _unauthorised("Sign in to do this.")
    if verified and not principal.email_verified:
        raise Problem(403, "Forbidden", "Verify your email address before doing this.")
    return principal


def _unauthorised(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})
