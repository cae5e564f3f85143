"""Reproducible micro-volunteers and micro-tasks at real postcodes, as rows for the tables:
for the eligibility acceptance test and ``bench/candidates.py``.

Positions come from the Code-Point Open database (``var/data/postcodes.sqlite``): districts
drawn in proportion to their postcode count (cities are dense), then a real postcode in the
district. ``Mix(hubs=...)`` gathers everyone around a few towns so that a few thousand
volunteers meet a few hundred tasks often; ``hubs=None`` spreads them over Great Britain.

The mix is meant to trip every rule: paused people, task types, weekly and one-off windows
(some dated, some ending at midnight), tasks either side of a clock change and some running
past midnight, travel distances from 1 to 100 km, DBS checks of every level and workforce
(with and without the Update Service, some over three years old), training that expires
around the task dates, requirements, verified or not, birthdays near the minimum age, and
accepted bookings near the tasks' times.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from services.availability.adapters.tables import (
    availability_windows,
    bookings,
    credentials,
    micro_volunteers,
    microtasks,
)
from services.availability.domain.model import TASK_TYPES as PLATFORM_TYPES
from services.availability.domain.model import reach_box
from services.common.geo.distance import distance_km

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward codes never use C, I, K, M, O or V
POSTED = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
# Two weeks either side of the clock change of 28 March 2027, and the autumn one of 2026.
SPRING = [dt.date(2027, 3, 21) + dt.timedelta(days=n) for n in range(14)]
AUTUMN = [dt.date(2026, 10, 24) + dt.timedelta(days=n) for n in range(3)]
TASK_DAYS = SPRING + AUTUMN
# A few task types, so that a few thousand volunteers often share one with a task.
FEW_TYPES = ("Shopping", "Prescriptions", "BefriendingVisit", "DogWalking", "DigitalHelp")
# Tasks that can be done from home (the others are never remote in the realistic mix).
REMOTE_TYPES = ("BefriendingCall", "DigitalHelp", "FormFilling", "Admin")
TRAINING = ("SafeguardingAdults", "SafeguardingChildren", "FirstAid", "FoodHygiene")
REQUIREMENTS = ("IDCheck", "VanOrPeopleCarrier")
DBS_LEVELS = ("basic", "standard", "enhanced")
WORKFORCES = ("adult", "child", "both")
TRAVEL_KM = (1.0, 2.0, 3.0, 5.0, 8.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0)
DURATIONS = (15, 30, 45, 60, 90, 120, 180, 240)
ORGANISATIONS = tuple(f"org-{n}" for n in range(4))
PEOPLE = tuple(f"person-{n}" for n in range(30))
_UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Place:
    postcode: str  # "SE1 7AE"
    latitude: float
    longitude: float


class Places:
    """Seeded draws of real postcodes, districts weighted by their number of postcodes."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        self.rng = rng
        rows = self.conn.execute(
            "SELECT outward, lat_e6, lon_e6, postcode_count FROM outwards ORDER BY outward"
        ).fetchall()
        self.outwards = [(o, lat / 1e6, lon / 1e6) for o, lat, lon, _ in rows]
        self.cumulative = list(itertools.accumulate(r[3] for r in rows))

    def close(self) -> None:
        self.conn.close()

    def district(self) -> tuple[str, float, float]:
        pick = self.rng.random() * self.cumulative[-1]
        return self.outwards[bisect.bisect_right(self.cumulative, pick)]

    def districts_near(self, latitude: float, longitude: float, km: float) -> list[str]:
        return [
            o for o, lat, lon in self.outwards if distance_km(latitude, longitude, lat, lon) <= km
        ]

    def in_district(self, outward: str) -> Place:
        """A real postcode of the district (a random probe, then the next one in order)."""
        while True:
            probe = f"{outward}{self.rng.randrange(10)}{self.rng.choice(INWARD_LETTERS)}A"
            row = self.conn.execute(
                "SELECT postcode, lat_e6, lon_e6 FROM postcodes WHERE postcode >= ?"
                " ORDER BY postcode LIMIT 1",
                (probe,),
            ).fetchone()
            if row and row[0][:-3] == outward:
                return Place(f"{outward} {row[0][-3:]}", row[1] / 1e6, row[2] / 1e6)

    def draw(self) -> Place:
        return self.in_district(self.district()[0])


@dataclass
class Rows:
    """Rows for the tables, keyed by column name."""

    volunteers: list[dict[str, Any]] = field(default_factory=list)
    windows: list[dict[str, Any]] = field(default_factory=list)
    credentials: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        for name in ("volunteers", "windows", "credentials", "tasks", "bookings"):
            getattr(self, name).extend(getattr(other, name))


def insert(conn: sa.Connection, rows: Rows) -> None:
    tables = (
        (micro_volunteers, rows.volunteers),
        (availability_windows, rows.windows),
        (credentials, rows.credentials),
        (microtasks, rows.tasks),
        (bookings, rows.bookings),
    )
    for table, items in tables:
        if items:
            conn.execute(table.insert(), items)


class Mix:
    """Seeded volunteers and tasks; ``hubs`` towns to gather them around (None: all of GB).

    By default every volunteer does 1-4 of ``FEW_TYPES`` and any task may be remote: dense,
    for tests. ``realistic=True``: 1-5 of all the platform's task types, and only tasks
    that can be done from home are remote."""

    def __init__(
        self, places: Places, rng: random.Random, hubs: int | None = 6, realistic: bool = False
    ) -> None:
        self.places, self.rng = places, rng
        self.types = tuple(PLATFORM_TYPES) if realistic else FEW_TYPES
        self.most_types = 5 if realistic else 4
        self.remote_types = REMOTE_TYPES if realistic else FEW_TYPES
        self.hubs: list[list[str]] = []
        for _ in range(hubs or 0):
            _, lat, lon = places.district()
            self.hubs.append(places.districts_near(lat, lon, 12.0))
        self.day_cursor = itertools.count()

    def place(self) -> Place:
        if not self.hubs:
            return self.places.draw()
        return self.places.in_district(self.rng.choice(self.rng.choice(self.hubs)))

    # -- volunteers ----------------------------------------------------------------------------

    def volunteer(self, n: int) -> Rows:
        rng = self.rng
        account = f"vol-{n:06d}"
        home = self.place()
        travel = rng.choice(TRAVEL_KM)
        min_lat, max_lat, min_lon, max_lon = reach_box(home.latitude, home.longitude, travel)
        volunteer = {
            "account_id": account, "postcode": home.postcode, "latitude": home.latitude,
            "longitude": home.longitude, "travel_km": travel,
            "task_types": rng.sample(self.types, rng.randint(1, self.most_types)),
            "paused": rng.random() < 0.1, "date_of_birth": self.birthday(),
            "reach_min_lat": min_lat, "reach_max_lat": max_lat,
            "reach_min_lon": min_lon, "reach_max_lon": max_lon,
            "lock_version": 0, "updated_at": POSTED,
        }  # fmt: skip
        windows = [self.weekly(account) for _ in range(rng.randint(0, 5))]
        windows += [self.one_off(account) for _ in range(rng.choice((0, 0, 1, 2)))]
        held = [self.credential(account) for _ in range(rng.choice((0, 1, 2, 3, 4)))]
        return Rows(volunteers=[volunteer], windows=windows, credentials=held)

    def birthday(self) -> dt.date:
        rng = self.rng
        if rng.random() < 0.25:  # turning 16, 18 or 21 around the task dates
            day = rng.choice(TASK_DAYS) + dt.timedelta(days=rng.randint(-2, 2))
            years = rng.choice((16, 18, 21))
            try:
                return day.replace(year=day.year - years)
            except ValueError:
                return day.replace(year=day.year - years, day=28)
        return dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 65))

    def times(self) -> tuple[int, int]:
        rng = self.rng
        start = rng.randrange(0, 44) * 30  # on the half hour, up to 21:30
        end = min(24 * 60, start + rng.choice((60, 90, 120, 180, 240, 360, 480)))
        return start, end

    def weekly(self, account: str) -> dict[str, Any]:
        rng = self.rng
        start, end = self.times()
        valid_from = rng.choice(TASK_DAYS) if rng.random() < 0.15 else None
        valid_until = rng.choice(TASK_DAYS) if rng.random() < 0.15 else None
        return {"account_id": account, "weekday": rng.randrange(7), "on_date": None,
                "start_minute": start, "end_minute": end,
                "valid_from": valid_from, "valid_until": valid_until}  # fmt: skip

    def one_off(self, account: str) -> dict[str, Any]:
        start, end = self.times()
        return {"account_id": account, "weekday": None, "on_date": self.rng.choice(TASK_DAYS),
                "start_minute": start, "end_minute": end,
                "valid_from": None, "valid_until": None}  # fmt: skip

    def credential(self, account: str) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choice(("dbs", "dbs", "training", "training", "requirement"))
        obtained = dt.date(2022, 6, 1) + dt.timedelta(days=rng.randrange(1800))
        row: dict[str, Any] = {
            "id": f"cred-{account}-{rng.randrange(10**9)}", "account_id": account,
            "kind": kind, "code": "DBSCheck", "obtained_on": obtained, "expires_on": None,
            "dbs_level": None, "dbs_workforce": None, "update_service": False,
            "verified_by_organisation": None, "verified_by": None, "verified_at": None,
            "reminded_at": None, "created_at": POSTED, "updated_at": POSTED,
        }  # fmt: skip
        if kind == "dbs":
            row.update(dbs_level=rng.choice(DBS_LEVELS), dbs_workforce=rng.choice(WORKFORCES),
                       update_service=rng.random() < 0.5)  # fmt: skip
        else:
            row["code"] = rng.choice(TRAINING if kind == "training" else REQUIREMENTS)
        if kind != "dbs" and rng.random() < 0.6:
            row["expires_on"] = rng.choice(TASK_DAYS) + dt.timedelta(days=rng.randint(-3, 200))
        if rng.random() < 0.5:
            row.update(verified_by_organisation="org-0", verified_by="coordinator",
                       verified_at=POSTED)  # fmt: skip
        return row

    # -- tasks -----------------------------------------------------------------------------

    def task(self, n: int) -> dict[str, Any]:
        rng = self.rng
        remote = rng.random() < 0.12
        task_type = rng.choice(self.remote_types if remote else self.types)
        where = None if remote else self.place()
        starts = self.task_start()
        minutes = rng.choice(DURATIONS)
        return {
            "id": f"task-{n:05d}", "organisation_id": rng.choice(ORGANISATIONS),
            "created_by": "coordinator", "task_type": task_type,
            "title": "Help needed", "description": "A short task.", "remote": remote,
            "postcode": where.postcode if where else None,
            "latitude": where.latitude if where else None,
            "longitude": where.longitude if where else None,
            "starts_at": starts, "ends_at": starts + dt.timedelta(minutes=minutes),
            "duration_minutes": minutes, "needs": self.needs(),
            "volunteers_needed": rng.randint(1, 3), "accepted_count": 0,
            "min_age": rng.choice((16, 18, 18, 18, 21)),
            "person_ref": rng.choice(PEOPLE) if rng.random() < 0.6 else None,
            "offers_per_round": 3, "offer_minutes": 60, "round": 0, "next_round_at": None,
            "status": "open", "posted_at": POSTED, "updated_at": POSTED,
        }  # fmt: skip

    def task_start(self) -> dt.datetime:
        """A UK wall-clock start on the quarter hour, stored in UTC; every tenth task is in
        the small hours of a clock-change day, some late ones run past midnight."""
        rng = self.rng
        if next(self.day_cursor) % 10 == 0:
            day = rng.choice((dt.date(2027, 3, 28), dt.date(2026, 10, 25)))
            moment = dt.datetime.combine(day, dt.time(0), dt.UTC)
            return moment + dt.timedelta(minutes=15 * rng.randrange(16))
        day = rng.choice(TASK_DAYS)
        local = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(
            minutes=15 * rng.randrange(28, 94)
        )
        return local.replace(tzinfo=_UK).astimezone(dt.UTC)

    def needs(self) -> list[dict[str, Any]]:
        rng = self.rng
        found: list[dict[str, Any]] = []
        if rng.random() < 0.3:
            need = {"kind": "requirement", "code": "DBSCheck", "verified": rng.random() < 0.3,
                    "dbs_level": rng.choice(DBS_LEVELS)}  # fmt: skip
            if rng.random() < 0.7:
                need["dbs_workforce"] = rng.choice(WORKFORCES)
            found.append(need)
        if rng.random() < 0.25:
            code = rng.choice(TRAINING)
            found.append({"kind": "training", "code": code, "verified": rng.random() < 0.3})
        if rng.random() < 0.1:
            code = rng.choice(REQUIREMENTS)
            found.append({"kind": "requirement", "code": code, "verified": rng.random() < 0.3})
        return found

    # -- bookings ------------------------------------------------------------------------------

    def bookings(
        self, accounts: Sequence[str], tasks: Sequence[dict[str, Any]], share: float
    ) -> list[dict[str, Any]]:
        """Bookings for ``share`` of the accounts: mostly near one of the tasks' times
        (overlapping, touching or not), some on the task itself, some in the past."""
        rng = self.rng
        found: list[dict[str, Any]] = []
        taken: set[tuple[str, str]] = set()  # one booking per task and account
        for account in accounts:
            if rng.random() >= share:
                continue
            for _ in range(rng.randint(1, 3)):
                booking = self.booking(account, rng.choice(tasks), len(found))
                if (booking["task_id"], account) not in taken:
                    taken.add((booking["task_id"], account))
                    found.append(booking)
        return found

    def booking(self, account: str, task: dict[str, Any], n: int) -> dict[str, Any]:
        rng = self.rng
        roll = rng.random()
        own = roll < 0.1  # a booking on the task itself: no overlap with itself
        status = rng.choice(("accepted",) * 6 + ("offered", "declined", "attended", "no_show"))
        if own:
            starts, ends = task["starts_at"], task["ends_at"]
        elif roll < 0.25:  # in the past: for the ranking
            starts = POSTED + dt.timedelta(days=rng.randint(-60, 22), hours=rng.randint(0, 12))
            ends = starts + dt.timedelta(minutes=60)
        else:
            starts = task["starts_at"] + dt.timedelta(minutes=15 * rng.randint(-16, 16))
            ends = starts + dt.timedelta(minutes=rng.choice(DURATIONS))
        return {
            "id": f"booking-{account}-{n}-{rng.randrange(10**9)}",
            "task_id": task["id"] if own else f"elsewhere-{account}-{n}-{rng.randrange(10**9)}",
            "organisation_id": task["organisation_id"], "account_id": account,
            "status": status, "round": 1, "rank": 1, "reasons": [],
            "starts_at": starts, "ends_at": ends, "person_ref": task["person_ref"],
            "offered_at": POSTED, "expires_at": POSTED + dt.timedelta(hours=1),
            "responded_at": None, "lapse_reason": None, "attendance_at": None,
        }  # fmt: skip

    # -- all at once ---------------------------------------------------------------------------

    def volunteers(self, count: int) -> Iterator[Rows]:
        for n in range(count):
            yield self.volunteer(n)

    def everything(self, volunteers: int, tasks: int, booked_share: float = 0.25) -> Rows:
        rows = Rows()
        for one in self.volunteers(volunteers):
            rows.extend(one)
        rows.tasks = [self.task(n) for n in range(tasks)]
        accounts = [v["account_id"] for v in rows.volunteers]
        rows.bookings = self.bookings(accounts, rows.tasks, booked_share)
        return rows
