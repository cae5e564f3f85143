"""The rules for a volunteer's availability settings and their credentials wallet.

Plain Python: the HTTP layer has already checked the shape of the input (types, known
fields); these functions check what the shape cannot (a window ends after it starts, an
expiry follows the issue date, a code is on its list) and name the field at fault, the way
a partner's form needs it (``windows[2].end``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.availability.domain.errors import Invalid
from services.availability.domain.model import (
    DBS_CODE,
    DBS_LEVELS,
    DBS_RECHECK_YEARS,
    MAX_TRAVEL_KM,
    TASK_TYPES,
    TRAINING_TYPES,
    UK,
    WORKFORCES,
    Credential,
    Window,
    add_years,
    age_on,
    minute_of,
)
from services.common.vocab import load_vocabularies

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_TRAVEL_KM = 0.5
MAX_WINDOWS = 50
# Tasks set their own minimum age; nobody younger than this takes part at all.
MIN_VOLUNTEER_AGE = 16
MAX_PLAUSIBLE_AGE = 110
# How far ahead a one-off window or a weekly window's first day may be.
MAX_DAYS_AHEAD = 731
EXPIRY_NOTICE_DAYS = 30
EARLIEST_CREDENTIAL = dt.date(1950, 1, 1)

KINDS = ("dbs", "training", "requirement")
# The fields of each kind's document (all required but OPTIONAL). A DBS check is recorded by
# what it says about the holder, never by its certificate number or contents.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "dbs": ("level", "workforce", "issued_on", "update_service"),
    "training": ("type", "completed_on", "expires_on"),
    "requirement": ("code", "obtained_on", "expires_on"),
}
OPTIONAL = frozenset({"update_service", "expires_on"})
# Each kind's name for the day it was obtained (the ``obtained_on`` column).
OBTAINED = {"dbs": "issued_on", "training": "completed_on", "requirement": "obtained_on"}
# Changing any of these changes what a verifier vouched for.
SUBSTANCE = ("code", "obtained_on", "expires_on", "dbs_level", "dbs_workforce", "update_service")
MISSING = "Missing data for required field."


class Problems(dict[str, list[str]]):
    """Messages by field path, gathered so one answer names every field at fault."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise Invalid(dict(self))


def uk_today(now: dt.datetime) -> dt.date:
    return now.astimezone(UK).date()


# ---- availability settings ----


@dataclass(frozen=True)
class Settings:
    """A micro-volunteer's settings; the position is where their postcode lies."""

    postcode: str
    latitude: float
    longitude: float
    travel_km: float
    task_types: tuple[str, ...]
    paused: bool
    date_of_birth: dt.date
    windows: tuple[Window, ...] = ()
    updated_at: dt.datetime | None = None


def check_settings(data: Mapping[str, Any], today: dt.date) -> tuple[Window, ...] | None:
    """Check the fields present (all of them for a replace, some for a change); the windows,
    parsed, when ``data`` has them."""
    problems = Problems()
    if "travel_km" in data:
        _check_travel(problems, data["travel_km"])
    if "task_types" in data:
        _check_task_types(problems, data["task_types"])
    if "date_of_birth" in data:
        _check_birth(problems, data["date_of_birth"], today)
    windows = None
    if "windows" in data:
        windows = _windows(problems, data["windows"], today)
    problems.raise_any()
    return windows


def _check_travel(problems: Problems, km: float) -> None:
    if not MIN_TRAVEL_KM <= km <= MAX_TRAVEL_KM:
        problems.add("travel_km", f"Give a distance from {MIN_TRAVEL_KM} to {MAX_TRAVEL_KM:g} km.")


def _check_task_types(problems: Problems, codes: Sequence[str]) -> None:
    if not codes:
        problems.add("task_types", "Choose at least one type of task.")
    for index, code in enumerate(codes):
        if code not in TASK_TYPES:
            valid = ", ".join(TASK_TYPES)
            problems.add(f"task_types[{index}]", f"Unknown task type '{code}'. Valid: {valid}")


def _check_birth(problems: Problems, born: dt.date, today: dt.date) -> None:
    age = age_on(born, today)
    if age < MIN_VOLUNTEER_AGE:
        problems.add(
            "date_of_birth",
            f"You need to be at least {MIN_VOLUNTEER_AGE} to take micro-volunteering tasks.",
        )
    elif age > MAX_PLAUSIBLE_AGE:
        problems.add("date_of_birth", "Check the year: this date is too long ago.")


def _windows(problems: Problems, raws: Sequence[Mapping[str, Any]], today: dt.date) -> tuple:
    if len(raws) > MAX_WINDOWS:
        problems.add("windows", f"Give at most {MAX_WINDOWS} windows.")
        return ()
    found = (_window(problems, f"windows[{i}]", raw, today) for i, raw in enumerate(raws))
    return tuple(w for w in found if w is not None)


def _window(problems: Problems, at: str, raw: Mapping[str, Any], today: dt.date) -> Window | None:
    before = len(problems)
    start = _minute(problems, f"{at}.start", raw["start"])
    end = _minute(problems, f"{at}.end", raw["end"])
    if start is not None and end is not None and start >= end:
        problems.add(f"{at}.end", f"Must be later than the start ({raw['start']}).")
    if "date" in raw and "weekday" in raw:
        problems.add(f"{at}.date", "Give a weekday (every week) or a date (once), not both.")
    elif "date" in raw:
        _one_off(problems, at, raw, today)
    elif "weekday" in raw:
        _weekly(problems, at, raw, today)
    else:
        problems.add(f"{at}.weekday", "Give a weekday (every week) or a date (once).")
    if len(problems) > before or start is None or end is None:
        return None
    if "date" in raw:
        return Window(start, end, on=raw["date"])
    weekday = WEEKDAYS.index(raw["weekday"])
    return Window(start, end, weekday, None, raw.get("from"), raw.get("until"))


def _minute(problems: Problems, at: str, text: str) -> int | None:
    try:
        return minute_of(text)
    except ValueError:
        problems.add(at, "Give a time from 00:00 to 24:00, like 09:30.")
        return None


def _one_off(problems: Problems, at: str, raw: Mapping[str, Any], today: dt.date) -> None:
    for key in ("from", "until"):
        if key in raw:
            problems.add(f"{at}.{key}", "Only weekly windows have from and until dates.")
    if raw["date"] < today:
        problems.add(f"{at}.date", "This date has passed.")
    elif raw["date"] > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        problems.add(f"{at}.date", "Give a date within the next two years.")


def _weekly(problems: Problems, at: str, raw: Mapping[str, Any], today: dt.date) -> None:
    if raw["weekday"] not in WEEKDAYS:
        problems.add(f"{at}.weekday", f"Choose one of: {', '.join(WEEKDAYS)}.")
    first, last = raw.get("from"), raw.get("until")
    if first is not None and first > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        problems.add(f"{at}.from", "Give a date within the next two years.")
    if last is not None and last < today:
        problems.add(f"{at}.until", "This date has passed.")
    elif first is not None and last is not None and last < first:
        problems.add(f"{at}.until", "Must be on or after the from date.")


def window_ended(window: Window, today: dt.date) -> bool:
    """Whether a window can no longer cover any task (answers leave these out)."""
    last = window.on if window.on is not None else window.valid_until
    return last is not None and last < today


# ---- credentials ----


@dataclass(frozen=True)
class Verification:
    """Who vouched for a credential: an organisation (or Volunteer Centre), by one person."""

    organisation_id: str
    account_id: str
    at: dt.datetime


@dataclass(frozen=True)
class Entry:
    """One credential in a wallet, with its owner and its verification, if any."""

    credential: Credential
    account_id: str
    verification: Verification | None = None
    reminded_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


def credential_values(doc: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """A credential document, checked, as stored values: ``kind``, ``code``,
    ``obtained_on``, ``expires_on``, ``dbs_level``, ``dbs_workforce``, ``update_service``."""
    problems = Problems()
    kind = doc.get("kind")
    if kind not in KINDS:
        problems.add("kind", f"Choose one of: {', '.join(KINDS)}.")
        problems.raise_any()
    _check_fields(problems, str(kind), doc)
    problems.raise_any()
    code = _code(problems, str(kind), doc)
    obtained_key = OBTAINED[str(kind)]
    _check_dates(problems, obtained_key, doc[obtained_key], doc.get("expires_on"), today)
    problems.raise_any()
    return {
        "kind": kind,
        "code": code,
        "obtained_on": doc[obtained_key],
        "expires_on": doc.get("expires_on"),
        "dbs_level": doc.get("level"),
        "dbs_workforce": doc.get("workforce"),
        "update_service": bool(doc.get("update_service", False)),
    }


def _check_fields(problems: Problems, kind: str, doc: Mapping[str, Any]) -> None:
    allowed = set(KIND_FIELDS[kind]) | {"kind"}
    for key, value in doc.items():
        if key not in allowed and value is not None:
            takes = ", ".join(KIND_FIELDS[kind])
            problems.add(key, f"Not part of a {kind} record, which takes: {takes}.")
    for key in set(KIND_FIELDS[kind]) - OPTIONAL:
        if doc.get(key) is None:
            problems.add(key, MISSING)


def _code(problems: Problems, kind: str, doc: Mapping[str, Any]) -> str:
    if kind == "dbs":
        _one_of(problems, "level", doc["level"], DBS_LEVELS)
        _one_of(problems, "workforce", doc["workforce"], WORKFORCES)
        return DBS_CODE
    if kind == "training":
        _one_of(problems, "type", doc["type"], tuple(TRAINING_TYPES))
        return str(doc["type"])
    code = str(doc["code"])
    if code == DBS_CODE:
        problems.add("code", "Record a DBS check with kind dbs, giving its level and workforce.")
    elif code in TRAINING_TYPES:
        problems.add("code", "Record training with kind training, giving its type.")
    else:
        for message in load_vocabularies().get("requirements").validate([code]):
            problems.add("code", message)
    return code


def _one_of(problems: Problems, field: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        problems.add(field, f"Choose one of: {', '.join(choices)}.")


def _check_dates(
    problems: Problems, key: str, obtained: dt.date, expires: dt.date | None, today: dt.date
) -> None:
    if obtained > today:
        problems.add(key, "Cannot be in the future: add it once you have it.")
    elif obtained < EARLIEST_CREDENTIAL:
        problems.add(key, "Check the year: this date is too long ago.")
    if expires is not None and expires <= obtained:
        problems.add("expires_on", f"Must be after {key}.")


def valid_until(credential: Credential) -> dt.date | None:
    """The last day it counts: its expiry, or for a DBS check not on the Update Service the
    day a recheck is due, whichever comes first; None if it never lapses."""
    ends = [credential.expires_on] if credential.expires_on is not None else []
    if credential.kind == "dbs" and not credential.update_service:
        ends.append(add_years(credential.obtained_on, DBS_RECHECK_YEARS))
    return min(ends, default=None)


def status_on(credential: Credential, today: dt.date) -> str:
    """``valid``, ``expiring_soon`` (within EXPIRY_NOTICE_DAYS) or ``expired``."""
    last = valid_until(credential)
    if last is None or last > today + dt.timedelta(days=EXPIRY_NOTICE_DAYS):
        return "valid"
    return "expired" if last < today else "expiring_soon"


def reminder_due(entry: Entry, today: dt.date) -> bool:
    return entry.reminded_at is None and status_on(entry.credential, today) == "expiring_soon"


def changed_values(entry: Entry, values: Mapping[str, Any]) -> dict[str, Any]:
    """What an edit changes, plus the verification and reminder it undoes: a verifier vouched
    for the old facts, and a new expiry deserves its own reminder."""
    old = entry.credential
    before = {
        "code": old.code, "obtained_on": old.obtained_on, "expires_on": old.expires_on,
        "dbs_level": old.dbs_level, "dbs_workforce": old.dbs_workforce,
        "update_service": old.update_service,
    }  # fmt: skip
    changes = {k: values[k] for k in SUBSTANCE if values[k] != before[k]}
    if changes and entry.verification is not None:
        changes.update(verified_by_organisation=None, verified_by=None, verified_at=None)
    new = Credential(old.id, old.kind, values["code"], values["obtained_on"], values["expires_on"],
                     update_service=values["update_service"])  # fmt: skip
    if valid_until(new) != valid_until(old):
        changes["reminded_at"] = None
    return changes


def wallet_order(entry: Entry) -> tuple[str, int, str, int]:
    """Owner, then DBS checks, training and other requirements, each newest first."""
    c = entry.credential
    return entry.account_id, KINDS.index(c.kind), c.code, -c.obtained_on.toordinal()


def label_of(c: Credential) -> str:
    if c.kind == "dbs":
        return f"{(c.dbs_level or '').capitalize()} DBS check ({c.dbs_workforce} workforce)"
    if c.kind == "training":
        return TRAINING_TYPES.get(c.code, c.code)
    vocabulary = load_vocabularies().get("requirements")
    return vocabulary.label(c.code) if c.code in vocabulary else c.code


# ---- sharing and verifying ----


def check_shares(ids: Sequence[str], known: Mapping[str, str]) -> list[str]:
    """The organisation ids, once each, if all are organisations the platform knows
    (``known`` maps id -> moderation state)."""
    problems = Problems()
    for index, org_id in enumerate(ids):
        if org_id not in known:
            problems.add(f"organisation_ids[{index}]", "No organisation has this id.")
        elif known[org_id] == "rejected":
            problems.add(f"organisation_ids[{index}]", "This organisation was not approved.")
    problems.raise_any()
    return list(dict.fromkeys(ids))


def may_act_for(organisation_id: str, role: str | None, centres: Iterable[str]) -> bool:
    """Members of an organisation act for it, and so do Volunteer Centre staff for their
    own centre."""
    return role is not None or organisation_id in set(centres)
