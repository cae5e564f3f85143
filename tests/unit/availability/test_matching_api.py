"""``GET /api/v1/microtasks/<id>/candidates`` for the task's organisation, and
``GET /api/v1/microtasks/suggested`` for the signed-in volunteer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from services.availability.adapters.tables import (
    availability_windows,
    bookings,
    micro_volunteers,
    microtasks,
)
from services.availability.domain.model import reach_box
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import NOW, Orgs, bearer

API = "/api/v1/microtasks"
TUESDAY_10AM = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def body(response: TestResponse) -> Any:
    found: Any = response.json
    return found


def place(runtime: ServiceRuntime, postcode: str) -> tuple[float, float]:
    found = runtime.extensions["geocoder"].lookup(postcode)
    return found.latitude, found.longitude


def add_volunteer(runtime: ServiceRuntime, account: str, postcode: str, **changes: Any) -> None:
    lat, lon = place(runtime, postcode)
    travel = changes.pop("travel_km", 10.0)
    box = reach_box(lat, lon, travel)
    row = {
        "account_id": account, "postcode": postcode, "latitude": lat, "longitude": lon,
        "travel_km": travel, "task_types": ["Shopping", "BefriendingCall"], "paused": False,
        "date_of_birth": dt.date(1980, 1, 1), "reach_min_lat": box[0], "reach_max_lat": box[1],
        "reach_min_lon": box[2], "reach_max_lon": box[3], "updated_at": NOW, **changes,
    }  # fmt: skip
    window = {"account_id": account, "weekday": 1, "start_minute": 9 * 60, "end_minute": 13 * 60}
    with runtime.engine.begin() as conn:
        conn.execute(micro_volunteers.insert(), row)
        conn.execute(availability_windows.insert(), window)


def add_task(runtime: ServiceRuntime, task_id: str, org: str, **changes: Any) -> None:
    postcode = changes.pop("postcode", "SE1 7PB")
    lat, lon = place(runtime, postcode) if postcode else (None, None)
    row = {
        "id": task_id, "organisation_id": org, "created_by": "owner-1", "task_type": "Shopping",
        "title": "Weekly shop", "description": "Shopping for a neighbour.", "remote": False,
        "postcode": postcode, "latitude": lat, "longitude": lon, "starts_at": TUESDAY_10AM,
        "ends_at": TUESDAY_10AM + dt.timedelta(hours=1), "duration_minutes": 60, "needs": [],
        "volunteers_needed": 1, "min_age": 18, "person_ref": "p-7", "offers_per_round": 3,
        "offer_minutes": 60, "status": "open", "posted_at": NOW, "updated_at": NOW, **changes,
    }  # fmt: skip
    with runtime.engine.begin() as conn:
        conn.execute(microtasks.insert(), row)


def add_booking(
    runtime: ServiceRuntime,
    task_id: str,
    org: str,
    account: str,
    status: str,
    starts: dt.datetime = TUESDAY_10AM,
) -> None:
    row = {
        "id": f"b-{task_id}-{account}", "task_id": task_id, "organisation_id": org,
        "account_id": account, "status": status, "round": 1, "rank": 1, "reasons": [],
        "starts_at": starts, "ends_at": starts + dt.timedelta(hours=1),
        "person_ref": "p-7", "offered_at": NOW, "expires_at": NOW + dt.timedelta(hours=1),
    }  # fmt: skip
    with runtime.engine.begin() as conn:
        conn.execute(bookings.insert(), row)


@pytest.fixture
def world(runtime: ServiceRuntime, orgs: Orgs) -> str:
    """An organisation with an open task near SE1 7PB, and three volunteers: one offered
    it, one nearby, one paused."""
    org = orgs.create("owner-1")
    orgs.member(org, "editor-2", "editor")
    orgs.create("other-owner", name="Elsewhere Trust")
    add_volunteer(runtime, "near", "SE1 7PB")
    add_volunteer(runtime, "further", "SE1 0AP")  # about 1 km away
    add_volunteer(runtime, "paused", "SE1 7PB", paused=True)
    add_task(runtime, "task-1", org)
    add_booking(runtime, "task-1", org, "further", "offered")
    return org


def test_members_see_the_ranked_candidates_with_reasons(client: FlaskClient, world: str) -> None:
    for who in ("owner-1", "editor-2"):
        response = client.get(f"{API}/task-1/candidates", headers=bearer(who))
        assert response.status_code == 200, response.json
    found = body(response)
    assert found["task_id"] == "task-1" and found["total"] == 2
    near, further = found["items"]
    assert (near["rank"], near["account_id"], near["booking_status"]) == (1, "near", None)
    assert near["distance_km"] == 0.0
    assert near["reasons"] == [
        "0.0 km away",
        "No tasks in the last 28 days",
        "No attendance record yet",
    ]
    assert (further["rank"], further["account_id"]) == (2, "further")
    assert further["booking_status"] == "offered"
    assert further["distance_km"] > 0


def test_continuity_and_record_come_from_past_bookings(
    client: FlaskClient, runtime: ServiceRuntime, world: str
) -> None:
    # "further" helped person p-7 last week and missed a task two months ago: continuity
    # outranks being a little further away (both are in the nearest band).
    add_booking(runtime, "old-1", world, "further", "attended", NOW - dt.timedelta(days=7))
    add_booking(runtime, "old-2", world, "further", "no_show", NOW - dt.timedelta(days=60))
    add_booking(runtime, "old-3", world, "near", "declined", NOW - dt.timedelta(days=3))
    items = body(client.get(f"{API}/task-1/candidates", headers=bearer("owner-1")))["items"]
    assert [i["account_id"] for i in items] == ["further", "near"]
    assert items[0]["reasons"][1:] == [
        "Has helped this person before",
        "1 task in the last 28 days",
        "Attended 1 of 2",
    ]


def test_limit(client: FlaskClient, world: str) -> None:
    response = client.get(f"{API}/task-1/candidates?limit=1", headers=bearer("owner-1"))
    assert response.status_code == 200
    assert body(response)["total"] == 2 and len(body(response)["items"]) == 1
    bad = client.get(f"{API}/task-1/candidates?limit=0", headers=bearer("owner-1"))
    assert bad.status_code == 422 and "limit" in body(bad)["errors"]


def test_admins_may_look(client: FlaskClient, world: str) -> None:
    response = client.get(f"{API}/task-1/candidates", headers=bearer("root", roles=["admin"]))
    assert response.status_code == 200 and body(response)["total"] == 2


def test_outsiders_cannot_tell_the_task_exists(client: FlaskClient, world: str) -> None:
    outsider = client.get(f"{API}/task-1/candidates", headers=bearer("other-owner"))
    missing = client.get(f"{API}/no-such-task/candidates", headers=bearer("owner-1"))
    assert outsider.status_code == missing.status_code == 404
    assert body(outsider)["detail"] == body(missing)["detail"]
    volunteer = client.get(f"{API}/task-1/candidates", headers=bearer("near"))
    assert volunteer.status_code == 404


def test_anonymous_callers_must_sign_in(client: FlaskClient, world: str) -> None:
    assert client.get(f"{API}/task-1/candidates").status_code == 401
    assert client.get(f"{API}/suggested").status_code == 401


def test_suggested_tasks_fit_the_volunteer(
    client: FlaskClient, runtime: ServiceRuntime, world: str
) -> None:
    next_week = TUESDAY_10AM + dt.timedelta(days=7)
    add_task(runtime, "task-2-remote", world, remote=True, postcode=None,
             task_type="BefriendingCall", starts_at=next_week,
             ends_at=next_week + dt.timedelta(hours=1))  # fmt: skip
    add_task(runtime, "task-3-gardening", world, task_type="Gardening")
    add_task(runtime, "task-4-filled", world, status="filled")
    add_task(runtime, "task-5-past", world, starts_at=NOW - dt.timedelta(days=1),
             ends_at=NOW - dt.timedelta(days=1, hours=-1))  # fmt: skip
    add_task(runtime, "task-6-far", world, postcode="M1 1AE")
    response = client.get(f"{API}/suggested", headers=bearer("near"))
    assert response.status_code == 200, response.json
    items = body(response)["items"]
    assert [i["id"] for i in items] == ["task-1", "task-2-remote"]  # soonest first
    first = items[0]
    assert first["postcode_district"] == "SE1"
    assert first["organisation_name"] == "Riverside Good Neighbours"
    assert first["distance_km"] == 0.0 and first["remote"] is False
    assert first["starts_at"].startswith("2026-12-01T10:00:00")
    assert items[1]["distance_km"] is None and items[1]["postcode_district"] is None


def test_not_suggested_when_already_booked_paused_or_unknown(
    client: FlaskClient, world: str
) -> None:
    for who in ("further", "paused", "stranger"):
        response = client.get(f"{API}/suggested", headers=bearer(who))
        assert response.status_code == 200 and body(response)["items"] == [], who
