"""The response-time guarantee: reminders at 2 and 5 working days, escalation at 7."""

from __future__ import annotations

import datetime as dt

import pytest

from services.volunteers.domain.calendar import LONDON
from services.volunteers.domain.responsiveness import (
    Action,
    PendingApplication,
    ResponseRecord,
    ResponseStats,
    due_actions,
    next_due_at,
    response_stats,
)

R2, R5, ESC = Action.REMIND_2, Action.REMIND_5, Action.ESCALATE
SECOND = dt.timedelta(seconds=1)


def london(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=LONDON)


# Friday 18 December 2026, 16:00. Deadlines, counted by hand (25 and 28 Dec are bank
# holidays, 26-27 Dec a weekend): 2 days Tue 22 Dec, 5 days Tue 29 Dec, 7 days Thu 31 Dec.
SUBMITTED = london(2026, 12, 18, 16, 0)
DAY_2 = london(2026, 12, 22, 16, 0)
DAY_5 = london(2026, 12, 29, 16, 0)
DAY_7 = london(2026, 12, 31, 16, 0)


def pending(**changes: object) -> PendingApplication:
    fields: dict[str, object] = {"id": "a1", "submitted_at": SUBMITTED} | changes
    return PendingApplication(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("now", "sent", "expected"),
    [
        (SUBMITTED, set(), []),
        (DAY_2 - SECOND, set(), []),
        (DAY_2, set(), [R2]),  # due exactly at the deadline
        (DAY_2, {2}, []),
        (london(2026, 12, 25, 12, 0), {2}, []),  # Christmas Day: still day 4
        (london(2026, 12, 28, 23, 59), {2}, []),  # the substitute day does not count
        (DAY_5 - SECOND, {2}, []),
        (DAY_5, {2}, [R5]),
        (DAY_5, set(), [R2, R5]),  # the sweep was down: both, in order
        (DAY_5, {2, 5}, []),
        (DAY_7 - SECOND, {2, 5}, []),
        (DAY_7, {2, 5}, [ESC]),
        (DAY_7, set(), [R2, R5, ESC]),
        (DAY_7, {5}, [R2, ESC]),
        (london(2027, 3, 1, 9, 0), {2}, [R5, ESC]),
    ],
)
def test_due_actions(now: dt.datetime, sent: set[int], expected: list[Action]) -> None:
    assert due_actions(pending(reminders_sent=sent), now) == expected


def test_the_deadline_is_the_same_instant_in_any_time_zone() -> None:
    # London is on UTC in December: 16:00 GMT is 16:00Z and 17:00 in Paris.
    paris = dt.timezone(dt.timedelta(hours=1))
    assert due_actions(pending(), dt.datetime(2026, 12, 22, 16, 59, 59, tzinfo=paris)) == []
    assert due_actions(pending(), dt.datetime(2026, 12, 22, 17, 0, tzinfo=paris)) == [R2]


def test_nothing_is_due_once_the_organisation_has_responded() -> None:
    answered = pending(first_response_at=london(2026, 12, 21, 10, 0))
    assert due_actions(answered, DAY_7 + dt.timedelta(days=30)) == []
    assert next_due_at(answered) is None


def test_nothing_is_due_once_escalated_even_reminders_never_sent() -> None:
    escalated = pending(escalated_at=DAY_7)
    assert due_actions(escalated, DAY_7 + dt.timedelta(days=1)) == []
    assert next_due_at(escalated) is None


def test_submitted_on_a_sunday_the_clock_starts_on_monday() -> None:
    sunday = pending(submitted_at=london(2026, 12, 20, 10, 0))
    # Monday 21 and Tuesday 22 are the two working days: due at Wednesday 00:00.
    assert due_actions(sunday, london(2026, 12, 22, 23, 59, 59)) == []
    assert due_actions(sunday, london(2026, 12, 23, 0, 0)) == [R2]
    assert next_due_at(sunday) == london(2026, 12, 23, 0, 0)


def test_submitted_on_a_bank_holiday() -> None:
    boxing_day_substitute = pending(submitted_at=london(2026, 12, 28, 11, 0))
    # Clock starts Tue 29 Dec 00:00; 29 and 30 Dec are the two working days.
    assert next_due_at(boxing_day_substitute) == london(2026, 12, 31, 0, 0)


def test_next_due_at_walks_through_the_deadlines() -> None:
    assert next_due_at(pending()) == DAY_2
    assert next_due_at(pending(reminders_sent={2})) == DAY_5
    assert next_due_at(pending(reminders_sent={2, 5})) == DAY_7
    assert next_due_at(pending(reminders_sent={5})) == DAY_2


def test_an_hourly_sweep_does_each_action_once_at_its_deadline() -> None:
    application = pending()
    done: list[tuple[Action, dt.datetime]] = []
    now = SUBMITTED
    while now <= SUBMITTED + dt.timedelta(days=21):
        for action in due_actions(application, now):
            done.append((action, now))
            if action is ESC:
                application = pending(reminders_sent=application.reminders_sent, escalated_at=now)
            else:
                sent = application.reminders_sent | {2 if action is R2 else 5}
                application = pending(reminders_sent=sent)
        now += dt.timedelta(hours=1)
    assert done == [(R2, DAY_2), (R5, DAY_5), (ESC, DAY_7)]


def test_actions_are_plain_strings_for_storage() -> None:
    assert [str(a) for a in Action] == ["remind_2", "remind_5", "escalate"]


# --- statistics -----------------------------------------------------------------------------

NOW = london(2027, 1, 11, 12, 0)  # Monday; 1 Jan 2027 (Friday) is a bank holiday


def record(org: str, submitted: dt.datetime, answered: dt.datetime | None) -> ResponseRecord:
    return ResponseRecord(organisation_id=org, submitted_at=submitted, first_response_at=answered)


ORG_A = [
    # 0.25 days, within 5.
    record("a", london(2027, 1, 4, 9, 0), london(2027, 1, 4, 15, 0)),
    # 2.0 days, within 5.
    record("a", london(2027, 1, 4, 9, 0), london(2027, 1, 6, 9, 0)),
    # 31 Dec 09:00 -> 8 Jan 09:00: 0.625 + 4 + 0.375 = 5.0, exactly at the deadline: within.
    record("a", london(2026, 12, 31, 9, 0), london(2027, 1, 8, 9, 0)),
    # 6.0 days: answered late.
    record("a", london(2026, 12, 31, 9, 0), london(2027, 1, 11, 9, 0)),
    # Unanswered, deadline Mon 11 Jan 10:00 has passed: counts as NOT within.
    record("a", london(2027, 1, 4, 10, 0), None),
    # Unanswered, deadline Tue 12 Jan 09:00 still ahead: left out of the share.
    record("a", london(2027, 1, 5, 9, 0), None),
    # Answered only after NOW, deadline Wed 13 Jan 09:00 ahead: unanswered and young.
    record("a", london(2027, 1, 6, 9, 0), london(2027, 1, 11, 13, 0)),
    # Submitted after NOW: not counted at all.
    record("a", london(2027, 1, 12, 9, 0), None),
]
ORG_B = [
    record("b", london(2027, 1, 4, 12, 0), london(2027, 1, 5, 12, 0)),  # 1.0
    record("b", london(2027, 1, 4, 12, 0), london(2027, 1, 5, 0, 0)),  # 0.5
    record("b", london(2027, 1, 4, 12, 0), london(2027, 1, 7, 12, 0)),  # 3.0
]
ORG_C = [record("c", london(2027, 1, 8, 9, 0), None)]


def test_response_stats_per_organisation_in_id_order() -> None:
    stats = response_stats([*ORG_C, *ORG_B, *ORG_A], NOW)
    assert list(stats) == ["a", "b", "c"]


def test_even_count_median_and_share_with_unanswered_applications() -> None:
    a = response_stats(ORG_A, NOW)["a"]
    assert a == ResponseStats(
        "a", count=7, responded=4, median_days=3.5, within_promise=3, decided=5
    )
    assert a.median_days == pytest.approx((2.0 + 5.0) / 2)
    assert a.within_promise_share == pytest.approx(0.6)


def test_odd_count_median() -> None:
    b = response_stats(ORG_B, NOW)["b"]
    assert b.median_days == pytest.approx(1.0)
    assert (b.count, b.responded, b.within_promise, b.decided) == (3, 3, 3, 3)
    assert b.within_promise_share == 1.0


def test_no_responses_and_nothing_decided_yet() -> None:
    c = response_stats(ORG_C, NOW)["c"]
    assert (c.count, c.responded, c.median_days, c.decided) == (1, 0, None, 0)
    assert c.within_promise_share is None


def test_an_unanswered_application_counts_against_only_after_its_deadline() -> None:
    submitted = london(2027, 1, 4, 10, 0)
    deadline = london(2027, 1, 11, 10, 0)
    records = [record("a", submitted, None)]
    at_deadline = response_stats(records, deadline)["a"]
    assert (at_deadline.decided, at_deadline.within_promise_share) == (0, None)
    just_after = response_stats(records, deadline + dt.timedelta(microseconds=1))["a"]
    assert (just_after.decided, just_after.within_promise_share) == (1, 0.0)


def test_a_response_one_second_late_is_not_within() -> None:
    late = record("a", london(2027, 1, 4, 10, 0), london(2027, 1, 11, 10, 0, 1))
    stats = response_stats([late], NOW)["a"]
    assert (stats.within_promise, stats.decided) == (0, 1)
    assert stats.median_days == pytest.approx(5 + 1 / 86400)


def test_no_applications_no_stats() -> None:
    assert response_stats([], NOW) == {}
