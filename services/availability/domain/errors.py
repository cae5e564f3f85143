"""Refusals the availability service's rules raise; the HTTP layer maps them to problems."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the rules refuse; ``code`` names the problem type, ``detail`` says why."""

    code = "bad-request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    code = "not-found"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class Invalid(DomainError):
    """Well-formed input the rules refuse; ``errors`` maps field paths to messages."""

    code = "validation"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.values()))[0] if errors else "Invalid input."
        super().__init__(first)
        self.errors = errors
