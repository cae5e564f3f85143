"""What a volunteering role says about itself, and the rules that hold across its fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

TITLE_MAX = 150
SUMMARY_MAX = 500
DESCRIPTION_MAX = 20000
QUESTION_ID_MAX = 40
# Fields holding codes from a vocabulary of the UK Volunteering Data standard.
CODED_FIELDS: Mapping[str, str] = {
    "causes": "causes",
    "skills": "skills",
    "requirements": "requirements",
    "rewards": "rewards",
    "accessibility": "accessibility",
    "sessions": "session_times",
}


class Commitment(enum.StrEnum):
    ONE_OFF = "one_off"
    REGULAR = "regular"
    FLEXIBLE = "flexible"
    MICRO = "micro"


@dataclass(frozen=True)
class Location:
    """A place the role happens, placed from a full postcode (Code-Point Open)."""

    postcode: str
    latitude: float
    longitude: float
    district_code: str | None = None


@dataclass(frozen=True)
class DatedSession:
    """One session on a given day, local times "HH:MM"."""

    date: dt.date
    starts: str
    ends: str


@dataclass(frozen=True)
class Question:
    """A custom question the organisation asks applicants."""

    id: str
    text: str
    required: bool = False


@dataclass(frozen=True)
class Details:
    """The editable content of a role, in the order of the opportunities.v1 schema."""

    title: str
    summary: str = ""
    description: str = ""
    causes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    rewards: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    commitment: Commitment = Commitment.FLEXIBLE
    hours_per_week: float | None = None
    sessions: tuple[str, ...] = ()
    dated_sessions: tuple[DatedSession, ...] = ()
    locations: tuple[Location, ...] = ()
    remote: bool = False
    minimum_age: int | None = None
    maximum_age: int | None = None
    places: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    closes_on: dt.date | None = None
    apply_url: str | None = None
    questions: tuple[Question, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain values (lists and dicts; dates stay dates) for snapshots and storage."""
        # Not dataclasses.asdict: it deep-copies every value, and each role's events take
        # two snapshots, so a bulk import spent a fifth of its time here. The nested
        # dataclasses hold only scalars, so one level of conversion is the same result.
        # Coded lists hold only text (tuple[str, ...]): copied whole, not a call per code.
        fields = self.__dict__
        out = {name: fields[name] for name in _DETAIL_NAMES}
        for name in CODED_FIELDS:
            if type(out[name]) is tuple:
                out[name] = list(out[name])
        for name in _NESTED_FIELDS:
            out[name] = plain_value(out[name])
        out["commitment"] = self.commitment.value
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Details:
        """The inverse of ``as_dict``, also accepting JSON (ISO dates as text)."""
        values = dict(raw)
        for name in CODED_FIELDS:
            if name in values:
                values[name] = tuple(values[name])
        _convert(values, "commitment", Commitment)
        _convert(values, "dated_sessions", lambda v: tuple(_dated_session(s) for s in v))
        _convert(values, "locations", lambda v: tuple(Location(**loc) for loc in v))
        _convert(values, "questions", lambda v: tuple(Question(**q) for q in v))
        for name in ("starts_on", "ends_on", "closes_on"):
            _convert(values, name, _date)
        return cls(**values)

    def replace(self, **changes: Any) -> Details:
        return dataclasses.replace(self, **changes)


def _convert(values: dict[str, Any], name: str, convert: Callable[[Any], Any]) -> None:
    if values.get(name) is not None:
        values[name] = convert(values[name])


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _dated_session(raw: Mapping[str, Any]) -> DatedSession:
    return DatedSession(_date(raw["date"]), raw["starts"], raw["ends"])


Problem = tuple[str, str]  # (field path, message for a person)


def detail_problems(details: Details) -> dict[str, list[str]]:
    """Every rule ``details`` breaks, by field path; empty when the role is coherent."""
    errors: dict[str, list[str]] = {}
    for check in _CHECKS:
        for path, message in check(details):
            errors.setdefault(path, []).append(message)
    return errors


def _text_lengths(d: Details) -> Iterator[Problem]:
    if not d.title.strip():
        yield "title", "Give the role a title."
    for name, limit in (("title", TITLE_MAX), ("summary", SUMMARY_MAX)):
        if len(getattr(d, name)) > limit:
            yield name, f"Use at most {limit} characters."
    if len(d.description) > DESCRIPTION_MAX:
        yield "description", f"Use at most {DESCRIPTION_MAX} characters."


def _where(d: Details) -> Iterator[Problem]:
    if not d.locations and not d.remote:
        yield "locations", "Add at least one location, or say the role can be done remotely."


def _ages(d: Details) -> Iterator[Problem]:
    if d.minimum_age is not None and d.maximum_age is not None and d.minimum_age > d.maximum_age:
        yield "maximum_age", "The maximum age must not be below the minimum age."


def _dates(d: Details) -> Iterator[Problem]:
    if d.starts_on and d.ends_on and d.starts_on > d.ends_on:
        yield "ends_on", "The role must not end before it starts."


def _sessions(d: Details) -> Iterator[Problem]:
    for index, session in enumerate(d.dated_sessions):
        if session.ends <= session.starts:
            yield f"dated_sessions[{index}].ends", "A session must end after it starts."


def _questions(d: Details) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, question in enumerate(d.questions):
        if question.id in seen:
            yield f"questions[{index}].id", f"Question id '{question.id}' is used twice."
        seen.add(question.id)


_CHECKS = (_text_lengths, _where, _ages, _dates, _sessions, _questions)


_DETAIL_NAMES = tuple(f.name for f in dataclasses.fields(Details))
_NESTED = {
    kind: tuple(f.name for f in dataclasses.fields(kind))
    for kind in (Location, DatedSession, Question)
}


_NESTED_FIELDS = ("dated_sessions", "locations", "questions")


def plain_value(value: Any) -> Any:
    """One field's value as ``Details.as_dict`` gives it: a tuple as a list, its dataclasses
    as dicts; anything else as it is."""
    return [_flat(v) for v in value] if type(value) is tuple else value


def _flat(value: Any) -> Any:
    names = _NESTED.get(type(value))
    return value if names is None else {name: getattr(value, name) for name in names}
