"""Matching use cases: the eligible volunteers for a task, best first, and the open tasks
that fit a volunteer.

SQL narrows down who to look at (``adapters.candidates``); ``domain.eligibility`` decides.
Fan-out booking calls ``find_candidates`` to choose whom to offer a task to and
``is_eligible`` when someone accepts, so both apply exactly the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from services.availability.adapters import candidates as store
from services.availability.adapters.task_rows import as_utc, outward_code, task_from_row
from services.availability.domain.eligibility import (
    Record,
    Rules,
    distance_to,
    rank_key,
    reasons,
    refusal,
    slot_of,
)
from services.availability.domain.errors import NotFound
from services.availability.domain.model import Task, Volunteer, reach_box
from services.availability.service_layer.unit_of_work import unit_of_work
from services.common.runtime import ServiceRuntime

NO_RECORD = Record()


@dataclass(frozen=True)
class Candidate:
    """An eligible volunteer, with the reasons for their place in the ranking."""

    account_id: str
    distance_km: float | None  # None for remote tasks
    reasons: tuple[str, ...]


def find_candidates(
    session: Session,
    task: Task,
    now: dt.datetime,
    *,
    exclude: Collection[str] = (),
    limit: int | None = None,
) -> list[Candidate]:
    """Volunteers eligible for the task, best first (all of them unless ``limit``)."""
    slot = slot_of(task)
    if slot is None:
        return []
    skip = set(exclude)
    pool = [v for v in store.volunteers_free_for(session, task, slot) if v.account_id not in skip]
    ranked = sorted(
        (
            (v.account_id, distance_to(v, task), record)
            for v, record in _eligible(session, task, pool, now)
        ),
        key=lambda item: rank_key(*item),
    )
    return [Candidate(a, d, reasons(d, r)) for a, d, r in ranked[:limit]]


def is_eligible(session: Session, task: Task, account_id: str, now: dt.datetime) -> bool:
    """Whether one volunteer is eligible for the task (the same rules, e.g. at accept)."""
    slot = slot_of(task)
    if slot is None:
        return False
    pool = store.volunteers_free_for(session, task, slot, account_id)
    return bool(_eligible(session, task, pool, now))


def _eligible(
    session: Session, task: Task, pool: Sequence[Volunteer], now: dt.datetime
) -> list[tuple[Volunteer, Record]]:
    """The pool's eligible volunteers with their records. The rules of ``Rules.refusal``
    in its order, each loading only what it needs for those still in: their own settings
    (loaded with the pool), then credentials (if the task needs any), then bookings."""
    rules = Rules(task)
    fit = [v for v in pool if rules.fit_refusal(v) is None]
    if fit and task.needs:
        held = store.credentials_of(session, _ids(fit), store.codes_needed(task))
        fit = [v for v in fit if rules.needs_met(held.get(v.account_id, ()))]
    if not fit:
        return []
    records, clashing = store.records_of(session, _ids(fit), task, now)
    booked = store.accepted_overlapping(session, sorted(clashing), task) if clashing else {}
    return [
        (v, records.get(v.account_id, NO_RECORD))
        for v in fit
        if not rules.busy(booked.get(v.account_id, ()))
    ]


def _ids(volunteers: Sequence[Volunteer]) -> list[str]:
    return [v.account_id for v in volunteers]


def suggested_tasks(
    session: Session, account_id: str, now: dt.datetime, limit: int = 50
) -> list[Mapping[str, Any]]:
    """Open tasks starting after ``now`` that the volunteer is eligible for and has no
    booking on, soonest first."""
    volunteer = store.volunteer(session, account_id)
    if volunteer is None or volunteer.paused or not volunteer.task_types:
        return []
    reach = reach_box(volunteer.latitude, volunteer.longitude, volunteer.travel_km)
    booked = store.accepted_after(session, account_id, now)
    found: list[Mapping[str, Any]] = []
    rows = store.open_tasks_near(session, account_id, volunteer.task_types, reach, now)
    with closing(rows):
        for row in rows:
            task = task_from_row(row)
            if refusal(volunteer, task, booked) is None:
                found.append(_suggestion(row, distance_to(volunteer, task)))
                if len(found) >= limit:
                    break
    return found


def _suggestion(row: Mapping[str, Any], distance: float | None) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "task_type": row["task_type"],
        "starts_at": as_utc(row["starts_at"]),
        "ends_at": as_utc(row["ends_at"]),
        "duration_minutes": row["duration_minutes"],
        "remote": bool(row["remote"]),
        "postcode_district": outward_code(row["postcode"]),
        "organisation_id": row["organisation_id"],
        "organisation_name": row["organisation_name"],
        "distance_km": None if distance is None else round(distance, 1),
    }


# -- for the HTTP layer ------------------------------------------------------------------------


def task_candidates(
    runtime: ServiceRuntime, task_id: str, account_id: str, *, admin: bool, limit: int
) -> dict[str, Any]:
    """A task's candidates for its organisation's members (or admins), with each one's
    booking on the task. Anyone else is told there is no such task."""
    with unit_of_work(runtime) as uow:
        row = store.task_row(uow.session, task_id)
        if row is None or not (admin or uow.role_in(row["organisation_id"], account_id)):
            raise NotFound("There is no such task.")
        found = find_candidates(uow.session, task_from_row(row), uow.now)
        statuses = store.booking_statuses(uow.session, task_id)
    items = [
        {
            "rank": rank,
            "account_id": c.account_id,
            "distance_km": None if c.distance_km is None else round(c.distance_km, 1),
            "reasons": list(c.reasons),
            "booking_status": statuses.get(c.account_id),
        }
        for rank, c in enumerate(found[:limit], start=1)
    ]
    return {"task_id": task_id, "status": row["status"], "total": len(found), "items": items}


def suggestions_for(runtime: ServiceRuntime, account_id: str, limit: int) -> list[Mapping]:
    with unit_of_work(runtime) as uow:
        return suggested_tasks(uow.session, account_id, uow.now, limit)
