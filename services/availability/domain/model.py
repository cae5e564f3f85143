"""Micro-volunteering's vocabulary and values: when people are free, what they hold, what a
task needs. Plain Python: no Flask, SQL or event log here.

Times: a task starts at an instant (UTC); availability windows are wall-clock times in the
UK (Europe/London), because that is how people say when they are free ("Tuesdays 10 till
12"), and a window must keep meaning that across the clock changes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.common.vocab.micro import TASK_TYPES, TRAINING_TYPES

UK = ZoneInfo("Europe/London")

# Task types and training: the platform's own coded lists, in services/common/vocab/micro.py
# (re-exported here for the rules that use them).
__all__ = ["TASK_TYPES", "TRAINING_TYPES", "UK"]

# The requirement code (UK Volunteering Data "requirements" list) a DBS check satisfies.
DBS_CODE = "DBSCheck"
DBS_LEVELS = ("basic", "standard", "enhanced")  # in order: an enhanced check covers standard
WORKFORCES = ("adult", "child", "both")
# A certificate shows the record on its issue date. Without the DBS Update Service,
# organisations commonly ask for a new check after three years; with it, it stays current.
DBS_RECHECK_YEARS = 3

MIN_TASK_MINUTES = 15
MAX_TASK_MINUTES = 240
MAX_TRAVEL_KM = 100.0
# The default fan-out: offer a task to three people for each place.
OFFERS_PER_PLACE = 3
DEFAULT_OFFER_MINUTES = 60


class TaskStatus:
    OPEN = "open"
    FILLED = "filled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class BookingStatus:
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class Window:
    """A time someone is free: weekly (``weekday`` 0 = Monday, between ``valid_from`` and
    ``valid_until`` when given) or once (``on``). Minutes since local midnight, start < end."""

    start_minute: int
    end_minute: int
    weekday: int | None = None
    on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @property
    def weekly(self) -> bool:
        return self.on is None

    def covers(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the window holds the whole of [start, end), given as UK local times."""
        day = start.date()
        ends_at_midnight = end.date() == day + dt.timedelta(days=1) and _midnight(end)
        if end.date() != day and not ends_at_midnight:
            return False  # windows lie within one day
        end_minute = 24 * 60 if ends_at_midnight else end.hour * 60 + end.minute
        start_minute = start.hour * 60 + start.minute
        if not (self.start_minute <= start_minute and end_minute <= self.end_minute):
            return False
        if self.on is not None:
            return self.on == day
        if day.weekday() != self.weekday:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


def _midnight(moment: dt.datetime) -> bool:
    return moment.hour == 0 and moment.minute == 0 and moment.second == 0


@dataclass(frozen=True)
class Credential:
    """One entry in a volunteer's wallet: a DBS check, a training record, or another
    requirement code they hold (an ID check, a van). Self-declared until ``verified``.

    ``code`` is ``DBSCheck`` for a DBS check, a TRAINING_TYPES code for training, else a
    requirement code. ``obtained_on`` is the issue or completion date.
    """

    id: str
    kind: str  # "dbs" | "training" | "requirement"
    code: str
    obtained_on: dt.date
    expires_on: dt.date | None = None
    dbs_level: str | None = None
    dbs_workforce: str | None = None
    update_service: bool = False
    verified: bool = False

    def valid_on(self, day: dt.date) -> bool:
        if self.obtained_on > day:
            return False
        if self.expires_on is not None and day > self.expires_on:
            return False
        if self.kind == "dbs" and not self.update_service:
            return day <= add_years(self.obtained_on, DBS_RECHECK_YEARS)
        return True


@dataclass(frozen=True)
class Need:
    """What a task asks for: a requirement code (``DBSCheck`` with a minimum level and the
    workforce it must cover) or a training type; ``verified`` when self-declared is not
    enough."""

    kind: str  # "requirement" | "training"
    code: str
    verified: bool = False
    dbs_level: str | None = None  # DBSCheck only: the lowest acceptable level
    dbs_workforce: str | None = None  # DBSCheck only: "adult", "child" or "both"

    def met_by(self, credential: Credential, day: dt.date) -> bool:
        if self.verified and not credential.verified:
            return False
        if not credential.valid_on(day):
            return False
        if self.kind == "training":
            return credential.kind == "training" and credential.code == self.code
        if self.code == DBS_CODE:
            return credential.kind == "dbs" and _dbs_covers(credential, self)
        return credential.kind == "requirement" and credential.code == self.code


def _dbs_covers(credential: Credential, need: Need) -> bool:
    level = DBS_LEVELS.index(credential.dbs_level or "basic")
    if level < DBS_LEVELS.index(need.dbs_level or "basic"):
        return False
    wanted = need.dbs_workforce
    held = credential.dbs_workforce
    return wanted is None or held == "both" or held == wanted


@dataclass(frozen=True)
class Volunteer:
    """A micro-volunteer as matching sees them."""

    account_id: str
    latitude: float
    longitude: float
    travel_km: float
    task_types: frozenset[str]
    date_of_birth: dt.date
    paused: bool = False
    windows: tuple[Window, ...] = ()
    credentials: tuple[Credential, ...] = ()


@dataclass(frozen=True)
class Task:
    """A short task as matching sees it; ``latitude``/``longitude`` are None when remote."""

    id: str
    organisation_id: str
    task_type: str
    starts_at: dt.datetime  # aware
    duration_minutes: int
    volunteers_needed: int
    min_age: int
    remote: bool = False
    latitude: float | None = None
    longitude: float | None = None
    needs: tuple[Need, ...] = ()
    person_ref: str | None = None

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    def local_interval(self) -> tuple[dt.datetime, dt.datetime]:
        """Start and end as naive UK wall-clock times, for comparing with windows."""
        start = self.starts_at.astimezone(UK).replace(tzinfo=None)
        end = self.ends_at.astimezone(UK).replace(tzinfo=None)
        return start, end

    @property
    def local_date(self) -> dt.date:
        return self.local_interval()[0].date()


def minute_of(text: str) -> int:
    """``"09:30"`` -> 570; ``"24:00"`` is the end of the day."""
    hours, _, minutes = text.partition(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= value <= 24 * 60 or not 0 <= int(minutes) < 60:
        raise ValueError(f"{text!r} is not a time of day")
    return value


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def reach_box(latitude: float, longitude: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) holding every point within ``km``: a prefilter
    for distance, a little generous so rounding never drops a point that is in range."""
    km = km * 1.01 + 0.01
    dlat = km / KM_PER_DEGREE_LAT
    # Degrees of longitude shrink towards the pole: use the box's poleward edge.
    poleward = min(89.0, abs(latitude) + dlat)
    dlon = km / (KM_PER_DEGREE_LAT * math.cos(math.radians(poleward)))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


KM_PER_DEGREE_LAT = 110.574  # the shortest a degree of latitude gets (at the equator)
