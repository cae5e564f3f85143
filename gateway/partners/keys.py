"""API keys as text: making, parsing and checking them. No Flask, no SQL.

A key reads ``vmp_live_<key id>_<secret>``. The id is stored in the clear so a lookup is
one indexed read; the secret is 256 random bits, so a plain SHA-256 of it is enough (a slow
password hash guards guessable secrets; these are not guessable). Only the hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

PREFIX = "vmp_live_"


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    plaintext: str  # shown to the partner once, never stored
    secret_hash: str


def new_key_id() -> str:
    return secrets.token_hex(6)


def issue(key_id: str) -> IssuedKey:
    secret = secrets.token_urlsafe(32)
    return IssuedKey(key_id, f"{PREFIX}{key_id}_{secret}", hash_secret(secret))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(plaintext: str) -> tuple[str, str] | None:
    """``(key id, secret)``, or None when the text is not shaped like one of our keys."""
    if not plaintext.startswith(PREFIX):
        return None
    key_id, sep, secret = plaintext[len(PREFIX) :].partition("_")
    if not sep or len(key_id) != 12 or not secret:
        return None
    return key_id, secret


def matches(secret: str, secret_hash: str) -> bool:
    # Constant time, so the comparison does not leak how much of a guess was right.
    return hmac.compare_digest(hash_secret(secret), secret_hash)


def normalise_origin(value: str) -> str | None:
    """``scheme://host[:port]`` as a browser sends it in ``Origin``, or None if not one.

    Browsers leave out default ports and lower-case the host, so we do too: an exact string
    comparison with the request's ``Origin`` is then the exact scheme+host+port match.
    """
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"
