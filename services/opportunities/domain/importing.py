"""Records read from an open-data file, before they become organisations and roles.

A record carries the role's fields in the same shape the API accepts (codes, postcodes as
text), so an imported role goes through the very checks an API-created one does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class OrganisationRecord:
    name: str
    charity_number: str | None = None
    postcode: str | None = None
    website: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ImportRecord:
    """One role of a source: ``number`` is its row (CSV) or position (JSON-LD), from 1."""

    number: int
    source_id: str
    organisation: OrganisationRecord
    role: Mapping[str, Any]
    open: bool = True

    def fingerprint(self) -> str:
        """Changes whenever anything the import would write changes; stable otherwise."""
        body = {"organisation": self.organisation.__dict__, "role": self.role, "open": self.open}
        text = json.dumps(body, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Problem:
    """What is wrong with one record: its number, source id (if known), field and message.

    ``skipped`` is False for a warning: the record was imported without the faulty value.
    """

    number: int
    source_id: str | None
    field: str
    message: str
    skipped: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "record": self.number,
            "source_id": self.source_id,
            "field": self.field,
            "message": self.message,
            "skipped": self.skipped,
        }


@dataclass
class Outcome:
    """What an import did, for the report and the progress bar."""

    created: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    organisations_created: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "organisations_created": self.organisations_created,
            "skipped": len({p.number for p in self.problems if p.skipped}),
            "warnings": sum(1 for p in self.problems if not p.skipped),
            "problems": [p.as_dict() for p in self.problems],
        }


def normalise(text: str | None) -> str:
    """Lower case; every run of spaces or punctuation becomes one space."""
    return _NOT_WORD.sub(" ", (text or "").casefold()).strip()


def compact_postcode(postcode: str | None) -> str:
    return (postcode or "").replace(" ", "").upper()


def merge_key(organisation_name: str, title: str, postcode: str | None) -> str:
    """Records of different sources with this same key describe the same role.

    A remote role with no place has an empty postcode part.
    """
    return "|".join((normalise(organisation_name), normalise(title), compact_postcode(postcode)))
