"""Who may be offered a task, and in what order (issue 5, point 4). Plain Python: the
adapters only narrow down who to look at; every rule is decided here.

A volunteer is eligible for a task when they have not paused; they do that task type; one
of their availability windows holds the whole task (UK wall-clock time); the task is within
their travel distance (remote tasks: anywhere); each thing the task needs is met by a
credential valid on the task's date; they have no accepted booking overlapping it; and they
are old enough on the day.

Eligible volunteers are ranked, best first, by: distance in bands (so a few hundred metres
does not outweigh everything else), then having helped this person before, then fewer tasks
in the last 28 days (sharing the work out), then reliability, then exact distance, then
account id so the order is stable.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from services.availability.domain.model import (
    BookingStatus,
    Credential,
    Task,
    Volunteer,
    Window,
    age_on,
)
from services.common.geo.distance import distance_km

# Why a volunteer is not eligible: the first rule they fail, in the order checked.
PAUSED = "paused"
TASK_TYPE = "task_type"
WINDOW = "window"
DISTANCE = "distance"
AGE = "age"
CREDENTIALS = "credentials"
BUSY = "busy"

# Upper edges of the distance bands: everyone within 2 km ranks as equally near, and so on.
DISTANCE_BANDS_KM = (2.0, 5.0, 10.0, 25.0)
RECENT_DAYS = 28


@dataclass(frozen=True)
class Slot:
    """Where a task falls on the UK wall clock: the day and minutes since midnight (the end
    may be 1440 for a task ending at midnight). What a window must hold."""

    day: dt.date
    start_minute: int
    end_minute: int

    @property
    def weekday(self) -> int:
        return self.day.weekday()


def slot_of(task: Task) -> Slot | None:
    """The task's local slot, or None if it runs past midnight (no window can hold it)."""
    start, end = task.local_interval()
    day = start.date()
    start_minute = start.hour * 60 + start.minute
    if end.date() == day:
        return Slot(day, start_minute, end.hour * 60 + end.minute)
    if end.date() == day + dt.timedelta(days=1) and (end.hour, end.minute, end.second) == (0, 0, 0):
        return Slot(day, start_minute, 24 * 60)
    return None


@dataclass(frozen=True)
class Booked:
    """One of the volunteer's bookings, as the overlap rule sees it."""

    task_id: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def distance_to(volunteer: Volunteer, task: Task) -> float | None:
    """Kilometres from the volunteer's home to the task; None for remote tasks."""
    if task.remote or task.latitude is None or task.longitude is None:
        return None
    return distance_km(volunteer.latitude, volunteer.longitude, task.latitude, task.longitude)


def busy(bookings: Iterable[Booked], task: Task) -> bool:
    """An accepted booking on another task that overlaps this one (touching is fine)."""
    return any(
        b.status == BookingStatus.ACCEPTED
        and b.task_id != task.id
        and b.starts_at < task.ends_at
        and b.ends_at > task.starts_at
        for b in bookings
    )


class Rules:
    """The rules for one task, with its UK wall-clock times and date worked out once (they
    are asked of thousands of volunteers in turn)."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.start, self.end = task.local_interval()
        self.day = self.start.date()
        self._covers: dict[Window, bool] = {}  # many volunteers share a window

    def covered(self, windows: Iterable[Window]) -> bool:
        return any(self._window_covers(window) for window in windows)

    def _window_covers(self, window: Window) -> bool:
        found = self._covers.get(window)
        if found is None:
            found = self._covers[window] = window.covers(self.start, self.end)
        return found

    def in_reach(self, volunteer: Volunteer) -> bool:
        distance = distance_to(volunteer, self.task)
        return distance is None or distance <= volunteer.travel_km

    def old_enough(self, date_of_birth: dt.date) -> bool:
        return age_on(date_of_birth, self.day) >= self.task.min_age

    def needs_met(self, credentials: Iterable[Credential]) -> bool:
        """Every need is met by some credential, valid on the task's (UK) date."""
        held = tuple(credentials)
        return all(any(need.met_by(c, self.day) for c in held) for need in self.task.needs)

    def fit_refusal(self, volunteer: Volunteer) -> str | None:
        """The first of the volunteer's own settings that rules them out, or None: paused,
        task type, window, distance, age. (``refusal`` adds credentials and bookings.)"""
        if volunteer.paused:
            return PAUSED
        if self.task.task_type not in volunteer.task_types:
            return TASK_TYPE
        if not self.covered(volunteer.windows):
            return WINDOW
        if not self.in_reach(volunteer):
            return DISTANCE
        if not self.old_enough(volunteer.date_of_birth):
            return AGE
        return None

    def busy(self, bookings: Iterable[Booked]) -> bool:
        return busy(bookings, self.task)

    def refusal(self, volunteer: Volunteer, bookings: Iterable[Booked] = ()) -> str | None:
        """Why the volunteer is not eligible for the task (the first rule failed), or None."""
        found = self.fit_refusal(volunteer)
        if found:
            return found
        if not self.needs_met(volunteer.credentials):
            return CREDENTIALS
        return BUSY if self.busy(bookings) else None


def refusal(volunteer: Volunteer, task: Task, bookings: Iterable[Booked] = ()) -> str | None:
    """Why the volunteer is not eligible for the task (the first rule failed), or None."""
    return Rules(task).refusal(volunteer, bookings)


def eligible(volunteer: Volunteer, task: Task, bookings: Iterable[Booked] = ()) -> bool:
    return refusal(volunteer, task, bookings) is None


@dataclass(frozen=True)
class Record:
    """What a volunteer's bookings say, for ranking."""

    attended: int = 0
    no_show: int = 0
    recent_tasks: int = 0  # accepted or attended, starting in the last 28 days
    helped_person: bool = False  # attended a task for the same person of the same organisation

    @property
    def reliability(self) -> float:
        """Attended share with one of each added (Laplace): nobody new is punished or
        favoured (0.5), and one no-show weighs less than one in a long record."""
        return (self.attended + 1) / (self.attended + self.no_show + 2)


def recent_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=RECENT_DAYS)


def distance_band(distance: float | None) -> int:
    """0 for the nearest band (and for remote tasks, where distance does not matter)."""
    return 0 if distance is None else bisect.bisect_left(DISTANCE_BANDS_KM, distance)


def rank_key(account_id: str, distance: float | None, record: Record) -> tuple:
    """Sort ascending: best candidate first."""
    return (
        distance_band(distance),
        not record.helped_person,
        record.recent_tasks,
        -record.reliability,
        distance or 0.0,
        account_id,
    )


def reasons(distance: float | None, record: Record) -> tuple[str, ...]:
    """The reasons for a candidate's rank, in plain English, in the order they count."""
    found = ["Remote task" if distance is None else f"{distance:.1f} km away"]
    if record.helped_person:
        found.append("Has helped this person before")
    found.append(_recent_text(record.recent_tasks))
    total = record.attended + record.no_show
    found.append(f"Attended {record.attended} of {total}" if total else "No attendance record yet")
    return tuple(found)


def _recent_text(count: int) -> str:
    if count == 0:
        return f"No tasks in the last {RECENT_DAYS} days"
    return f"{count} task{'s' if count != 1 else ''} in the last {RECENT_DAYS} days"
