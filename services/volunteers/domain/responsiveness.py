"""The response-time guarantee: no application goes unanswered.

In 2011 one in three Do-it applicants heard nothing within 10 days. Here, an application
submitted at T is *answered* at its first response: the first time the organisation marks it
seen or in_contact, or accepts or declines it. Until then, counting working days in England &
Wales (``calendar``):

- after 2 working days the organisation is reminded (``REMIND_2``);
- after 5 working days it is reminded again (``REMIND_5``);
- after 7 working days the application is escalated (``ESCALATE``) to the Volunteer Centre
  whose catchment holds the role, and the volunteer is told and offered similar roles.

Each action is due from the instant its deadline is reached (at T + n working days exactly,
not a moment later) and stays due until recorded. ``due_actions`` is what a periodic sweep
asks; it is idempotent: once an action is recorded it is never due again, and after a long
outage every overdue action is returned at once, in order. Once the application has been
escalated, reminders not yet sent are dropped: the Volunteer Centre has taken over.

``response_stats`` summarises the record of each organisation; its rules are on
``ResponseStats``.
"""

from __future__ import annotations

import datetime as dt
import enum
import statistics
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from services.volunteers.domain.calendar import add_working_days, working_days_between

REMINDER_DAYS = (2, 5)
ESCALATION_DAYS = 7
# The promise the statistics measure: a first response within this many working days.
PROMISE_DAYS = 5


class Action(enum.StrEnum):
    REMIND_2 = "remind_2"
    REMIND_5 = "remind_5"
    ESCALATE = "escalate"


_REMINDERS = {2: Action.REMIND_2, 5: Action.REMIND_5}


@dataclass(frozen=True)
class PendingApplication:
    """What the sweep needs to know about one application.

    ``reminders_sent`` holds the working-day marks (2, 5) whose reminder was recorded.
    """

    id: str
    submitted_at: dt.datetime
    first_response_at: dt.datetime | None = None
    reminders_sent: AbstractSet[int] = frozenset()
    escalated_at: dt.datetime | None = None


def deadline(submitted_at: dt.datetime, working_days: int) -> dt.datetime:
    """The moment an action ``working_days`` after submission becomes due."""
    return add_working_days(submitted_at, working_days)


def due_actions(application: PendingApplication, now: dt.datetime) -> list[Action]:
    """The actions due at ``now`` and not yet recorded, in the order they fell due."""
    if application.first_response_at is not None or application.escalated_at is not None:
        return []
    submitted = application.submitted_at
    due = [
        action
        for days, action in _REMINDERS.items()
        if days not in application.reminders_sent and now >= deadline(submitted, days)
    ]
    if now >= deadline(submitted, ESCALATION_DAYS):
        due.append(Action.ESCALATE)
    return due


def next_due_at(application: PendingApplication) -> dt.datetime | None:
    """When the next action falls due (possibly already past), or None when none will."""
    if application.first_response_at is not None or application.escalated_at is not None:
        return None
    pending = [d for d in REMINDER_DAYS if d not in application.reminders_sent]
    return deadline(application.submitted_at, min([*pending, ESCALATION_DAYS]))


@dataclass(frozen=True)
class ResponseRecord:
    """One application as the statistics see it."""

    organisation_id: str
    submitted_at: dt.datetime
    first_response_at: dt.datetime | None = None


@dataclass(frozen=True)
class ResponseStats:
    """How quickly one organisation answers, as of a moment ``now``.

    - ``count``: applications submitted at or before ``now``;
    - ``responded``: those first answered at or before ``now`` (a response recorded after
      ``now`` has not happened yet, so statistics for a past moment are reproducible);
    - ``median_days``: median working days from submission to first response over the
      answered ones (the mean of the middle two for an even number); None when none are
      answered. Unanswered applications are left out here and counted by the share below;
    - ``within_promise`` / ``decided``: an application is *decided* once we know whether it
      was answered within ``PROMISE_DAYS`` working days: it was answered (in time or late),
      or it is still unanswered after its deadline (which counts as NOT within). An
      unanswered application whose deadline is still ahead (or exactly now) may yet be
      answered in time, so it is left out of both numbers. A response exactly at the
      deadline is within it;
    - ``within_promise_share``: ``within_promise / decided``, None when nothing is decided.
    """

    organisation_id: str
    count: int
    responded: int
    median_days: float | None
    within_promise: int
    decided: int

    @property
    def within_promise_share(self) -> float | None:
        return self.within_promise / self.decided if self.decided else None


def response_stats(
    applications: Iterable[ResponseRecord], now: dt.datetime
) -> dict[str, ResponseStats]:
    """Statistics per organisation id, in organisation id order."""
    by_organisation: dict[str, list[ResponseRecord]] = {}
    for record in applications:
        if record.submitted_at <= now:
            by_organisation.setdefault(record.organisation_id, []).append(record)
    return {
        organisation_id: _stats(organisation_id, by_organisation[organisation_id], now)
        for organisation_id in sorted(by_organisation)
    }


def _stats(organisation_id: str, records: list[ResponseRecord], now: dt.datetime) -> ResponseStats:
    waits: list[float] = []
    within = decided = 0
    for record in records:
        answered = _answered_at(record, now)
        promise = deadline(record.submitted_at, PROMISE_DAYS)
        if answered is not None:
            waits.append(working_days_between(record.submitted_at, answered))
            decided += 1
            within += answered <= promise
        elif now > promise:
            decided += 1
    return ResponseStats(
        organisation_id=organisation_id,
        count=len(records),
        responded=len(waits),
        median_days=statistics.median(waits) if waits else None,
        within_promise=within,
        decided=decided,
    )


def _answered_at(record: ResponseRecord, now: dt.datetime) -> dt.datetime | None:
    answered = record.first_response_at
    return answered if answered is not None and answered <= now else None
