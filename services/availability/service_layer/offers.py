"""Fan-out booking: offer a task to the best-placed eligible volunteers, give it to the
first to accept, tell the rest, and offer the next ones when nobody answers in time.

Never more acceptances than places and never one volunteer in two overlapping tasks: both
are decided by guarded single-statement updates inside the accepting transaction (see
adapters/task_repository.py), not by reading first and writing after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from services.availability.adapters import task_repository as repo
from services.availability.adapters.task_rows import as_utc, outward_code, task_from_row
from services.availability.domain.errors import Conflict, NotFound
from services.availability.domain.model import BookingStatus, TaskStatus
from services.availability.domain.tasks import RETRY_EMPTY_ROUND, offer_expiry
from services.availability.service_layer.matching import find_candidates
from services.availability.service_layer.unit_of_work import MICRO, UnitOfWork, unit_of_work
from services.common.runtime import ServiceRuntime

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict
ROUNDS_PER_RUN = 100


def task_summary(task: Row) -> dict[str, Any]:
    """What an event may say about a task: never its title, description or person."""
    return {
        "task_type": task["task_type"],
        "starts_at": as_utc(task["starts_at"]),
        "duration_minutes": task["duration_minutes"],
        "remote": task["remote"],
        "outward_code": None if task["remote"] else outward_code(task["postcode"]),
    }


def offer_round(uow: UnitOfWork, task: Row) -> int:
    """Offer the task to the next best eligible volunteers; returns how many were offered."""
    starts_at = as_utc(task["starts_at"])
    if task["status"] != TaskStatus.OPEN or starts_at <= uow.now:
        repo.update_task(uow.session, task["id"], next_round_at=None)
        return 0
    already = repo.accounts_with_bookings(uow.session, task["id"])
    wanted = task["offers_per_round"]
    chosen = find_candidates(
        uow.session, task_from_row(task), uow.now, exclude=already, limit=wanted
    )
    expires_at = offer_expiry(uow.now, task["offer_minutes"], starts_at)
    number = task["round"] + 1
    for rank, candidate in enumerate(chosen, start=1):
        booking_id = repo.insert_offer(
            uow.session,
            task,
            candidate.account_id,
            round=number,
            rank=rank,
            reasons=list(candidate.reasons),
            offered_at=uow.now,
            expires_at=expires_at,
        )
        uow.emit(
            MICRO,
            "OfferMade",
            task["id"],
            {
                "booking_id": booking_id,
                "task_id": task["id"],
                "organisation_id": task["organisation_id"],
                "account_id": candidate.account_id,
                **task_summary(task),
                "expires_at": expires_at,
                "at": uow.now,
            },
        )
    next_round = expires_at if chosen else min(uow.now + RETRY_EMPTY_ROUND, starts_at)
    repo.update_task(
        uow.session, task["id"], round=number if chosen else task["round"], next_round_at=next_round
    )
    return len(chosen)


def accept(runtime: ServiceRuntime, account_id: str, task_id: str) -> Row:
    """The volunteer takes a place: 409 once the task is filled or if it clashes."""
    with unit_of_work(runtime) as uow:
        booking = _offer_of(uow, task_id, account_id)
        if booking["status"] == BookingStatus.ACCEPTED:
            return booking  # accepting twice is not an error
        task = repo.get_task(uow.session, task_id)
        assert task is not None
        if booking["status"] != BookingStatus.OFFERED or task["status"] != TaskStatus.OPEN:
            raise Conflict(_closed(task, booking))
        if as_utc(booking["expires_at"]) <= uow.now:
            raise Conflict("This offer has lapsed.")  # the job has not marked it yet
        if not repo.lock_volunteer(uow.session, account_id):
            raise Conflict("Turn micro-volunteering on again before accepting tasks.")
        clash = repo.overlapping_acceptance(
            uow.session, account_id, task_id, as_utc(task["starts_at"]), as_utc(task["ends_at"])
        )
        if clash:
            raise Conflict("You have already accepted a task at that time.", clashing_task=clash)
        if not repo.take_place(uow.session, task_id, uow.now):
            raise Conflict("Sorry, this task has just been filled.")
        if not repo.set_booking(
            uow.session,
            booking["id"],
            BookingStatus.OFFERED,
            status=BookingStatus.ACCEPTED,
            responded_at=uow.now,
        ):
            raise Conflict("This offer has lapsed.")
        uow.emit(MICRO, "BookingAccepted", task_id, _booking_event(booking, uow.now))
        refreshed = repo.get_task(uow.session, task_id)
        assert refreshed is not None
        if refreshed["status"] == TaskStatus.FILLED:
            _fill(uow, refreshed)
        found = repo.get_booking(uow.session, booking["id"])
        assert found is not None
        return found


def decline(runtime: ServiceRuntime, account_id: str, task_id: str) -> Row:
    with unit_of_work(runtime) as uow:
        booking = _offer_of(uow, task_id, account_id)
        if booking["status"] == BookingStatus.DECLINED:
            return booking
        if not repo.set_booking(
            uow.session,
            booking["id"],
            BookingStatus.OFFERED,
            status=BookingStatus.DECLINED,
            responded_at=uow.now,
        ):
            raise Conflict("Only an open offer can be declined.")
        uow.emit(MICRO, "BookingDeclined", task_id, _booking_event(booking, uow.now))
        task = repo.get_task(uow.session, task_id)
        assert task is not None
        if not repo.bookings_of_task(uow.session, task_id, [BookingStatus.OFFERED]):
            offer_round(uow, task)  # everyone asked has said no: ask the next ones now
        found = repo.get_booking(uow.session, booking["id"])
        assert found is not None
        return found


def withdraw(runtime: ServiceRuntime, account_id: str, task_id: str, reason: str) -> Row:
    """The volunteer gives back a place they accepted, before the task starts: the place is
    offered again at once and the coordinators are told."""
    with unit_of_work(runtime) as uow:
        booking = _offer_of(uow, task_id, account_id)
        if booking["status"] == BookingStatus.LAPSED and booking["lapse_reason"] == "withdrawn":
            return booking
        task = repo.get_task(uow.session, task_id)
        assert task is not None
        if booking["status"] != BookingStatus.ACCEPTED:
            raise Conflict("Only a task you accepted can be given back.")
        if as_utc(task["starts_at"]) <= uow.now:
            raise Conflict("The task has started: please tell the coordinator instead.")
        repo.set_booking(
            uow.session, booking["id"], BookingStatus.ACCEPTED,
            status=BookingStatus.LAPSED, lapse_reason="withdrawn", responded_at=uow.now,
        )  # fmt: skip
        repo.give_back_place(uow.session, task_id, uow.now)
        uow.emit(MICRO, "BookingWithdrawn", task_id, {
            **_booking_event(booking, uow.now), "reason": reason,
        })  # fmt: skip
        reopened = repo.get_task(uow.session, task_id)
        assert reopened is not None
        if not repo.bookings_of_task(uow.session, task_id, [BookingStatus.OFFERED]):
            offer_round(uow, reopened)
        found = repo.get_booking(uow.session, booking["id"])
        assert found is not None
        return found


def advance(runtime: ServiceRuntime) -> dict[str, int]:
    """The periodic job: lapse unanswered offers and offer the next round."""
    with unit_of_work(runtime) as uow:
        due = repo.due_rounds(uow.session, uow.now, ROUNDS_PER_RUN)
    counts = {"tasks": 0, "lapsed": 0, "offered": 0}
    for task_id in due:
        with unit_of_work(runtime) as uow:  # one task per transaction: short locks
            task = repo.get_task(uow.session, task_id)
            if task is None or task["status"] != TaskStatus.OPEN:
                continue
            next_round_at = task["next_round_at"]
            if next_round_at is None or as_utc(next_round_at) > uow.now:
                continue  # another scheduler got there first
            counts["lapsed"] += lapse_offers(uow, task, "expired", only_due=True)
            counts["offered"] += offer_round(uow, task)
            counts["tasks"] += 1
    return counts


def lapse_offers(uow: UnitOfWork, task: Row, reason: str, *, only_due: bool = False) -> int:
    lapsed = 0
    for booking in repo.bookings_of_task(uow.session, task["id"], [BookingStatus.OFFERED]):
        if only_due and as_utc(booking["expires_at"]) > uow.now:
            continue
        if repo.set_booking(
            uow.session,
            booking["id"],
            BookingStatus.OFFERED,
            status=BookingStatus.LAPSED,
            lapse_reason=reason,
            responded_at=uow.now,
        ):
            uow.emit(
                MICRO,
                "OfferLapsed",
                task["id"],
                {
                    **_booking_event(booking, uow.now),
                    "reason": reason,
                },
            )
            lapsed += 1
    return lapsed


def _fill(uow: UnitOfWork, task: Row) -> None:
    lapse_offers(uow, task, "filled")
    repo.update_task(uow.session, task["id"], next_round_at=None)
    uow.emit(
        MICRO,
        "TaskFilled",
        task["id"],
        {
            "task_id": task["id"],
            "organisation_id": task["organisation_id"],
            "at": uow.now,
        },
    )


def _offer_of(uow: UnitOfWork, task_id: str, account_id: str) -> Row:
    booking = repo.booking_of(uow.session, task_id, account_id)
    if booking is None:
        raise NotFound("This task has not been offered to you.")
    return booking


def _closed(task: Row, booking: Row) -> str:
    if task["status"] == TaskStatus.FILLED:
        return "Sorry, this task has already been filled."
    if task["status"] == TaskStatus.CANCELLED:
        return "This task has been cancelled."
    if task["status"] == TaskStatus.COMPLETED:
        return "This task has already happened."
    if booking["status"] == BookingStatus.DECLINED:
        return "You declined this task."
    return "This offer has lapsed."


def _booking_event(booking: Row, now: dt.datetime) -> dict[str, Any]:
    return {
        "booking_id": booking["id"],
        "task_id": booking["task_id"],
        "organisation_id": booking["organisation_id"],
        "account_id": booking["account_id"],
        "at": now,
    }


def offers_for_volunteer(runtime: ServiceRuntime, account_id: str, limit: int = 100) -> list[Row]:
    with unit_of_work(runtime) as uow:
        return repo.offers_for(uow.session, account_id, limit)
