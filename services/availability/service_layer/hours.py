"""Hours given: confirmed by a coordinator, or reported by the volunteer and approved by
the organisation; for micro-tasks and for roles alike. Approval emits ``HoursApproved``,
which the ledger turns into time credits (once per hours record)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from services.availability.adapters import task_repository as tasks_repo
from services.availability.adapters.tables import hours, organisation_copies, role_copies
from services.availability.adapters.task_rows import as_utc
from services.availability.domain.errors import Conflict, Invalid, NotFound
from services.availability.domain.model import UK, BookingStatus
from services.availability.domain.tasks import check_report
from services.availability.service_layer.unit_of_work import MICRO, UnitOfWork, unit_of_work
from services.common.auth import Principal
from services.common.runtime import ServiceRuntime

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict


def approve_booking_hours(
    uow: UnitOfWork, principal: Principal, task: Row, booking: Row, minutes: int
) -> None:
    """Attendance confirmed by the coordinator: the hours are approved as they are recorded
    (or, if the volunteer had already reported them, their report is approved)."""
    found = (
        uow.session.execute(sa.select(hours).where(hours.c.booking_id == booking["id"]))
        .mappings()
        .first()
    )
    if found is not None:
        if found["status"] == "reported":
            _decide(uow, principal, found, "approved", None, minutes=minutes)
        return
    row = _new_row(
        uow,
        booking["account_id"],
        task["organisation_id"],
        "task",
        minutes,
        as_utc(task["starts_at"]).astimezone(UK).date(),
        principal.account_id,
    )
    row.update(task_id=task["id"], booking_id=booking["id"])
    uow.session.execute(hours.insert().values(**row))
    _decide(uow, principal, row, "approved", None)


def report(runtime: ServiceRuntime, principal: Principal, fields: Mapping[str, Any]) -> Row:
    """The volunteer logs hours for a task they accepted or for a role; the organisation
    approves them."""
    with unit_of_work(runtime) as uow:
        errors = check_report(fields["minutes"], fields["worked_on"], uow.now)
        if errors:
            raise Invalid(errors)
        row = _reported_row(uow, principal, fields)
        uow.session.execute(hours.insert().values(**row))
        return row


def _reported_row(
    uow: UnitOfWork, principal: Principal, fields: Mapping[str, Any]
) -> dict[str, Any]:
    me = principal.account_id
    if fields.get("booking_id"):
        booking = tasks_repo.get_booking(uow.session, fields["booking_id"])
        if booking is None or booking["account_id"] != me:
            raise NotFound("No such booking of yours.")
        if booking["status"] not in (BookingStatus.ACCEPTED, BookingStatus.ATTENDED):
            raise Conflict("Hours can be logged for tasks you accepted.")
        if as_utc(booking["starts_at"]) > uow.now:
            raise Conflict("Log the hours once the task has started.")
        taken = uow.session.execute(
            sa.select(hours.c.id).where(hours.c.booking_id == booking["id"])
        ).scalar()
        if taken:
            raise Conflict("Hours for this task are already logged.", hours_id=taken)
        row = _new_row(
            uow,
            me,
            booking["organisation_id"],
            "task",
            fields["minutes"],
            fields["worked_on"],
            me,
            note=fields.get("note", ""),
        )
        row.update(task_id=booking["task_id"], booking_id=booking["id"])
        return row
    role = (
        uow.session.execute(
            sa.select(role_copies).where(role_copies.c.id == fields["opportunity_id"])
        )
        .mappings()
        .first()
    )
    if role is None or role["status"] == "deleted":
        raise Invalid({"opportunity_id": ["No such role."]})
    row = _new_row(
        uow,
        me,
        role["organisation_id"],
        "role",
        fields["minutes"],
        fields["worked_on"],
        me,
        note=fields.get("note", ""),
    )
    row["opportunity_id"] = role["id"]
    return row


def _new_row(
    uow: UnitOfWork,
    account_id: str,
    organisation_id: str,
    source: str,
    minutes: int,
    worked_on: Any,
    reported_by: str,
    note: str = "",
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "account_id": account_id,
        "organisation_id": organisation_id,
        "source": source,
        "task_id": None,
        "booking_id": None,
        "opportunity_id": None,
        "worked_on": worked_on,
        "minutes": minutes,
        "status": "reported",
        "reported_by": reported_by,
        "reported_at": uow.now,
        "decided_by": None,
        "decided_at": None,
        "note": note,
        "reason": None,
    }


def decide(
    runtime: ServiceRuntime, principal: Principal, hours_id: str, approve: bool, reason: str | None
) -> Row:
    """An organisation member approves or rejects reported hours (each decided once)."""
    with unit_of_work(runtime) as uow:
        row = uow.session.execute(sa.select(hours).where(hours.c.id == hours_id)).mappings().first()
        if row is None or not (
            principal.is_admin or uow.role_in(row["organisation_id"], principal.account_id)
        ):
            raise NotFound("No such hours record.")
        if row["status"] != "reported":
            raise Conflict(f"These hours were already {row['status']}.")
        _decide(uow, principal, row, "approved" if approve else "rejected", reason)
        if approve and row["booking_id"]:
            _mark_attended(uow, row)
        found = uow.session.execute(sa.select(hours).where(hours.c.id == hours_id)).mappings().one()
        return found


def _decide(
    uow: UnitOfWork,
    principal: Principal,
    row: Row,
    status: str,
    reason: str | None,
    minutes: int | None = None,
) -> None:
    values: dict[str, Any] = {
        "status": status,
        "decided_by": principal.account_id,
        "decided_at": uow.now,
        "reason": reason,
    }
    if minutes is not None:
        values["minutes"] = minutes
    result = uow.session.execute(
        sa.update(hours)
        .where(hours.c.id == row["id"], hours.c.status == "reported")
        .values(**values)
    )
    if not getattr(result, "rowcount", 0):
        raise Conflict("These hours were decided a moment ago.")
    if status == "approved":
        uow.emit(
            MICRO,
            "HoursApproved",
            row["id"],
            {
                "hours_id": row["id"],
                "account_id": row["account_id"],
                "organisation_id": row["organisation_id"],
                "source": row["source"],
                "minutes": values.get("minutes", row["minutes"]),
                "worked_on": row["worked_on"],
                "at": uow.now,
            },
        )


def _mark_attended(uow: UnitOfWork, row: Row) -> None:
    booking = tasks_repo.get_booking(uow.session, row["booking_id"])
    if booking is None or booking["status"] != BookingStatus.ACCEPTED:
        return
    tasks_repo.set_booking(
        uow.session,
        booking["id"],
        BookingStatus.ACCEPTED,
        status=BookingStatus.ATTENDED,
        attendance_at=uow.now,
    )
    uow.emit(
        MICRO,
        "AttendanceRecorded",
        booking["task_id"],
        {
            "booking_id": booking["id"],
            "task_id": booking["task_id"],
            "organisation_id": booking["organisation_id"],
            "account_id": booking["account_id"],
            "attended": True,
            "minutes": row["minutes"],
            "at": uow.now,
        },
    )


def own(runtime: ServiceRuntime, account_id: str, limit: int, offset: int) -> list[Row]:
    with unit_of_work(runtime) as uow:
        return _listed(uow, hours.c.account_id == account_id, limit, offset)


def pending(
    runtime: ServiceRuntime, principal: Principal, organisation_id: str, limit: int, offset: int
) -> list[Row]:
    with unit_of_work(runtime) as uow:
        uow.require_member(organisation_id, principal.account_id, admin=principal.is_admin)
        condition = sa.and_(
            hours.c.organisation_id == organisation_id, hours.c.status == "reported"
        )
        return _listed(uow, condition, limit, offset)


def _listed(uow: UnitOfWork, condition: Any, limit: int, offset: int) -> list[Row]:
    query = (
        sa.select(
            hours,
            organisation_copies.c.name.label("organisation_name"),
            role_copies.c.title.label("role_title"),
        )
        .outerjoin(organisation_copies, organisation_copies.c.id == hours.c.organisation_id)
        .outerjoin(role_copies, role_copies.c.id == hours.c.opportunity_id)
        .where(condition)
        .order_by(hours.c.worked_on.desc(), hours.c.reported_at.desc(), hours.c.id)
        .limit(limit)
        .offset(offset)
    )
    return list(uow.session.execute(query).mappings())


def verified_record(runtime: ServiceRuntime, account_id: str) -> list[Row]:
    """Every approved hours record of the volunteer, oldest first, for their export."""
    with unit_of_work(runtime) as uow:
        condition = sa.and_(hours.c.account_id == account_id, hours.c.status == "approved")
        rows = _listed(uow, condition, limit=100_000, offset=0)
    return sorted(rows, key=lambda r: (r["worked_on"], r["id"]))
