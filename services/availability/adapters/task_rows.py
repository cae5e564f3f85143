"""Rows of the microtasks table as the domain's values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from services.availability.domain.model import Need, Task
from services.common.geo.postcodes import parse


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Times are UTC both ways: SQLite hands back naive datetimes for values stored in UTC,
    and compares bound values as UTC wall-clock text (PostgreSQL compares instants)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def outward_code(postcode: str | None) -> str | None:
    """Only the district ("SE1"): the full postcode may be the helped person's home."""
    if not postcode:
        return None
    try:
        return parse(postcode)[0]
    except ValueError:
        return None


def need_from_json(item: Mapping[str, Any]) -> Need:
    return Need(
        kind=item["kind"],
        code=item["code"],
        verified=bool(item.get("verified", False)),
        dbs_level=item.get("dbs_level"),
        dbs_workforce=item.get("dbs_workforce"),
    )


def need_to_json(need: Need) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": need.kind, "code": need.code, "verified": need.verified}
    if need.dbs_level:
        item["dbs_level"] = need.dbs_level
    if need.dbs_workforce:
        item["dbs_workforce"] = need.dbs_workforce
    return item


def task_from_row(row: Mapping[str, Any]) -> Task:
    return Task(
        id=row["id"],
        organisation_id=row["organisation_id"],
        task_type=row["task_type"],
        starts_at=as_utc(row["starts_at"]),
        duration_minutes=row["duration_minutes"],
        volunteers_needed=row["volunteers_needed"],
        min_age=row["min_age"],
        remote=row["remote"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        needs=tuple(need_from_json(item) for item in row["needs"]),
        person_ref=row["person_ref"],
    )
