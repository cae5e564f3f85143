"""The rules of matching, one at a time: each can make a volunteer ineligible; and the
ranking with its reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from services.availability.domain import eligibility as rules
from services.availability.domain.eligibility import Booked, Record
from services.availability.domain.model import Credential, Need, Task, Volunteer, Window
from services.common.geo.distance import distance_km

UTC = dt.UTC
# Tuesday 1 December 2026, 10:00-11:00 in London (GMT, so UTC too), near SE1.
TUESDAY = dt.date(2026, 12, 1)
TASK = Task(
    id="task-1",
    organisation_id="org-1",
    task_type="Shopping",
    starts_at=dt.datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
    duration_minutes=60,
    volunteers_needed=1,
    min_age=18,
    latitude=51.5,
    longitude=-0.1,
)
FREE = Window(9 * 60, 12 * 60, weekday=1)  # Tuesdays 09:00-12:00
ME = Volunteer(
    account_id="vol-1",
    latitude=51.51,
    longitude=-0.1,
    travel_km=5.0,
    task_types=frozenset({"Shopping", "Lifts"}),
    date_of_birth=dt.date(1990, 5, 17),
    windows=(FREE,),
)


def at(moment: dt.datetime, minutes: int = 60, **changes: object) -> Task:
    return replace(TASK, starts_at=moment, duration_minutes=minutes, **changes)  # type: ignore[arg-type]


def dbs(**changes: object) -> Credential:
    base = Credential("c1", "dbs", "DBSCheck", dt.date(2025, 1, 10), dbs_level="enhanced",
                      dbs_workforce="both")  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def training(**changes: object) -> Credential:
    base = Credential("c2", "training", "SafeguardingAdults", dt.date(2026, 1, 5),
                      expires_on=dt.date(2027, 1, 5))  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_base_case_is_eligible() -> None:
    assert rules.refusal(ME, TASK) is None
    assert rules.eligible(ME, TASK)


def test_paused() -> None:
    assert rules.refusal(replace(ME, paused=True), TASK) == rules.PAUSED


def test_task_type() -> None:
    assert rules.refusal(replace(ME, task_types=frozenset({"Lifts"})), TASK) == rules.TASK_TYPE


# -- windows -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "ok"),
    [
        (Window(10 * 60, 11 * 60, weekday=1), True),  # exactly the task: edges count
        (Window(10 * 60 + 1, 12 * 60, weekday=1), False),  # starts a minute late
        (Window(9 * 60, 11 * 60 - 1, weekday=1), False),  # ends a minute early
        (Window(9 * 60, 12 * 60, weekday=2), False),  # Wednesdays
        (Window(9 * 60, 12 * 60, weekday=1, valid_from=TUESDAY), True),
        (Window(9 * 60, 12 * 60, weekday=1, valid_from=TUESDAY + dt.timedelta(days=1)), False),
        (Window(9 * 60, 12 * 60, weekday=1, valid_until=TUESDAY), True),
        (Window(9 * 60, 12 * 60, weekday=1, valid_until=TUESDAY - dt.timedelta(days=1)), False),
        (Window(9 * 60, 12 * 60, on=TUESDAY), True),  # once, that day
        (Window(9 * 60, 12 * 60, on=TUESDAY + dt.timedelta(days=7)), False),
    ],
)
def test_a_window_must_hold_the_whole_task(window: Window, ok: bool) -> None:
    expected = None if ok else rules.WINDOW
    assert rules.refusal(replace(ME, windows=(window,)), TASK) == expected


def test_no_windows_no_offers() -> None:
    assert rules.refusal(replace(ME, windows=()), TASK) == rules.WINDOW


def test_a_task_ending_at_midnight_fits_a_window_to_midnight_but_not_one_past_it() -> None:
    late = at(dt.datetime(2026, 12, 1, 23, 0, tzinfo=UTC))
    to_midnight = replace(ME, windows=(Window(22 * 60, 24 * 60, weekday=1),))
    assert rules.refusal(to_midnight, late) is None
    assert rules.slot_of(late) == rules.Slot(TUESDAY, 23 * 60, 24 * 60)
    past = at(dt.datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert rules.slot_of(past) is None
    assert rules.refusal(to_midnight, past) == rules.WINDOW


def test_windows_are_uk_wall_clock_time_in_summer() -> None:
    # 09:00-10:00 BST is 08:00-09:00 UTC; a Tuesday 09:00-10:00 window holds it.
    summer = at(dt.datetime(2027, 6, 1, 8, 0, tzinfo=UTC))
    nine_to_ten = replace(ME, windows=(Window(9 * 60, 10 * 60, weekday=1),))
    assert rules.refusal(nine_to_ten, summer) is None
    # The same UTC hour in winter is 08:00 on the clock: outside the window.
    assert (
        rules.refusal(nine_to_ten, at(dt.datetime(2026, 12, 1, 8, 0, tzinfo=UTC))) == rules.WINDOW
    )


def test_the_night_the_clocks_go_forward_the_window_is_the_clocks_time() -> None:
    # Sunday 28 March 2027: 01:00 GMT becomes 02:00 BST. A task 00:30-01:30 UTC is on the
    # clock 00:30-02:30: a window to 02:00 does not hold it, one to 02:30 does.
    night = at(dt.datetime(2027, 3, 28, 0, 30, tzinfo=UTC))
    to_two = replace(ME, windows=(Window(0, 2 * 60, weekday=6),))
    to_half_two = replace(ME, windows=(Window(0, 2 * 60 + 30, weekday=6),))
    assert rules.refusal(to_two, night) == rules.WINDOW
    assert rules.refusal(to_half_two, night) is None


def test_the_sunday_the_clocks_go_back_10am_means_10am() -> None:
    window = replace(ME, windows=(Window(10 * 60, 11 * 60, weekday=6),))
    before = at(dt.datetime(2026, 10, 18, 9, 0, tzinfo=UTC))  # 10:00 BST
    after = at(dt.datetime(2026, 10, 25, 10, 0, tzinfo=UTC))  # 10:00 GMT
    assert rules.refusal(window, before) is None
    assert rules.refusal(window, after) is None
    assert rules.refusal(window, at(dt.datetime(2026, 10, 25, 9, 0, tzinfo=UTC))) == rules.WINDOW


# -- distance ------------------------------------------------------------------------------------


def test_within_travel_distance_inclusive() -> None:
    far = distance_km(ME.latitude, ME.longitude, TASK.latitude or 0, TASK.longitude or 0)
    assert rules.refusal(replace(ME, travel_km=far), TASK) is None
    assert rules.refusal(replace(ME, travel_km=far - 0.001), TASK) == rules.DISTANCE


def test_remote_tasks_are_any_distance_away() -> None:
    remote = replace(TASK, remote=True, latitude=None, longitude=None)
    in_wick = replace(ME, latitude=58.44, longitude=-3.09, travel_km=1.0)
    assert rules.refusal(in_wick, remote) is None
    assert rules.distance_to(in_wick, remote) is None


# -- credentials ---------------------------------------------------------------------------------

ENHANCED_CHILD = Need("requirement", "DBSCheck", dbs_level="enhanced", dbs_workforce="child")


@pytest.mark.parametrize(
    ("held", "need", "ok"),
    [
        (dbs(), ENHANCED_CHILD, True),
        (dbs(dbs_workforce="adult"), ENHANCED_CHILD, False),  # the wrong workforce
        (dbs(dbs_workforce="child"), ENHANCED_CHILD, True),
        (dbs(dbs_level="standard"), ENHANCED_CHILD, False),  # too low a level
        (dbs(dbs_level="enhanced"), Need("requirement", "DBSCheck", dbs_level="basic"), True),
        (dbs(dbs_workforce="adult"), Need("requirement", "DBSCheck"), True),  # any workforce
        (dbs(), Need("requirement", "DBSCheck", dbs_workforce="both"), True),
        (dbs(dbs_workforce="child"), Need("requirement", "DBSCheck", dbs_workforce="both"), False),
        (training(code="SafeguardingAdults", kind="training"), ENHANCED_CHILD, False),
    ],
)
def test_dbs_level_and_workforce(held: Credential, need: Need, ok: bool) -> None:
    task = replace(TASK, needs=(need,))
    expected = None if ok else rules.CREDENTIALS
    assert rules.refusal(replace(ME, credentials=(held,)), task) == expected


def test_a_dbs_check_needs_a_recheck_after_three_years_unless_on_the_update_service() -> None:
    task = replace(TASK, needs=(Need("requirement", "DBSCheck"),))
    three_years = dbs(obtained_on=dt.date(2023, 12, 1))  # three years to the day: still fine
    older = dbs(obtained_on=dt.date(2023, 11, 30))
    assert rules.refusal(replace(ME, credentials=(three_years,)), task) is None
    assert rules.refusal(replace(ME, credentials=(older,)), task) == rules.CREDENTIALS
    updated = replace(older, update_service=True)
    assert rules.refusal(replace(ME, credentials=(updated,)), task) is None


def test_verified_when_the_task_asks_for_it() -> None:
    task = replace(TASK, needs=(Need("training", "SafeguardingAdults", verified=True),))
    assert rules.refusal(replace(ME, credentials=(training(),)), task) == rules.CREDENTIALS
    verified = training(verified=True)
    assert rules.refusal(replace(ME, credentials=(verified,)), task) is None
    self_declared_ok = replace(TASK, needs=(Need("training", "SafeguardingAdults"),))
    assert rules.refusal(replace(ME, credentials=(training(),)), self_declared_ok) is None


@pytest.mark.parametrize(
    ("held", "ok"),
    [
        (training(expires_on=TUESDAY), True),  # expires that day: still valid on it
        (training(expires_on=TUESDAY - dt.timedelta(days=1)), False),
        (training(obtained_on=TUESDAY), True),
        (training(obtained_on=TUESDAY + dt.timedelta(days=1)), False),  # not yet done
        (training(code="FirstAid"), False),  # other training
    ],
)
def test_training_valid_on_the_task_date(held: Credential, ok: bool) -> None:
    task = replace(TASK, needs=(Need("training", "SafeguardingAdults"),))
    expected = None if ok else rules.CREDENTIALS
    assert rules.refusal(replace(ME, credentials=(held,)), task) == expected


def test_expiry_is_judged_on_the_uk_date_of_the_task() -> None:
    # 23:30 UTC on 30 June is 00:30 BST on 1 July: training that expired on 30 June is out.
    late = at(dt.datetime(2027, 6, 30, 23, 30, tzinfo=UTC), needs=(Need("training", "FirstAid"),))
    thursday_night = replace(ME, windows=(Window(0, 2 * 60, weekday=3),))
    held = training(code="FirstAid", expires_on=dt.date(2027, 6, 30))
    assert rules.refusal(replace(thursday_night, credentials=(held,)), late) == rules.CREDENTIALS
    renewed = replace(held, expires_on=dt.date(2027, 7, 1))
    assert rules.refusal(replace(thursday_night, credentials=(renewed,)), late) is None


def test_every_need_must_be_met() -> None:
    needs = (Need("training", "SafeguardingAdults"), Need("requirement", "IDCheck"))
    task = replace(TASK, needs=needs)
    id_check = Credential("c3", "requirement", "IDCheck", dt.date(2026, 1, 1))
    assert rules.refusal(replace(ME, credentials=(training(),)), task) == rules.CREDENTIALS
    assert rules.refusal(replace(ME, credentials=(training(), id_check)), task) is None
    as_training = replace(id_check, kind="training")
    assert (
        rules.refusal(replace(ME, credentials=(training(), as_training)), task) == rules.CREDENTIALS
    )


# -- bookings and age ----------------------------------------------------------------------------


def booked(start_hour: float, minutes: int, **changes: object) -> Booked:
    starts = dt.datetime(2026, 12, 1, tzinfo=UTC) + dt.timedelta(hours=start_hour)
    base = Booked("other-task", "accepted", starts, starts + dt.timedelta(minutes=minutes))
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("booking", "ok"),
    [
        (booked(10.5, 60), False),  # overlaps the second half
        (booked(9.5, 31), False),  # overlaps by a minute
        (booked(9, 60), True),  # ends as the task starts
        (booked(11, 60), True),  # starts as it ends
        (booked(10, 60, task_id="task-1"), True),  # the same task
        (booked(10, 60, status="offered"), True),  # only offered
        (booked(10, 60, status="declined"), True),
    ],
)
def test_no_overlapping_accepted_booking(booking: Booked, ok: bool) -> None:
    expected = None if ok else rules.BUSY
    assert rules.refusal(ME, TASK, [booking]) == expected


def test_old_enough_on_the_day() -> None:
    eighteen_today = replace(ME, date_of_birth=dt.date(2008, 12, 1))
    eighteen_tomorrow = replace(ME, date_of_birth=dt.date(2008, 12, 2))
    assert rules.refusal(eighteen_today, TASK) is None
    assert rules.refusal(eighteen_tomorrow, TASK) == rules.AGE


def test_age_on_the_uk_date() -> None:
    # 23:30 UTC on 1 July 2027 is 00:30 BST on 2 July: their 18th birthday.
    late = at(dt.datetime(2027, 7, 1, 23, 30, tzinfo=UTC))
    friday_night = replace(ME, windows=(Window(0, 2 * 60, weekday=4),))
    assert rules.refusal(replace(friday_night, date_of_birth=dt.date(2009, 7, 2)), late) is None
    too_young = replace(friday_night, date_of_birth=dt.date(2009, 7, 3))
    assert rules.refusal(too_young, late) == rules.AGE


# -- ranking -------------------------------------------------------------------------------------


def test_ranking_bands_then_continuity_then_fewer_tasks_then_reliability() -> None:
    ranked = sorted(
        [
            ("far-regular", 12.0, Record(helped_person=True)),
            ("near-busy", 1.5, Record(recent_tasks=3)),
            ("near-helped", 1.9, Record(helped_person=True, recent_tasks=5)),
            ("near-unreliable", 0.4, Record(attended=1, no_show=3)),
            ("near-reliable", 1.0, Record(attended=9, no_show=1)),
            ("near-new", 0.5, Record()),
            ("mid", 3.0, Record()),
        ],
        key=lambda c: rules.rank_key(*c),
    )
    assert [c[0] for c in ranked] == [
        "near-helped",  # same band; continuity first
        "near-reliable",  # then no recent tasks, and 9 of 10 beats unknown
        "near-new",  # unknown is neutral: above 1 of 4
        "near-unreliable",
        "near-busy",
        "mid",  # the next band
        "far-regular",
    ]


def test_exact_distance_then_account_break_ties() -> None:
    tied = [("b", 1.0, Record()), ("a", 1.0, Record()), ("c", 0.2, Record())]
    assert [c[0] for c in sorted(tied, key=lambda c: rules.rank_key(*c))] == ["c", "a", "b"]


def test_reasons_in_plain_english() -> None:
    record = Record(attended=9, no_show=1, recent_tasks=2, helped_person=True)
    assert rules.reasons(1.23, record) == (
        "1.2 km away",
        "Has helped this person before",
        "2 tasks in the last 28 days",
        "Attended 9 of 10",
    )
    assert rules.reasons(None, Record(recent_tasks=1)) == (
        "Remote task",
        "1 task in the last 28 days",
        "No attendance record yet",
    )
    assert rules.reasons(0.0, Record())[1] == "No tasks in the last 28 days"


def test_reliability_is_neutral_when_unknown() -> None:
    assert Record().reliability == 0.5
    assert (
        Record(attended=9, no_show=1).reliability > 0.5 > Record(attended=0, no_show=1).reliability
    )
