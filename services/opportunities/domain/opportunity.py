"""A volunteering role (an opportunity): its lifecycle and the events each change emits.

Every change bumps ``revision`` and emits one event carrying the whole role as it now
stands, so a consumer can rebuild its copy from any single event.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.common.validation import InvalidInput
from services.opportunities.domain.details import Details, detail_problems
from services.opportunities.domain.errors import Conflict

REASON_MAX = 1000


class Status(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    PAUSED = "paused"
    CLOSED = "closed"
    EXPIRED = "expired"
    DELETED = "deleted"


# Statuses whose content may still change (an expired role can get a new closing date).
EDITABLE = frozenset({Status.DRAFT, Status.PUBLISHED, Status.PAUSED, Status.EXPIRED})
LIVE = frozenset({Status.PUBLISHED, Status.PAUSED})


@dataclass(frozen=True)
class OpportunityEvent:
    """Base of the role's events: its id, new revision, whole snapshot and an optional why."""

    opportunity_id: str
    revision: int
    opportunity: Mapping[str, Any]
    reason: str | None = None


class OpportunityCreated(OpportunityEvent):
    pass


class OpportunityUpdated(OpportunityEvent):
    pass


class OpportunityPublished(OpportunityEvent):
    pass


class OpportunityPaused(OpportunityEvent):
    pass


class OpportunityClosed(OpportunityEvent):
    pass


class OpportunityExpired(OpportunityEvent):
    pass


class OpportunityConfirmed(OpportunityEvent):
    pass


class OpportunityDeleted(OpportunityEvent):
    pass


# action -> (statuses it may start from, status it leads to, event it emits)
TRANSITIONS: Mapping[str, tuple[frozenset[Status], Status, type[OpportunityEvent]]] = {
    "publish": (
        frozenset({Status.DRAFT, Status.PAUSED, Status.EXPIRED}),
        Status.PUBLISHED,
        OpportunityPublished,
    ),
    "pause": (frozenset({Status.PUBLISHED}), Status.PAUSED, OpportunityPaused),
    "close": (EDITABLE, Status.CLOSED, OpportunityClosed),
    "expire": (LIVE, Status.EXPIRED, OpportunityExpired),
    "delete": (frozenset({Status.DRAFT}), Status.DELETED, OpportunityDeleted),
}


def today_of(now: dt.datetime) -> dt.date:
    """The calendar day rules run on (UTC, like every stored time)."""
    return now.astimezone(dt.UTC).date()


def check_details(details: Details) -> None:
    problems = detail_problems(details)
    if problems:
        raise InvalidInput(problems)


@dataclass
class Opportunity:
    """A role an organisation recruits volunteers for."""

    id: str
    organisation_id: str
    details: Details
    status: Status
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None = None
    confirmed_at: dt.datetime | None = None
    events: list[OpportunityEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        organisation_id: str,
        details: Details,
        now: dt.datetime,
        *,
        publish: bool = False,
        organisation_approved: bool = False,
    ) -> Opportunity:
        """A new draft at revision 1; with ``publish``, published at once, on the same terms
        as ``publish``, and announced in one event (a bulk import of open roles)."""
        check_details(details)
        role = cls(str(uuid.uuid4()), organisation_id, details, Status.DRAFT, 1, now, now)
        if publish:
            role._may_publish(now, organisation_approved)
            role.status, role.published_at = Status.PUBLISHED, now
        role.events.append(OpportunityCreated(role.id, 1, role.snapshot()))
        return role

    def update(self, changes: Mapping[str, Any], now: dt.datetime) -> bool:
        """Change some fields; a published role stays published. False if nothing changed."""
        if self.status not in EDITABLE:
            raise self._illegal("changed")
        details = self.details.replace(**changes)
        if details == self.details:
            return False
        check_details(details)
        if self.status is Status.PUBLISHED:
            _still_open(details, now)
        self.details = details
        self._record(OpportunityUpdated, now)
        return True

    def publish(self, now: dt.datetime, *, organisation_approved: bool) -> None:
        self._may_publish(now, organisation_approved)
        self.published_at = now  # the last time the role went live: it counts as a confirmation
        self._move("publish", now)

    def _may_publish(self, now: dt.datetime, organisation_approved: bool) -> None:
        self._allowed("publish")
        if not organisation_approved:
            raise Conflict(
                "This organisation has not been approved yet, so its roles cannot be "
                "published. A Volunteer Centre or an administrator must approve it first.",
                code="approval-required",
            )
        _still_open(self.details, now)

    def pause(self, now: dt.datetime, reason: str | None = None) -> None:
        self._move("pause", now, reason)

    def close(self, now: dt.datetime, reason: str | None = None) -> None:
        self._move("close", now, reason)

    def expire(self, now: dt.datetime) -> None:
        self._move("expire", now, "The closing date has passed.")

    def delete(self, now: dt.datetime) -> None:
        if self.status is not Status.DRAFT:
            raise self._illegal("deleted", hint=" Close it instead.")
        self._move("delete", now)

    def confirm(self, now: dt.datetime) -> None:
        """The organisation says the role is still recruiting."""
        if self.status is not Status.PUBLISHED:
            hint = " Publish it again instead." if self.status is Status.PAUSED else ""
            raise self._illegal("confirmed as still recruiting", hint=hint)
        self.confirmed_at = now
        self._record(OpportunityConfirmed, now)

    @property
    def is_public(self) -> bool:
        """Anyone may read it: it has been published at some point and is not deleted."""
        return self.status not in (Status.DRAFT, Status.DELETED)

    def snapshot(self) -> dict[str, Any]:
        """The whole role, shaped like opportunities.v1 ``Opportunity`` (dates not yet text)."""
        return {
            "id": self.id,
            "organisation_id": self.organisation_id,
            **self.details.as_dict(),
            "status": self.status.value,
            "published_at": self.published_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "confirmed_at": self.confirmed_at,
        }

    def _move(self, action: str, now: dt.datetime, reason: str | None = None) -> None:
        _, target, event = self._allowed(action)
        if reason is not None and len(reason) > REASON_MAX:
            raise InvalidInput.field("reason", f"Use at most {REASON_MAX} characters.")
        self.status = target
        self._record(event, now, reason)

    def _allowed(self, action: str) -> tuple[frozenset[Status], Status, type[OpportunityEvent]]:
        rule = TRANSITIONS[action]
        if self.status not in rule[0]:
            raise self._illegal(_PAST[action])
        return rule

    def _record(
        self, event: type[OpportunityEvent], now: dt.datetime, reason: str | None = None
    ) -> None:
        self.revision += 1
        self.updated_at = now
        self.events.append(event(self.id, self.revision, self.snapshot(), reason or None))

    def _illegal(self, what: str, hint: str = "") -> Conflict:
        return Conflict(
            f"A {self.status.value} role cannot be {what}.{hint}",
            code="invalid-transition",
            current_status=self.status.value,
        )


_PAST = {
    "publish": "published",
    "pause": "paused",
    "close": "closed",
    "expire": "expired",
    "delete": "deleted",
}


def _still_open(details: Details, now: dt.datetime) -> None:
    if details.closes_on is not None and details.closes_on < today_of(now):
        raise InvalidInput.field(
            "closes_on", "The closing date has passed: choose a later one to publish the role."
        )
