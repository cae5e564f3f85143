"""The coded lists of the UK Volunteering Data standard, read from checked-in JSON.

Standard library only (``generate.py`` is the dev-time side that needs rdflib). Services
validate incoming codes with ``Vocabulary.validate``, label them for people with
``label``, and feed ``synonym_pairs`` to the search index's synonym filter.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
NAMES = ("causes", "skills", "requirements", "rewards", "accessibility", "session_times")


@dataclass(frozen=True)
class Concept:
    """One coded value: ``code`` is the local name of ``iri`` (``DBSCheck``)."""

    code: str
    iri: str
    label: str
    synonyms: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    definition: str | None = None
    # Session times only: day, part_of_day, starts and ends ("Monday", "morning", "06:00").
    details: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Concept:
        known = {"code", "iri", "label", "synonyms", "broader", "definition"}
        return cls(
            code=raw["code"],
            iri=raw["iri"],
            label=raw["label"],
            synonyms=tuple(raw.get("synonyms", ())),
            broader=tuple(raw.get("broader", ())),
            definition=raw.get("definition"),
            details={k: str(v) for k, v in raw.items() if k not in known},
        )


@dataclass(frozen=True)
class Vocabulary:
    """One coded list (causes, skills, ...).

    ``concepts`` holds every concept in the source, including the taxonomy's top concept
    (``Cause``), which names the list itself; ``codes`` are the ones an opportunity may
    carry, i.e. all but the top concept.
    """

    name: str
    item: str  # singular noun for messages: "cause", "accessibility feature"
    attribution: str
    source: Mapping[str, str]
    top_concept: str | None
    concepts: tuple[Concept, ...]
    _by_code: Mapping[str, Concept] = field(init=False, repr=False, compare=False)
    _by_text: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {c.code: c for c in self.concepts})
        object.__setattr__(self, "_by_text", _text_index(self.concepts))

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Vocabulary:
        return cls(
            name=raw["name"],
            item=raw.get("item", raw["name"]),
            attribution=raw["attribution"],
            source=dict(raw["source"]),
            top_concept=raw.get("top_concept"),
            concepts=tuple(Concept.from_json(c) for c in raw["concepts"]),
        )

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.concepts if c.code != self.top_concept)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code and code != self.top_concept

    def concept(self, code: str) -> Concept:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(self._unknown(code)) from None

    def label(self, code: str) -> str:
        """The English label for people: ``label("DBSCheck")`` -> "DBS Check"."""
        return self.concept(code).label

    def find(self, text: str) -> str | None:
        """The code whose code, label or synonym matches ``text`` ignoring case, if one does."""
        return self._by_text.get(text.strip().casefold())

    def narrower(self, code: str) -> frozenset[str]:
        """``code`` and every concept below it: a search for "Health" matches its sub-causes."""
        self.concept(code)
        found = {code}
        while True:
            more = {c.code for c in self.concepts if found.intersection(c.broader)} - found
            if not more:
                return frozenset(found)
            found |= more

    def validate(self, codes: Iterable[object]) -> list[str]:
        """One plain-English message per unknown code; an empty list means all are valid."""
        errors = []
        for code in dict.fromkeys(codes):  # each problem once, in the order given
            if not isinstance(code, str):
                errors.append(f"Each {self.item} must be a code (text), not {code!r}.")
            elif code not in self:
                errors.append(self._unknown(code))
        return errors

    def synonym_pairs(self) -> list[tuple[str, list[str]]]:
        """(label, synonyms) for every concept that has synonyms, for search synonym filters."""
        return [(c.label, list(c.synonyms)) for c in self.concepts if c.synonyms]

    def _unknown(self, code: str) -> str:
        if code == self.top_concept:
            first = f"'{code}' names the whole list, not one {self.item}."
        else:
            first = f"Unknown {self.item} '{code}'."
            match = self.find(code)
            if match and match != self.top_concept:
                first += f" Did you mean '{match}'?"
        if not self.codes:
            return f"{first} The standard does not define any {self.name} yet."
        return f"{first} Valid codes: {', '.join(self.codes)}"


def _text_index(concepts: Iterable[Concept]) -> dict[str, str]:
    """casefolded code, label or synonym -> code.

    Codes and labels win over synonyms, and a synonym two concepts share ("Society" is
    both an arts and a community cause) points at neither: guessing would mislead.
    """
    index: dict[str, str] = {}
    owners: dict[str, set[str]] = {}
    for concept in concepts:
        index[concept.code.casefold()] = concept.code
        index[concept.label.casefold()] = concept.code
        for synonym in concept.synonyms:
            owners.setdefault(synonym.casefold(), set()).add(concept.code)
    for key, codes in owners.items():
        if key not in index and len(codes) == 1:
            index[key] = next(iter(codes))
    return index


@dataclass(frozen=True)
class Vocabularies:
    """All the coded lists, by name."""

    by_name: Mapping[str, Vocabulary]

    def names(self) -> tuple[str, ...]:
        return tuple(self.by_name)

    def get(self, name: str) -> Vocabulary:
        try:
            return self.by_name[name]
        except KeyError:
            valid = ", ".join(self.by_name)
            raise KeyError(f"No vocabulary called {name!r}. Valid names: {valid}") from None

    def __getitem__(self, name: str) -> Vocabulary:
        return self.get(name)

    @property
    def attribution(self) -> str:
        return next(iter(self.by_name.values())).attribution


@functools.cache
def load_vocabularies(data_dir: Path = DATA_DIR) -> Vocabularies:
    """Read every vocabulary once per process (the files are part of the package)."""
    by_name = {}
    for name in NAMES:
        raw = json.loads((data_dir / f"{name}.json").read_text(encoding="utf-8"))
        by_name[name] = Vocabulary.from_json(raw)
    return Vocabularies(by_name)
