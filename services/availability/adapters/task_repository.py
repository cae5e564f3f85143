"""SQL for micro-tasks and their bookings. The guarded updates here are what keep accepts
exact under concurrency: each is one statement whose WHERE clause re-checks the rule, so two
processes racing for the last place cannot both win (SQLite serialises writers with BEGIN
IMMEDIATE; PostgreSQL re-evaluates the WHERE clause after the row lock)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.availability.adapters.tables import bookings, micro_volunteers, microtasks
from services.availability.domain.model import BookingStatus, TaskStatus

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict


def get_task(session: Session, task_id: str) -> Row | None:
    return (
        session.execute(sa.select(microtasks).where(microtasks.c.id == task_id)).mappings().first()
    )


def insert_task(session: Session, row: Mapping[str, Any]) -> None:
    session.execute(microtasks.insert().values(**row))


def update_task(session: Session, task_id: str, **values: Any) -> None:
    session.execute(sa.update(microtasks).where(microtasks.c.id == task_id).values(**values))


def list_tasks(
    session: Session, organisation_id: str, status: str | None, limit: int, offset: int
) -> list[Row]:
    query = sa.select(microtasks).where(microtasks.c.organisation_id == organisation_id)
    if status:
        query = query.where(microtasks.c.status == status)
    query = query.order_by(microtasks.c.starts_at.desc(), microtasks.c.id).limit(limit)
    return list(session.execute(query.offset(offset)).mappings())


def due_rounds(session: Session, now: dt.datetime, limit: int) -> list[str]:
    """Open tasks whose offers have had their time."""
    query = (
        sa.select(microtasks.c.id)
        .where(microtasks.c.status == TaskStatus.OPEN, microtasks.c.next_round_at <= now)
        .order_by(microtasks.c.next_round_at)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def take_place(session: Session, task_id: str, now: dt.datetime) -> bool:
    """Count one more acceptance if a place is left; the task is filled by the last one."""
    filled = microtasks.c.accepted_count + 1 >= microtasks.c.volunteers_needed
    result = session.execute(
        sa.update(microtasks)
        .where(
            microtasks.c.id == task_id,
            microtasks.c.status == TaskStatus.OPEN,
            microtasks.c.accepted_count < microtasks.c.volunteers_needed,
        )
        .values(
            accepted_count=microtasks.c.accepted_count + 1,
            status=sa.case((filled, TaskStatus.FILLED), else_=microtasks.c.status),
            updated_at=now,
        )
    )
    return bool(getattr(result, "rowcount", 0))


def give_back_place(session: Session, task_id: str, now: dt.datetime) -> None:
    """One acceptance fewer: a filled task is open again."""
    session.execute(
        sa.update(microtasks)
        .where(microtasks.c.id == task_id, microtasks.c.accepted_count > 0)
        .values(
            accepted_count=microtasks.c.accepted_count - 1,
            status=sa.case(
                (microtasks.c.status == TaskStatus.FILLED, TaskStatus.OPEN),
                else_=microtasks.c.status,
            ),
            updated_at=now,
        )
    )


def lock_volunteer(session: Session, account_id: str) -> bool:
    """Take the volunteer's row lock for the rest of the transaction (False: no such row)."""
    result = session.execute(
        sa.update(micro_volunteers)
        .where(micro_volunteers.c.account_id == account_id)
        .values(lock_version=micro_volunteers.c.lock_version + 1)
    )
    return bool(getattr(result, "rowcount", 0))


def overlapping_acceptance(
    session: Session, account_id: str, task_id: str, starts_at: dt.datetime, ends_at: dt.datetime
) -> str | None:
    query = sa.select(bookings.c.task_id).where(
        bookings.c.account_id == account_id,
        bookings.c.status == BookingStatus.ACCEPTED,
        bookings.c.task_id != task_id,
        bookings.c.starts_at < ends_at,
        bookings.c.ends_at > starts_at,
    )
    found: str | None = session.execute(query.limit(1)).scalar()
    return found


def booking_of(session: Session, task_id: str, account_id: str) -> Row | None:
    query = sa.select(bookings).where(
        bookings.c.task_id == task_id, bookings.c.account_id == account_id
    )
    return session.execute(query).mappings().first()


def get_booking(session: Session, booking_id: str) -> Row | None:
    return (
        session.execute(sa.select(bookings).where(bookings.c.id == booking_id)).mappings().first()
    )


def bookings_of_task(session: Session, task_id: str, statuses: Iterable[str] = ()) -> list[Row]:
    query = sa.select(bookings).where(bookings.c.task_id == task_id)
    if statuses:
        query = query.where(bookings.c.status.in_(list(statuses)))
    return list(session.execute(query.order_by(bookings.c.round, bookings.c.rank)).mappings())


def accounts_with_bookings(session: Session, task_id: str) -> set[str]:
    query = sa.select(bookings.c.account_id).where(bookings.c.task_id == task_id)
    return set(session.execute(query).scalars())


def set_booking(session: Session, booking_id: str, expected: str, **values: Any) -> bool:
    """Move a booking on from ``expected`` status; False if it was no longer in it."""
    result = session.execute(
        sa.update(bookings)
        .where(bookings.c.id == booking_id, bookings.c.status == expected)
        .values(**values)
    )
    return bool(getattr(result, "rowcount", 0))


def insert_offer(session: Session, task: Row, account_id: str, **values: Any) -> str:
    booking_id = str(uuid.uuid4())
    session.execute(
        bookings.insert().values(
            id=booking_id,
            task_id=task["id"],
            organisation_id=task["organisation_id"],
            account_id=account_id,
            status=BookingStatus.OFFERED,
            starts_at=task["starts_at"],
            ends_at=task["ends_at"],
            person_ref=task["person_ref"],
            **values,
        )
    )
    return booking_id


def offers_for(session: Session, account_id: str, limit: int) -> list[Row]:
    """A volunteer's offers and bookings with their tasks, the soonest first."""
    query = (
        sa.select(
            bookings.c.id.label("booking_id"),
            bookings.c.status.label("booking_status"),
            bookings.c.expires_at,
            bookings.c.lapse_reason,
            microtasks,
        )
        .join(microtasks, microtasks.c.id == bookings.c.task_id)
        .where(bookings.c.account_id == account_id)
        .order_by(microtasks.c.starts_at.desc())
        .limit(limit)
    )
    return list(session.execute(query).mappings())
