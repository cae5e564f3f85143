"""Volunteers and tasks written straight into the tables, for tests of booking and hours
(the settings API has its own tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from services.availability.adapters.tables import availability_windows, micro_volunteers
from services.availability.domain.model import TASK_TYPES, reach_box
from services.common.runtime import ServiceRuntime

ALL_DAY = [{"weekday": day, "start_minute": 0, "end_minute": 24 * 60} for day in range(7)]


def add_volunteer(
    runtime: ServiceRuntime,
    account_id: str,
    postcode: str = "SE1 7PB",
    *,
    travel_km: float = 10.0,
    task_types: Iterable[str] = TASK_TYPES,
    born: dt.date = dt.date(1980, 5, 17),
    windows: list[dict[str, Any]] | None = None,
    paused: bool = False,
) -> None:
    place = runtime.extensions["geocoder"].lookup(postcode)
    box = reach_box(place.latitude, place.longitude, travel_km)
    with runtime.engine.begin() as conn:
        conn.execute(
            micro_volunteers.insert().values(
                account_id=account_id, postcode=place.postcode, latitude=place.latitude,
                longitude=place.longitude, travel_km=travel_km, task_types=list(task_types),
                paused=paused, date_of_birth=born, reach_min_lat=box[0], reach_max_lat=box[1],
                reach_min_lon=box[2], reach_max_lon=box[3], updated_at=dt.datetime.now(dt.UTC),
            )
        )  # fmt: skip
        for window in windows if windows is not None else ALL_DAY:
            conn.execute(availability_windows.insert().values(account_id=account_id, **window))


def outbox_events(runtime: ServiceRuntime, event_type: str | None = None) -> list[dict]:
    import json

    with runtime.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT payload FROM outbox ORDER BY id")).scalars().all()
    events = [json.loads(row) for row in rows]
    return [e for e in events if event_type is None or e["event_type"] == event_type]
