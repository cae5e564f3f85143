"""Applications: a volunteer offers to help with one role; the organisation answers.

Plain Python. The statuses and who may move them:

    submitted -> seen -> in_contact -> accepted | declined      (the organisation)
    any live status -> withdrawn                                (the volunteer)

``seen``, ``in_contact``, ``accepted`` and ``declined`` are all responses: the first of
them stamps ``first_response_at``, which the response-time guarantee measures.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    SEEN = "seen"
    IN_CONTACT = "in_contact"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


LIVE = frozenset({Status.SUBMITTED, Status.SEEN, Status.IN_CONTACT, Status.ACCEPTED})
RESPONSES = frozenset({Status.SEEN, Status.IN_CONTACT, Status.ACCEPTED, Status.DECLINED})
# The organisation's moves: from -> allowed targets.
_ORGANISATION_MOVES: Mapping[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.SEEN, Status.IN_CONTACT, Status.ACCEPTED, Status.DECLINED}),
    Status.SEEN: frozenset({Status.IN_CONTACT, Status.ACCEPTED, Status.DECLINED}),
    Status.IN_CONTACT: frozenset({Status.ACCEPTED, Status.DECLINED}),
}


class ApplicationError(Exception):
    """A rule of applying was broken; ``code`` names which, for the problem type."""

    def __init__(self, message: str, code: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    required: bool


@dataclass(frozen=True)
class RoleFacts:
    """What applying needs to know about a role (from the volunteers service's copy)."""

    id: str
    organisation_id: str
    title: str
    status: str
    closes_on: dt.date | None
    places: int | None
    questions: tuple[Question, ...] = ()
    apply_url: str | None = None

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> RoleFacts:
        closes = snapshot.get("closes_on")
        return cls(
            id=snapshot["id"],
            organisation_id=snapshot["organisation_id"],
            title=snapshot["title"],
            status=snapshot["status"],
            closes_on=dt.date.fromisoformat(closes) if closes else None,
            places=snapshot.get("places"),
            questions=tuple(
                Question(q["id"], q["text"], bool(q["required"]))
                for q in snapshot.get("questions") or ()
            ),
            apply_url=snapshot.get("apply_url"),
        )


@dataclass(frozen=True)
class StatusChanged:
    application_id: str
    opportunity_id: str
    organisation_id: str
    volunteer_id: str
    status: str
    previous_status: str | None


@dataclass
class Application:
    id: str
    opportunity_id: str
    organisation_id: str
    volunteer_id: str
    message: str
    answers: dict[str, str]
    status: Status
    submitted_at: dt.datetime
    updated_at: dt.datetime
    first_response_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    reason: str | None = None
    share_adjustments: bool = False
    # Set by the response-time guarantee, never by the use cases here: when the application
    # was passed to a Volunteer Centre, and which one (None when no centre covers the role).
    escalated_at: dt.datetime | None = None
    escalated_to: str | None = None
    events: list[StatusChanged] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def submit(
        cls,
        *,
        role: RoleFacts,
        volunteer_id: str,
        message: str,
        answers: Mapping[str, str],
        live_for_role: bool,
        today: dt.date,
        now: dt.datetime,
        share_adjustments: bool = False,
    ) -> Application:
        check_open(role, today)
        if live_for_role:
            raise ApplicationError(
                "You have already applied for this role. You can withdraw that application "
                "and apply again.",
                "already-applied",
            )
        answers = check_answers(role.questions, answers)
        application = cls(
            id=str(uuid.uuid4()),
            opportunity_id=role.id,
            organisation_id=role.organisation_id,
            volunteer_id=volunteer_id,
            message=message.strip(),
            answers=answers,
            status=Status.SUBMITTED,
            submitted_at=now,
            updated_at=now,
            share_adjustments=share_adjustments,
        )
        application._changed(None)
        return application

    @property
    def live(self) -> bool:
        return self.status in LIVE

    def escalated_to_any(self, centres: AbstractSet[str]) -> bool:
        """Whether it was escalated to one of these Volunteer Centres (their staff may read it)."""
        return self.escalated_to is not None and self.escalated_to in centres

    def respond(
        self, target: Status, now: dt.datetime, *, accepted_so_far: int = 0,
        places: int | None = None, reason: str | None = None,
    ) -> None:  # fmt: skip
        """The organisation moves the application on; accepting respects the role's places."""
        allowed = _ORGANISATION_MOVES.get(self.status, frozenset())
        if target not in allowed:
            raise ApplicationError(
                f"An application that is {self.status.value.replace('_', ' ')} cannot be "
                f"marked {target.value.replace('_', ' ')}.",
                "invalid-transition",
            )
        if target is Status.ACCEPTED and places is not None and accepted_so_far >= places:
            raise ApplicationError(
                f"All {places} places on this role are filled. Decline, or add places to the "
                "role first.",
                "no-places-left",
            )
        previous = self.status
        self.status = target
        self.updated_at = now
        if self.first_response_at is None:
            self.first_response_at = now
        if target in (Status.ACCEPTED, Status.DECLINED):
            self.decided_at = now
            self.reason = reason
        self._changed(previous)

    def withdraw(self, now: dt.datetime, reason: str | None = None) -> None:
        if not self.live:
            raise ApplicationError(
                f"This application is already {self.status.value}.", "invalid-transition"
            )
        previous = self.status
        self.status = Status.WITHDRAWN
        self.updated_at = now
        self.decided_at = now
        self.reason = reason
        self._changed(previous)

    def _changed(self, previous: Status | None) -> None:
        self.events.append(
            StatusChanged(
                self.id,
                self.opportunity_id,
                self.organisation_id,
                self.volunteer_id,
                self.status.value,
                previous.value if previous else None,
            )
        )


@dataclass(frozen=True)
class Page:
    """Which page of a listing: ``page`` counts from 1, at most ``per_page`` items each."""

    page: int = 1
    per_page: int = 50

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def cut(self, rows: Sequence[Application]) -> Listing:
        """This page from ``rows`` read from ``offset`` with one row to spare (is there more?)."""
        return Listing(list(rows[: self.per_page]), self, more=len(rows) > self.per_page)


@dataclass(frozen=True)
class Listing:
    """One page of applications, and whether a next page exists."""

    items: list[Application]
    page: Page
    more: bool = False


def check_open(role: RoleFacts, today: dt.date) -> None:
    if role.status != "published" or (role.closes_on is not None and role.closes_on < today):
        raise ApplicationError("This role is not taking applications.", "role-closed")
    if role.apply_url:
        raise ApplicationError(
            f"This organisation takes applications on its own website: {role.apply_url}",
            "apply-elsewhere",
        )


def check_answers(questions: Sequence[Question], answers: Mapping[str, str]) -> dict[str, str]:
    """The answers, trimmed; every required question answered, no unknown question ids."""
    known = {q.id for q in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ApplicationError(
            f"These are not questions on this role: {', '.join(unknown)}.", "unknown-question", 422
        )
    cleaned = {qid: text.strip() for qid, text in answers.items() if text and text.strip()}
    missing = [q.text for q in questions if q.required and q.id not in cleaned]
    if missing:
        raise ApplicationError(
            "Please answer: " + " ".join(f"'{m}'" for m in missing), "unanswered-question", 422
        )
    return cleaned
