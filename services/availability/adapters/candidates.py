"""Reading what matching needs, set-based, in portable SQLAlchemy Core (SQLite and
PostgreSQL).

The SQL here only narrows down: it must never drop anyone the rules would accept, and may
let through some they refuse (``domain.eligibility`` decides). The first query does the
heavy narrowing — a window on the task's weekday or date that starts early and ends late
enough (from the windows' index), then that window's volunteer: not paused, doing the task
type, the task's point inside their reach box — and later queries load the credentials and
bookings of those still in, a chunk of ids at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.availability.adapters.tables import (
    availability_windows,
    bookings,
    credentials,
    micro_volunteers,
    microtasks,
    organisation_copies,
)
from services.availability.adapters.task_rows import as_utc
from services.availability.domain.eligibility import Booked, Record, Slot, recent_since
from services.availability.domain.model import (
    BookingStatus,
    Credential,
    Task,
    TaskStatus,
    Volunteer,
    Window,
)

# Ids per IN (...) list: well under every engine's limit on bound parameters.
CHUNK = 1000
_V = micro_volunteers
_W = availability_windows
# The task types as JSON text: most volunteers share one of a few lists, so each distinct
# text is parsed once a query rather than once a row.
_TYPES_TEXT = sa.cast(_V.c.task_types, sa.Text)
_VOLUNTEER_COLUMNS = (
    _V.c.account_id,
    _V.c.latitude,
    _V.c.longitude,
    _V.c.travel_km,
    _TYPES_TEXT.label("task_types"),
    _V.c.date_of_birth,
    _V.c.paused,
)
_WINDOW_COLUMNS = (
    _W.c.weekday,
    _W.c.on_date,
    _W.c.start_minute,
    _W.c.end_minute,
    _W.c.valid_from,
    _W.c.valid_until,
)


# One expanding parameter for a list of ids: the statement is built and compiled once, not
# once per id, and its compiled form is cached.
_IDS: sa.BindParameter[Any] = sa.bindparam("ids", expanding=True)


def _chunks(items: Sequence[str]) -> Iterator[dict[str, Sequence[str]]]:
    """Parameters for ``_IDS``, a chunk at a time."""
    for start in range(0, len(items), CHUNK):
        yield {"ids": items[start : start + CHUNK]}


# -- volunteers free for a task -------------------------------------------------------------


def _window_branches(slot: Slot) -> list[sa.ColumnElement[bool]]:
    """Windows that may hold the slot: weekly ones on its weekday, and one-off ones on its
    day, starting no later and ending no earlier. Only columns of the windows' indexes
    (weekday or on_date, start_minute, end_minute, account_id) are tested, so the scan
    never reads a table row for a window that fails; ``valid_from``, ``valid_until`` and
    the rest are left to ``Window.covers``."""
    times = (_W.c.start_minute <= slot.start_minute, _W.c.end_minute >= slot.end_minute)
    return [
        sa.and_(_W.c.weekday == slot.weekday, *times),
        sa.and_(_W.c.on_date == slot.day, *times),
    ]


def _in_reach(task: Task) -> list[sa.ColumnElement[bool]]:
    """The task's point inside the volunteer's reach box (none for remote tasks)."""
    if task.remote or task.latitude is None or task.longitude is None:
        return []
    lat, lon = task.latitude, task.longitude
    return [
        _V.c.reach_min_lat <= lat,
        _V.c.reach_max_lat >= lat,
        _V.c.reach_min_lon <= lon,
        _V.c.reach_max_lon >= lon,
    ]


def _does_type(task_type: str) -> list[sa.ColumnElement[bool]]:
    # A text match on the JSON list (exact check in Python); only for plain codes, so no
    # LIKE wildcard or quote can creep in.
    if not task_type.isalnum():
        return []
    return [_TYPES_TEXT.like(f'%"{task_type}"%')]


def volunteers_free_for(
    session: Session, task: Task, slot: Slot, only: str | None = None
) -> list[Volunteer]:
    """Volunteers who may be eligible, each with the windows that may hold the task (and no
    credentials: see ``credentials_of``).

    Driven by the windows: the task's weekday (or date) and times pick a few per cent of
    them from the index, and each of those finds its volunteer by primary key, to test the
    reach box, pause and task type. Weekly and one-off windows are two queries, so each
    uses its own index."""
    rows: list[Sequence[Any]] = []
    for branch in _window_branches(slot):
        stmt = (
            sa.select(*_VOLUNTEER_COLUMNS, *_WINDOW_COLUMNS)
            .select_from(_W.join(_V, _V.c.account_id == _W.c.account_id))
            .where(
                branch,
                _V.c.paused == sa.false(),
                *_in_reach(task),
                *_does_type(task.task_type),
            )
        )
        if only is not None:
            stmt = stmt.where(_W.c.account_id == only)
        rows += session.execute(stmt).all()
    return _volunteers(rows)


def _volunteers(rows: Iterable[Sequence[Any]]) -> list[Volunteer]:
    """One Volunteer per account from rows of volunteer columns then window columns.

    Values many volunteers share are made once: each distinct task-type list and window
    (windows are mostly on the hour or half hour, so thousands of rows hold a few hundred
    different ones)."""
    people: dict[str, Sequence[Any]] = {}
    found: dict[str, list[Window]] = defaultdict(list)
    windows = _Shared(_window)
    width = len(_VOLUNTEER_COLUMNS)
    for row in rows:
        people.setdefault(row[0], row)
        if row[width + 2] is not None:  # an outer join's volunteer without windows
            found[row[0]].append(windows[tuple(row[width:])])
    types = _Shared(lambda text: frozenset(json.loads(text) if text else ()))
    return [
        Volunteer(
            account_id=account,
            latitude=lat,
            longitude=lon,
            travel_km=km,
            task_types=types[listed],
            date_of_birth=born,
            paused=bool(paused),
            windows=tuple(found[account]),
        )
        for account, lat, lon, km, listed, born, paused, *_ in people.values()
    ]


def _window(key: tuple[Any, ...]) -> Window:
    weekday, on_date, start, end, valid_from, valid_until = key
    return Window(
        start_minute=start, end_minute=end, weekday=weekday, on=on_date,
        valid_from=valid_from, valid_until=valid_until,
    )  # fmt: skip


class _Shared(dict[Any, Any]):
    """key -> value, made by ``make`` on first sight."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        self[key] = value = self.make(key)
        return value


def volunteer(session: Session, account_id: str) -> Volunteer | None:
    """One volunteer with all their windows and credentials."""
    stmt = (
        sa.select(*_VOLUNTEER_COLUMNS, *_WINDOW_COLUMNS)
        .select_from(_V.outerjoin(_W, _W.c.account_id == _V.c.account_id))
        .where(_V.c.account_id == account_id)
    )
    found = _volunteers(session.execute(stmt).all())
    if not found:
        return None
    held = credentials_of(session, [account_id]).get(account_id, ())
    return replace(found[0], credentials=tuple(held))


# -- credentials and bookings of the survivors ------------------------------------------------


_CREDENTIAL_COLUMNS = (
    credentials.c.account_id,
    credentials.c.id,
    credentials.c.kind,
    credentials.c.code,
    credentials.c.obtained_on,
    credentials.c.expires_on,
    credentials.c.dbs_level,
    credentials.c.dbs_workforce,
    credentials.c.update_service,
    # Verified means someone recorded verifying it; when is not needed here.
    sa.case((credentials.c.verified_at.is_(None), False), else_=True).label("verified"),
)


def credentials_of(
    session: Session, account_ids: Sequence[str], codes: Collection[str] | None = None
) -> dict[str, list[Credential]]:
    """Credentials of these accounts (only those with one of ``codes``, when given)."""
    found: dict[str, list[Credential]] = defaultdict(list)
    stmt = sa.select(*_CREDENTIAL_COLUMNS).where(credentials.c.account_id.in_(_IDS))
    if codes is not None:
        stmt = stmt.where(credentials.c.code.in_(sorted(codes)))
    for chunk in _chunks(account_ids):
        for account, *fields in session.execute(stmt, chunk):
            found[account].append(_credential(fields))
    return found


def _credential(fields: Sequence[Any]) -> Credential:
    id_, kind, code, obtained, expires, level, workforce, update_service, verified = fields
    return Credential(
        id=id_,
        kind=kind,
        code=code,
        obtained_on=obtained,
        expires_on=expires,
        dbs_level=level,
        dbs_workforce=workforce,
        update_service=bool(update_service),
        verified=bool(verified),
    )


def codes_needed(task: Task) -> set[str]:
    """Credential codes that can meet the task's needs: a DBS check's code is ``DBSCheck``,
    a training record's its training type, a requirement's its code — the need's code."""
    return {need.code for need in task.needs}


def _overlapping(task: Task) -> list[sa.ColumnElement[bool]]:
    return [
        bookings.c.starts_at < as_utc(task.ends_at),
        bookings.c.ends_at > as_utc(task.starts_at),
    ]


def accepted_overlapping(
    session: Session, account_ids: Sequence[str], task: Task
) -> dict[str, list[Booked]]:
    """Accepted bookings of these accounts that may overlap the task."""
    b = bookings
    found: dict[str, list[Booked]] = defaultdict(list)
    stmt = sa.select(b.c.account_id, b.c.task_id, b.c.status, b.c.starts_at, b.c.ends_at).where(
        b.c.account_id.in_(_IDS), b.c.status == BookingStatus.ACCEPTED, *_overlapping(task)
    )
    for chunk in _chunks(account_ids):
        for account, task_id, status, starts, ends in session.execute(stmt, chunk):
            found[account].append(Booked(task_id, status, as_utc(starts), as_utc(ends)))
    return found


def accepted_after(session: Session, account_id: str, moment: dt.datetime) -> list[Booked]:
    """The account's accepted bookings ending after ``moment``."""
    b = bookings
    stmt = sa.select(b.c.task_id, b.c.status, b.c.starts_at, b.c.ends_at).where(
        b.c.account_id == account_id,
        b.c.status == BookingStatus.ACCEPTED,
        b.c.ends_at > as_utc(moment),
    )
    return [Booked(t, s, as_utc(a), as_utc(e)) for t, s, a, e in session.execute(stmt)]


def records_of(
    session: Session, account_ids: Sequence[str], task: Task, now: dt.datetime
) -> tuple[dict[str, Record], set[str]]:
    """Each account's attendance, recent tasks and continuity, and which accounts have an
    accepted booking that may overlap the task (for ``accepted_overlapping`` to fetch):
    one grouped query a chunk."""
    b = bookings
    since, until = as_utc(recent_since(now)), as_utc(now)

    def count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    attended = b.c.status == BookingStatus.ATTENDED
    same_person = sa.and_(
        attended,
        b.c.organisation_id == task.organisation_id,
        b.c.person_ref == task.person_ref if task.person_ref is not None else sa.false(),
    )
    recent = sa.and_(
        b.c.status.in_([BookingStatus.ACCEPTED, BookingStatus.ATTENDED]),
        b.c.starts_at >= since,
        b.c.starts_at < until,
    )
    stmt = (
        sa.select(
            b.c.account_id,
            count(attended),
            count(b.c.status == BookingStatus.NO_SHOW),
            count(recent),
            count(same_person),
            count(sa.and_(b.c.status == BookingStatus.ACCEPTED, *_overlapping(task))),
        )
        .where(
            b.c.account_id.in_(_IDS),
            b.c.status.in_([BookingStatus.ACCEPTED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW]),
        )
        .group_by(b.c.account_id)
    )
    found: dict[str, Record] = {}
    clashing: set[str] = set()
    for chunk in _chunks(account_ids):
        for account, came, missed, lately, helped, clashes in session.execute(stmt, chunk):
            found[account] = Record(int(came), int(missed), int(lately), bool(helped))
            if clashes:
                clashing.add(account)
    return found, clashing


def booking_statuses(session: Session, task_id: str) -> dict[str, str]:
    rows = session.execute(
        sa.select(bookings.c.account_id, bookings.c.status).where(bookings.c.task_id == task_id)
    )
    return {account: status for account, status in rows}


# -- tasks ------------------------------------------------------------------------------------


def task_row(session: Session, task_id: str) -> Mapping[Any, Any] | None:
    stmt = sa.select(microtasks).where(microtasks.c.id == task_id)
    return session.execute(stmt).mappings().first()


def open_tasks_near(
    session: Session,
    account_id: str,
    task_types: Collection[str],
    reach: tuple[float, float, float, float],
    now: dt.datetime,
) -> Generator[Mapping[Any, Any], None, None]:
    """Open tasks starting after ``now``, soonest first, of these types, remote or inside the
    reach box, that the account has no booking on; with the organisation's name if known."""
    t = microtasks
    min_lat, max_lat, min_lon, max_lon = reach
    booked = sa.select(bookings.c.id).where(
        bookings.c.task_id == t.c.id, bookings.c.account_id == account_id
    )
    organisation = organisation_copies
    stmt = (
        sa.select(t, organisation.c.name.label("organisation_name"))
        .select_from(t.outerjoin(organisation, organisation.c.id == t.c.organisation_id))
        .where(
            t.c.status == TaskStatus.OPEN,
            t.c.starts_at > as_utc(now),
            t.c.task_type.in_(sorted(task_types)),
            sa.or_(
                t.c.remote == sa.true(),
                sa.and_(
                    t.c.latitude.between(min_lat, max_lat),
                    t.c.longitude.between(min_lon, max_lon),
                ),
            ),
            ~sa.exists(booked),
        )
        .order_by(t.c.starts_at, t.c.id)
        .execution_options(yield_per=200)
    )
    result = session.execute(stmt).mappings()
    try:
        yield from result
    finally:  # the caller may stop early: release the cursor now, not when collected
        result.close()
