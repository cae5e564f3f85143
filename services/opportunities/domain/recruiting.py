""" "Still recruiting?": which published roles to ask about, pause or expire at a moment.

Pure functions of the roles' dates and the last time each was asked, so the rules are tested
without a database or a clock. The sweep in the service layer applies the result.

* Ask the organisation when a published role closes within 7 days, or has gone 90 days
  without an update or confirmation.
* Pause a role asked at least 7 days ago that has not been confirmed since.
* Expire a published or paused role whose closing date has passed.

(Re)publishing a role counts as a confirmation: the organisation has just said it is live.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.opportunities.domain.opportunity import LIVE, Opportunity, Status, today_of

ASK_BEFORE_CLOSING = dt.timedelta(days=7)
IDLE_AFTER = dt.timedelta(days=90)
ANSWER_WITHIN = dt.timedelta(days=7)
PAUSE_REASON = "Not confirmed as still recruiting"


class AskReason(enum.StrEnum):
    CLOSING_SOON = "closing_soon"
    IDLE = "idle"


class Action(enum.StrEnum):
    ASK = "ask"
    PAUSE = "pause"
    EXPIRE = "expire"


@dataclass(frozen=True)
class Decision:
    """What to do with one role now (``reason`` says why an ask is made)."""

    opportunity_id: str
    action: Action
    reason: AskReason | None = None


@dataclass(frozen=True)
class Plan:
    """Every decision for a set of roles, grouped by action."""

    asks: tuple[Decision, ...] = ()
    pauses: tuple[Decision, ...] = ()
    expiries: tuple[Decision, ...] = ()

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return self.expiries + self.pauses + self.asks


def decide(
    role: Opportunity, last_asked_at: dt.datetime | None, now: dt.datetime
) -> Decision | None:
    """The one thing to do with ``role`` at ``now``, if anything."""
    closes_on = role.details.closes_on
    if role.status in LIVE and closes_on is not None and closes_on < today_of(now):
        return Decision(role.id, Action.EXPIRE)
    if role.status is not Status.PUBLISHED:
        return None
    acknowledged = acknowledged_at(role)
    if last_asked_at is not None and last_asked_at > acknowledged:
        overdue = now - last_asked_at >= ANSWER_WITHIN
        return Decision(role.id, Action.PAUSE) if overdue else None
    reason = _ask_reason(role, acknowledged, now)
    return Decision(role.id, Action.ASK, reason) if reason else None


def plan(
    roles: Iterable[Opportunity], last_asks: Mapping[str, dt.datetime], now: dt.datetime
) -> Plan:
    """``decide`` for every role, grouped."""
    decisions = [d for r in roles if (d := decide(r, last_asks.get(r.id), now))]
    return Plan(
        asks=tuple(d for d in decisions if d.action is Action.ASK),
        pauses=tuple(d for d in decisions if d.action is Action.PAUSE),
        expiries=tuple(d for d in decisions if d.action is Action.EXPIRE),
    )


def acknowledged_at(role: Opportunity) -> dt.datetime:
    """When the organisation last said the role is live: confirmed or (re)published."""
    moments = [m for m in (role.confirmed_at, role.published_at) if m is not None]
    return max(moments, default=role.created_at)


def _ask_reason(role: Opportunity, acknowledged: dt.datetime, now: dt.datetime) -> AskReason | None:
    closes_on = role.details.closes_on
    if closes_on is not None and today_of(now) >= closes_on - ASK_BEFORE_CLOSING:
        window_opened = dt.datetime.combine(closes_on - ASK_BEFORE_CLOSING, dt.time(), dt.UTC)
        if acknowledged < window_opened:
            return AskReason.CLOSING_SOON
    if now - max(acknowledged, role.updated_at) >= IDLE_AFTER:
        return AskReason.IDLE
    return None
