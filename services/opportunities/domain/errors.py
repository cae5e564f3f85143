"""Domain errors: what went wrong in business terms. The HTTP edge maps them to problems.

Bad input is ``services.common.validation.InvalidInput`` (plain Python, rendered as 422).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses; ``code`` names the kind of refusal for clients."""

    code = "error"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.code
        self.extra = extra


class NotFound(DomainError):
    """There is no such thing, or the caller may not know it exists."""

    code = "not-found"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (an illegal transition, the last owner)."""

    code = "conflict"
