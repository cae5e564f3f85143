"""Input errors raised below the HTTP layer (service layer, adapters), free of Flask.

The HTTP edge renders them as 422 problem+json with the same field map marshmallow gives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class InvalidInput(ValueError):
    """One or more fields are wrong; ``errors`` maps each field to plain-English messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = {k: list(v) for k, v in errors.items()}

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls({name: [message]})
