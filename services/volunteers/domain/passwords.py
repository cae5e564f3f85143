"""Password rules and hashing (argon2id).

The rules follow the NCSC's advice: length over complexity, block the passwords attackers try
first, no composition rules. The blocklist is small on purpose: with a 10-character minimum
the short entries only matter once trailing digits and symbols are stripped
("Password123!" is "password").
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common.validation import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 1000

# A hundred of the most common passwords, from the NCSC's 2019 analysis of the Have I Been
# Pwned corpus (its top entries, UK football clubs, names and bands) and the top of the
# SecLists list, compared in lower case.
_COMMON = """
123456 123456789 qwerty password 111111 12345678 abc123 1234567 password1 12345 1234567890
123123 000000 iloveyou 1234 1q2w3e4r5t qwertyuiop 123 monkey dragon 654321 123321 666666
1qaz2wsx 121212 123qwe 1q2w3e4r 7777777 qwerty123 zxcvbnm 987654321 welcome letmein football
baseball sunshine princess shadow superman michael ashley daniel jessica charlie liverpool
chelsea arsenal manutd everton tottenham rangers celtic blink182 eminem metallica slipknot
naruto tigger pokemon batman starwars trustno1 master hello freedom whatever qazwsx passw0rd
admin login football1 jordan23 hunter buster soccer harley andrew thomas robert hockey
ranger computer michelle pepper maggie ginger joshua cheese amanda summer nicole chelsea1
matthew access yankees dallas austin thunder taylor matrix
"""
COMMON_PASSWORDS = frozenset(_COMMON.split())
_DIGITS_AND_SYMBOLS = "0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ "


def password_problems(password: str, email: str) -> list[str]:
    """What is wrong with ``password`` for the owner of ``email``, in plain English."""
    if not password:
        return ["Enter a password"]
    if len(password) < MIN_LENGTH:
        return [f"Your password must be at least {MIN_LENGTH} characters long"]
    if len(password) > MAX_LENGTH:
        return [f"Your password must be {MAX_LENGTH} characters or fewer"]
    problems = []
    if is_common(password):
        problems.append(
            "This password is too common and easy to guess. Try three random words instead"
        )
    if _contains_local_part(password, email):
        problems.append("Your password must not contain your email address")
    return problems


def check_password(password: str, email: str, field: str = "password") -> None:
    problems = password_problems(password, email)
    if problems:
        raise InvalidInput({field: problems})


def is_common(password: str) -> bool:
    lowered = password.lower()
    stripped = lowered.strip(_DIGITS_AND_SYMBOLS)
    return lowered in COMMON_PASSWORDS or (bool(stripped) and stripped in COMMON_PASSWORDS)


def _contains_local_part(password: str, email: str) -> bool:
    local = email.rpartition("@")[0].lower()
    # "jane+volunteering@…": both the whole local part and the mailbox name before the tag.
    candidates = {local, local.split("+", 1)[0]}
    # Very short local parts ("jo@…") would forbid half the alphabet; they are not checked.
    return any(len(c) >= 3 and c in password.lower() for c in candidates)


class Passwords:
    """argon2id hashing; a stored hash made with older parameters is upgraded on sign-in."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        # argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, 64 MiB, t=3).
        self.hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.hasher.check_needs_rehash(stored_hash)

    def verify_nothing(self, password: str) -> None:
        """Spend the time a real check takes, so "no such account" cannot be timed."""
        self.verify(self._decoy, password)

    @functools.cached_property
    def _decoy(self) -> str:
        return self.hasher.hash("not anyone's password")
