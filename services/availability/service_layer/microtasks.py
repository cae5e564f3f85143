"""Micro-tasks from the coordinator's side: post (and offer at once), read, cancel, and
confirm who came and for how long (which approves their hours)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Mapping
from typing import Any

from services.availability.adapters import task_repository as repo
from services.availability.adapters.task_rows import as_utc, need_from_json, need_to_json
from services.availability.domain.errors import Conflict, Invalid, NotFound
from services.availability.domain.model import UK, BookingStatus, TaskStatus
from services.availability.domain.tasks import (
    DEFAULT_OFFER_MINUTES,
    check_task,
    default_offers_per_round,
)
from services.availability.service_layer import hours as hours_service
from services.availability.service_layer.offers import lapse_offers, offer_round, task_summary
from services.availability.service_layer.unit_of_work import (
    MICRO,
    UnitOfWork,
    geocoder,
    unit_of_work,
)
from services.common.auth import Principal
from services.common.geo.postcodes import UnknownPostcode
from services.common.runtime import ServiceRuntime
from services.common.vocab import load_vocabularies

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict


@functools.cache
def requirement_codes() -> tuple[str, ...]:
    return tuple(c.code for c in load_vocabularies().get("requirements").concepts)


def post(runtime: ServiceRuntime, principal: Principal, fields: Mapping[str, Any]) -> Row:
    """Post a task and offer it to the first round of eligible volunteers, in one go."""
    with unit_of_work(runtime) as uow:
        uow.require_member(
            fields["organisation_id"], principal.account_id, admin=principal.is_admin
        )
        errors = check_task(fields, uow.now, requirement_codes())
        if errors:
            raise Invalid(errors)
        row = _new_row(runtime, uow, principal, fields)
        repo.insert_task(uow.session, row)
        uow.emit(
            MICRO,
            "TaskPosted",
            row["id"],
            {
                "task_id": row["id"],
                "organisation_id": row["organisation_id"],
                **task_summary(row),
                "volunteers_needed": row["volunteers_needed"],
                "at": uow.now,
            },
        )
        offer_round(uow, row)
        found = repo.get_task(uow.session, row["id"])
        assert found is not None
        return found


def _new_row(
    runtime: ServiceRuntime, uow: UnitOfWork, principal: Principal, fields: Mapping[str, Any]
) -> dict[str, Any]:
    remote = bool(fields.get("remote"))
    postcode, latitude, longitude = _place(runtime, None if remote else fields.get("postcode"))
    starts_at = fields["starts_at"].astimezone(dt.UTC)
    needed = fields["volunteers_needed"]
    needs = [need_to_json(need_from_json(need)) for need in fields.get("needs", ())]
    return {
        "id": str(uuid.uuid4()),
        "organisation_id": fields["organisation_id"],
        "created_by": principal.account_id,
        "task_type": fields["task_type"],
        "title": fields["title"],
        "description": fields.get("description", ""),
        "remote": remote,
        "postcode": postcode,
        "latitude": latitude,
        "longitude": longitude,
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(minutes=fields["duration_minutes"]),
        "duration_minutes": fields["duration_minutes"],
        "needs": needs,
        "volunteers_needed": needed,
        "accepted_count": 0,
        "min_age": fields["min_age"],
        "person_ref": fields.get("person_ref") or None,
        "offers_per_round": fields.get("offers_per_round") or default_offers_per_round(needed),
        "offer_minutes": fields.get("offer_minutes") or DEFAULT_OFFER_MINUTES,
        "round": 0,
        "next_round_at": None,
        "status": TaskStatus.OPEN,
        "posted_at": uow.now,
        "updated_at": uow.now,
    }


def _place(
    runtime: ServiceRuntime, postcode: str | None
) -> tuple[str | None, float | None, float | None]:
    if not postcode:
        return None, None, None
    try:
        location = geocoder(runtime).lookup(postcode)
    except UnknownPostcode as exc:
        raise Invalid({"postcode": [exc.message]}) from exc
    return location.postcode, location.latitude, location.longitude


def get_for(runtime: ServiceRuntime, principal: Principal, task_id: str) -> tuple[Row, Row | None]:
    """The task, and the caller's booking on it; 404 unless they are its organisation's
    member (booking None) or were offered it."""
    with unit_of_work(runtime) as uow:
        task = repo.get_task(uow.session, task_id)
        if task is None:
            raise NotFound("No such task.")
        if principal.is_admin or uow.role_in(task["organisation_id"], principal.account_id):
            return task, None
        booking = repo.booking_of(uow.session, task_id, principal.account_id)
        if booking is None:
            raise NotFound("No such task.")
        return task, booking


def managed_task(uow: UnitOfWork, principal: Principal, task_id: str) -> Row:
    """A task the caller coordinates (its organisation's member, or an admin); else 404."""
    task = repo.get_task(uow.session, task_id)
    if task is None or not (
        principal.is_admin or uow.role_in(task["organisation_id"], principal.account_id)
    ):
        raise NotFound("No such task.")
    return task


def list_for(
    runtime: ServiceRuntime,
    principal: Principal,
    organisation_id: str,
    status: str | None,
    limit: int,
    offset: int,
) -> list[Row]:
    with unit_of_work(runtime) as uow:
        uow.require_member(organisation_id, principal.account_id, admin=principal.is_admin)
        return repo.list_tasks(uow.session, organisation_id, status, limit, offset)


def bookings(runtime: ServiceRuntime, principal: Principal, task_id: str) -> list[Row]:
    with unit_of_work(runtime) as uow:
        managed_task(uow, principal, task_id)
        return repo.bookings_of_task(uow.session, task_id)


def cancel(runtime: ServiceRuntime, principal: Principal, task_id: str) -> Row:
    with unit_of_work(runtime) as uow:
        task = managed_task(uow, principal, task_id)
        if task["status"] == TaskStatus.CANCELLED:
            return task
        if task["status"] not in (TaskStatus.OPEN, TaskStatus.FILLED):
            raise Conflict("A completed task cannot be cancelled.")
        lapse_offers(uow, task, "cancelled")
        accepted = repo.bookings_of_task(uow.session, task_id, [BookingStatus.ACCEPTED])
        for booking in accepted:  # no longer holding their time
            repo.set_booking(
                uow.session,
                booking["id"],
                BookingStatus.ACCEPTED,
                status=BookingStatus.LAPSED,
                lapse_reason="cancelled",
            )
        repo.update_task(
            uow.session,
            task_id,
            status=TaskStatus.CANCELLED,
            next_round_at=None,
            updated_at=uow.now,
        )
        uow.emit(
            MICRO,
            "TaskCancelled",
            task_id,
            {
                "task_id": task_id,
                "organisation_id": task["organisation_id"],
                "account_ids": [b["account_id"] for b in accepted],
                "at": uow.now,
            },
        )
        found = repo.get_task(uow.session, task_id)
        assert found is not None
        return found


def record_attendance(
    runtime: ServiceRuntime,
    principal: Principal,
    task_id: str,
    booking_id: str,
    attended: bool,
    minutes: int | None,
) -> Row:
    """The coordinator confirms who came (and for how long, approving the hours) or not."""
    with unit_of_work(runtime) as uow:
        task = managed_task(uow, principal, task_id)
        booking = repo.get_booking(uow.session, booking_id)
        if booking is None or booking["task_id"] != task_id:
            raise NotFound("No such booking on this task.")
        if booking["status"] != BookingStatus.ACCEPTED:
            raise Conflict("Attendance is recorded once, for volunteers who accepted.")
        if as_utc(task["starts_at"]) > uow.now:
            raise Conflict("Attendance can be confirmed once the task has started.")
        given = minutes if minutes is not None else task["duration_minutes"]
        status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
        repo.set_booking(
            uow.session, booking_id, BookingStatus.ACCEPTED, status=status, attendance_at=uow.now
        )
        uow.emit(
            MICRO,
            "AttendanceRecorded",
            task_id,
            {
                "booking_id": booking_id,
                "task_id": task_id,
                "organisation_id": task["organisation_id"],
                "account_id": booking["account_id"],
                "attended": attended,
                "minutes": given if attended else None,
                "at": uow.now,
            },
        )
        if attended:
            hours_service.approve_booking_hours(uow, principal, task, booking, given)
        _complete_if_done(uow, task)
        found = repo.get_booking(uow.session, booking_id)
        assert found is not None
        return found


def _complete_if_done(uow: UnitOfWork, task: Row) -> None:
    recruiting = task["status"] == TaskStatus.OPEN and as_utc(task["starts_at"]) > uow.now
    if recruiting:
        return
    if repo.bookings_of_task(uow.session, task["id"], [BookingStatus.ACCEPTED]):
        return  # someone's attendance is still to confirm
    repo.update_task(
        uow.session, task["id"], status=TaskStatus.COMPLETED, next_round_at=None, updated_at=uow.now
    )
    uow.emit(
        MICRO,
        "TaskCompleted",
        task["id"],
        {
            "task_id": task["id"],
            "organisation_id": task["organisation_id"],
            "at": uow.now,
        },
    )


def local_day(moment: dt.datetime) -> dt.date:
    return as_utc(moment).astimezone(UK).date()
