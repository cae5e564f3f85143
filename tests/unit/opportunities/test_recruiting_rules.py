""" "Still recruiting?" rules as a pure function of dates: no database, no clock."""

from __future__ import annotations

import datetime as dt

from services.opportunities.domain.details import Details
from services.opportunities.domain.opportunity import Opportunity, Status
from services.opportunities.domain.recruiting import Action, AskReason, Decision, decide, plan

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _published(closes_on: dt.date | None = None, at: dt.datetime = T0) -> Opportunity:
    role = Opportunity.create("org", Details("Helper", remote=True, closes_on=closes_on), at)
    role.publish(at, organisation_approved=True)
    return role


def test_a_fresh_role_is_left_alone() -> None:
    assert decide(_published(), None, T0 + 89 * DAY) is None


def test_ninety_days_idle_asks() -> None:
    role = _published()
    assert decide(role, None, T0 + 90 * DAY) == Decision(role.id, Action.ASK, AskReason.IDLE)


def test_an_edit_restarts_the_ninety_days() -> None:
    role = _published()
    role.update({"title": "Helper (weekends)"}, T0 + 50 * DAY)
    assert decide(role, None, T0 + 90 * DAY) is None
    assert decide(role, None, T0 + 140 * DAY) is not None


def test_seven_days_before_closing_asks() -> None:
    closes = (T0 + 30 * DAY).date()
    role = _published(closes)
    assert decide(role, None, T0 + 22 * DAY) is None
    decision = decide(role, None, T0 + 23 * DAY)
    assert decision == Decision(role.id, Action.ASK, AskReason.CLOSING_SOON)


def test_an_unanswered_ask_pauses_after_seven_days() -> None:
    role = _published()
    asked = T0 + 90 * DAY
    assert decide(role, asked, asked + 6 * DAY) is None
    assert decide(role, asked, asked + 7 * DAY) == Decision(role.id, Action.PAUSE)


def test_a_confirmation_after_the_ask_prevents_the_pause_and_restarts_the_clock() -> None:
    role = _published()
    asked = T0 + 90 * DAY
    role.confirm(asked + 2 * DAY)
    assert decide(role, asked, asked + 7 * DAY) is None
    assert decide(role, asked, asked + 91 * DAY) is None
    assert decide(role, asked, asked + 92 * DAY) == Decision(role.id, Action.ASK, AskReason.IDLE)


def test_confirming_inside_the_closing_window_is_not_asked_again() -> None:
    closes = (T0 + 30 * DAY).date()
    role = _published(closes)
    role.confirm(T0 + 24 * DAY)
    assert decide(role, T0 + 23 * DAY, T0 + 29 * DAY) is None


def test_roles_past_their_closing_date_expire_whether_published_or_paused() -> None:
    closes = (T0 + 10 * DAY).date()
    published, paused = _published(closes), _published(closes)
    paused.pause(T0)
    for role in (published, paused):
        assert decide(role, None, T0 + 10 * DAY) != Decision(role.id, Action.EXPIRE)
        assert decide(role, None, T0 + 11 * DAY) == Decision(role.id, Action.EXPIRE)


def test_other_statuses_are_never_touched() -> None:
    draft = Opportunity.create("org", Details("Helper", remote=True), T0)
    closed = _published()
    closed.close(T0)
    paused = _published()
    paused.pause(T0)
    for role in (draft, closed, paused):
        assert decide(role, None, T0 + 400 * DAY) is None
    assert closed.status is Status.CLOSED


def test_plan_groups_the_decisions() -> None:
    idle, asked, closing = _published(), _published(), _published((T0 + 5 * DAY).date())
    now = T0 + 97 * DAY
    result = plan([idle, asked, closing], {asked.id: T0 + 90 * DAY}, now)
    assert [d.opportunity_id for d in result.asks] == [idle.id]
    assert [d.opportunity_id for d in result.pauses] == [asked.id]
    assert [d.opportunity_id for d in result.expiries] == [closing.id]
