"""Working days in England and Wales, for deadlines such as "answer within 5 working days".

A working day is a Monday to Friday that is not an England & Wales bank holiday, substitute
days included (Boxing Day 2026 falls on a Saturday, so Monday 28 December is the holiday).
Bank holidays come from the ``holidays`` package (``UK(subdiv="ENG")``; Wales shares
England's list). Days are judged in Europe/London local time: a moment late on Friday
evening in UTC may already be Saturday in London during summer time, or vice versa.

Counting rules:

- ``add_working_days(moment, n)``: when ``moment`` falls on a working day the deadline is
  the same London wall-clock time ``n`` working days later (Friday 16:00 + 1 = Monday
  16:00). When it falls on a weekend or bank holiday the clock starts at 00:00 of the next
  working day, so Saturday 10:00 + 1 = Tuesday 00:00, i.e. all of Monday was allowed.
- ``working_days_between(start, end)`` measures the same clock: the time between the two
  moments that lies on working days, in units of one working day (24 hours). It is the
  inverse of the above: ``working_days_between(m, add_working_days(m, n)) == n``.

The clocks change on Sundays in the UK, so every working day lasts exactly 24 hours and every
wall-clock time on one exists exactly once: keeping the time of day is never ambiguous.

All inputs must be timezone-aware; results are in Europe/London.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
_UTC = dt.UTC
_DAY_SECONDS = 24 * 60 * 60


@functools.cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England & Wales bank holidays (substitute days included) in one year."""
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    """True for a Monday to Friday that is not a bank holiday in England & Wales.

    A ``datetime`` is judged by its date in London (it must be timezone-aware).
    """
    if isinstance(day, dt.datetime):
        day = to_london(day).date()
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def to_london(moment: dt.datetime) -> dt.datetime:
    """``moment`` in London local time; a naive datetime is refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"Expected a timezone-aware datetime, got {moment!r}")
    return moment.astimezone(LONDON)


def clock_start(moment: dt.datetime) -> dt.datetime:
    """When the working-day clock starts for ``moment`` (itself, or the next working day's
    00:00 when ``moment`` is on a weekend or bank holiday), in London time."""
    local = to_london(moment)
    if is_working_day(local.date()):
        return local
    return _midnight(next_working_day(local.date()))


def add_working_days(moment: dt.datetime, n: int) -> dt.datetime:
    """The deadline ``n`` working days after ``moment`` (see the module docstring)."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    start = clock_start(moment)
    day = start.date()
    for _ in range(n):
        day = next_working_day(day)
    return dt.datetime.combine(day, start.timetz())


def working_days_between(start: dt.datetime, end: dt.datetime) -> float:
    """Elapsed working time from ``start`` to ``end`` in working days (0.0 if end <= start).

    Only time on working days counts: Friday 12:00 to Monday 12:00 is 1.0.
    """
    begin, finish = to_london(start), to_london(end)
    if finish <= begin:
        return 0.0
    begin_utc, finish_utc = begin.astimezone(_UTC), finish.astimezone(_UTC)
    seconds = 0.0
    day = begin.date()
    while day <= finish.date():
        if is_working_day(day):
            opens = _midnight(day).astimezone(_UTC)
            closes = _midnight(day + dt.timedelta(days=1)).astimezone(_UTC)
            overlap = min(closes, finish_utc) - max(opens, begin_utc)
            seconds += max(overlap.total_seconds(), 0.0)
        day += dt.timedelta(days=1)
    return seconds / _DAY_SECONDS


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON)
