"""Working days in England & Wales: expected dates checked by hand against gov.uk's list."""

from __future__ import annotations

import datetime as dt

import pytest

from services.volunteers.domain.calendar import (
    LONDON,
    add_working_days,
    bank_holidays,
    clock_start,
    is_working_day,
    next_working_day,
    working_days_between,
)

UTC = dt.UTC


def london(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=LONDON)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=UTC)


# gov.uk/bank-holidays, England and Wales, 2026 (28 December is Boxing Day's substitute).
BANK_HOLIDAYS_2026 = [
    dt.date(2026, 1, 1),
    dt.date(2026, 4, 3),
    dt.date(2026, 4, 6),
    dt.date(2026, 5, 4),
    dt.date(2026, 5, 25),
    dt.date(2026, 8, 31),
    dt.date(2026, 12, 25),
    dt.date(2026, 12, 28),
]


def test_2026_weekday_bank_holidays_are_exactly_the_published_list() -> None:
    weekday_holidays = sorted(d for d in bank_holidays(2026) if d.weekday() < 5)
    assert weekday_holidays == BANK_HOLIDAYS_2026


@pytest.mark.parametrize("day", BANK_HOLIDAYS_2026)
def test_bank_holidays_are_not_working_days(day: dt.date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 24), True),  # Thursday
        (dt.date(2026, 12, 26), False),  # Saturday (Boxing Day itself)
        (dt.date(2026, 12, 27), False),  # Sunday
        (dt.date(2026, 12, 29), True),  # Tuesday after the substitute day
        (dt.date(2026, 4, 2), True),  # Thursday before Good Friday
        (dt.date(2026, 4, 7), True),  # Tuesday after Easter Monday
        (dt.date(2027, 12, 27), False),  # Christmas Day 2027 (a Saturday) substitute
        (dt.date(2027, 12, 28), False),  # Boxing Day 2027 (a Sunday) substitute
        (dt.date(2022, 9, 19), False),  # one-off: State Funeral of Queen Elizabeth II
        (dt.date(2023, 5, 8), False),  # one-off: Coronation of King Charles III
        (dt.date(2023, 5, 9), True),
        (dt.date(2024, 3, 17), False),  # St Patrick's Day: Northern Ireland only
        (dt.date(2024, 11, 29), True),  # Friday; St Andrew's Day is 30 Nov, Scotland only
        (dt.date(2025, 1, 2), True),  # 2 January: Scotland only
    ],
)
def test_is_working_day(day: dt.date, expected: bool) -> None:
    assert is_working_day(day) is expected


def test_a_datetime_is_judged_by_its_london_date() -> None:
    # Friday 23:30 UTC in summer is already Saturday 00:30 in London.
    assert not is_working_day(utc(2026, 6, 5, 23, 30))
    # Sunday 23:30 UTC in summer is Monday 00:30 in London.
    assert is_working_day(utc(2026, 6, 7, 23, 30))
    # In winter London is on UTC: Friday 23:30 UTC is still Friday.
    assert is_working_day(utc(2026, 1, 9, 23, 30))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(dt.datetime(2026, 12, 18, 16, 0), 2)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_days_between(dt.datetime(2026, 12, 18), london(2026, 12, 21))
    with pytest.raises(ValueError, match="timezone-aware"):
        is_working_day(dt.datetime(2026, 12, 18, 16, 0))


def test_next_working_day_skips_christmas_and_new_year() -> None:
    assert next_working_day(dt.date(2026, 12, 24)) == dt.date(2026, 12, 29)
    assert next_working_day(dt.date(2026, 12, 31)) == dt.date(2027, 1, 4)
    assert next_working_day(dt.date(2026, 12, 21)) == dt.date(2026, 12, 22)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, london(2026, 12, 18, 16, 0)),
        (1, london(2026, 12, 21, 16, 0)),  # Monday
        (2, london(2026, 12, 22, 16, 0)),  # Tuesday
        (4, london(2026, 12, 24, 16, 0)),  # Christmas Eve (Thursday)
        # 25 Dec (Fri), 26-27 (weekend) and 28 Dec (substitute) skipped: 21-24 Dec + 29 Dec.
        (5, london(2026, 12, 29, 16, 0)),
        (7, london(2026, 12, 31, 16, 0)),
        # 1 Jan is a bank holiday, 2-3 Jan a weekend.
        (8, london(2027, 1, 4, 16, 0)),
    ],
)
def test_add_working_days_from_friday_before_christmas(n: int, expected: dt.datetime) -> None:
    assert add_working_days(london(2026, 12, 18, 16, 0), n) == expected


def test_add_working_days_over_easter_2026() -> None:
    # Good Friday 3 Apr, weekend, Easter Monday 6 Apr: Thursday + 1 = Tuesday.
    assert add_working_days(london(2026, 4, 2, 10, 0), 1) == london(2026, 4, 7, 10, 0)


def test_from_a_sunday_the_clock_starts_at_midnight_on_monday() -> None:
    sunday = london(2026, 12, 20, 10, 0)
    assert clock_start(sunday) == london(2026, 12, 21, 0, 0)
    assert add_working_days(sunday, 0) == london(2026, 12, 21, 0, 0)
    assert add_working_days(sunday, 1) == london(2026, 12, 22, 0, 0)
    assert add_working_days(sunday, 2) == london(2026, 12, 23, 0, 0)


def test_from_a_bank_holiday_the_clock_starts_on_the_next_working_day() -> None:
    christmas = london(2026, 12, 25, 9, 0)
    assert clock_start(christmas) == london(2026, 12, 29, 0, 0)
    assert add_working_days(christmas, 2) == london(2026, 12, 31, 0, 0)


def test_the_time_of_day_is_kept_across_the_march_clock_change() -> None:
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    friday = london(2026, 3, 27, 9, 30)
    assert friday.utcoffset() == dt.timedelta(0)
    monday = add_working_days(friday, 1)
    assert monday == london(2026, 3, 30, 9, 30)
    assert monday.astimezone(UTC) == utc(2026, 3, 30, 8, 30)
    # Same-zone subtraction is wall-clock time in Python, so compare in UTC.
    assert monday.astimezone(UTC) - friday.astimezone(UTC) == dt.timedelta(hours=71)


def test_the_time_of_day_is_kept_across_the_october_clock_change() -> None:
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
    friday = london(2026, 10, 23, 9, 30)
    monday = add_working_days(friday, 1)
    assert monday.astimezone(UTC) == utc(2026, 10, 26, 9, 30)
    assert monday.astimezone(UTC) - friday.astimezone(UTC) == dt.timedelta(hours=73)


def test_utc_input_is_read_and_returned_in_london_time() -> None:
    result = add_working_days(utc(2026, 6, 4, 22, 30), 1)  # Thursday 23:30 BST
    assert result.tzinfo is LONDON
    assert result == london(2026, 6, 5, 23, 30)
    # Friday 23:30 UTC is Saturday 00:30 BST: counts from Monday 00:00.
    assert add_working_days(utc(2026, 6, 5, 23, 30), 1) == london(2026, 6, 9, 0, 0)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(london(2026, 12, 18, 16, 0), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (london(2026, 6, 8, 9, 0), london(2026, 6, 8, 15, 0), 0.25),  # Monday, 6 hours
        (london(2026, 6, 5, 12, 0), london(2026, 6, 8, 12, 0), 1.0),  # Friday to Monday
        (london(2026, 6, 6, 9, 0), london(2026, 6, 7, 18, 0), 0.0),  # the weekend
        (london(2026, 12, 20, 10, 0), london(2026, 12, 21, 6, 0), 0.25),  # from Sunday
        (london(2026, 12, 18, 16, 0), london(2026, 12, 29, 16, 0), 5.0),  # Christmas
        (london(2026, 12, 24, 12, 0), london(2026, 12, 29, 12, 0), 1.0),  # Christmas Eve
        (london(2026, 3, 27, 12, 0), london(2026, 3, 30, 12, 0), 1.0),  # 71 real hours
        (london(2026, 10, 23, 12, 0), london(2026, 10, 26, 12, 0), 1.0),  # 73 real hours
        (london(2026, 6, 8, 12, 0), london(2026, 6, 8, 12, 0), 0.0),  # no time at all
        (london(2026, 6, 9, 12, 0), london(2026, 6, 8, 12, 0), 0.0),  # end before start
    ],
)
def test_working_days_between(start: dt.datetime, end: dt.datetime, expected: float) -> None:
    assert working_days_between(start, end) == pytest.approx(expected)


def test_working_days_between_accepts_mixed_time_zones() -> None:
    # Monday 8 June 09:00 BST is 08:00 UTC; to 21:00 BST the same day is half a day.
    assert working_days_between(utc(2026, 6, 8, 8, 0), london(2026, 6, 8, 21, 0)) == 0.5


@pytest.mark.parametrize(
    "moment",
    [
        london(2026, 12, 18, 16, 0),
        london(2026, 12, 20, 10, 0),
        london(2026, 3, 26, 23, 59),
        london(2026, 10, 23, 0, 0),
        utc(2026, 6, 5, 23, 30),
    ],
)
def test_working_days_between_inverts_add_working_days(moment: dt.datetime) -> None:
    for n in range(12):
        assert working_days_between(moment, add_working_days(moment, n)) == pytest.approx(n)
