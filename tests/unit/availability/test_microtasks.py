"""Micro-tasks end to end through the HTTP API: posting checks, fan-out offers to the
nearest eligible volunteers, first to accept wins, the rest are told, declines and lapsed
offers bring the next round, cancellation, attendance and the hours it approves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from services.availability.service_layer.offers import advance
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import NOW, Clock, Orgs, bearer
from tests.unit.availability.helpers import add_volunteer, outbox_events
from tests.unit.hostile.conformance import assert_documented

# Nearest first from SE1 7PB: 0.0, 0.59, 0.81, 1.54, 2.22, 2.51 km.
PLACES = ["SE1 7PB", "SW1A 2AA", "WC2N 5DU", "SW1A 1AA", "SE1 9SG", "EC1A 1BB"]
STARTS = NOW + dt.timedelta(days=2, hours=5)  # Wednesday 14:00 UK time


def task_body(org_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "organisation_id": org_id,
        "task_type": "Shopping",
        "title": "Weekly shop for a neighbour",
        "description": "Pick up a short list from the supermarket.",
        "postcode": "SE1 7PB",
        "starts_at": STARTS.isoformat(),
        "duration_minutes": 60,
        "volunteers_needed": 1,
    }
    body.update(overrides)
    return body


def setup(runtime: ServiceRuntime, orgs: Orgs, count: int = 4) -> str:
    for index, postcode in enumerate(PLACES[:count]):
        add_volunteer(runtime, f"vol-{index}", postcode)
    return orgs.create("coord-1")


def post(client: FlaskClient, org_id: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/microtasks", json=task_body(org_id, **overrides), headers=bearer("coord-1")
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def offered(runtime: ServiceRuntime) -> list[str]:
    return [e["data"]["account_id"] for e in outbox_events(runtime, "OfferMade")]


def test_posting_is_for_members_and_checked(client: FlaskClient, orgs: Orgs) -> None:
    org_id = orgs.create("coord-1")
    outsider = client.post("/api/v1/microtasks", json=task_body(org_id), headers=bearer("x"))
    assert outsider.status_code == 403
    bad = task_body(org_id, duration_minutes=5, postcode=None, task_type="Juggling",
                    starts_at=(NOW - dt.timedelta(hours=1)).isoformat(),
                    needs=[{"kind": "training", "code": "Knitting"}])  # fmt: skip
    response = client.post("/api/v1/microtasks", json=bad, headers=bearer("coord-1"))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert {"duration_minutes"} <= set(response.get_json()["errors"])
    rules = client.post(
        "/api/v1/microtasks",
        json=task_body(org_id, postcode=None, task_type="Juggling", needs=[
            {"kind": "training", "code": "Knitting"},
            {"kind": "requirement", "code": "DBSCheck", "dbs_level": "enhanced"}]),
        headers=bearer("coord-1"),
    )  # fmt: skip
    assert rules.status_code == 422
    assert set(rules.get_json()["errors"]) == {"postcode", "task_type", "needs[0]"}
    unknown = client.post(
        "/api/v1/microtasks", json=task_body(org_id, postcode="ZZ9 9ZZ"), headers=bearer("coord-1")
    )
    assert unknown.status_code == 422 and "postcode" in unknown.get_json()["errors"]


def test_an_organisations_list_is_as_documented(
    app: Flask, client: FlaskClient, orgs: Orgs
) -> None:
    # Found by schemathesis: the list was documented as one task.
    org_id = orgs.create("coord-1")
    task = post(client, org_id)
    listed = client.get(f"/api/v1/microtasks?organisation_id={org_id}", headers=bearer("coord-1"))
    assert [t["id"] for t in listed.get_json()["items"]] == [task["id"]]
    assert_documented(app, "GET", "/api/v1/microtasks", listed)


def test_offered_to_the_nearest_three_and_first_to_accept_wins(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org_id = setup(runtime, orgs)
    task = post(client, org_id)
    assert task["status"] == "open" and task["round"] == 1
    assert offered(runtime) == ["vol-0", "vol-1", "vol-2"]  # the fourth is further away
    events = outbox_events(runtime, "OfferMade")
    assert all("title" not in e["data"] and "description" not in e["data"] for e in events)
    not_offered = client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer("vol-3"))
    assert not_offered.status_code == 404
    won = client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer("vol-1"))
    assert won.status_code == 200 and won.get_json()["status"] == "accepted"
    again = client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer("vol-1"))
    assert again.status_code == 200  # idempotent
    late = client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer("vol-0"))
    assert late.status_code == 409 and "filled" in late.get_json()["detail"]
    lapsed = outbox_events(runtime, "OfferLapsed")
    assert {(e["data"]["account_id"], e["data"]["reason"]) for e in lapsed} == {
        ("vol-0", "filled"), ("vol-2", "filled"),
    }  # fmt: skip
    assert len(outbox_events(runtime, "TaskFilled")) == 1
    shown = client.get(f"/api/v1/microtasks/{task['id']}", headers=bearer("coord-1")).get_json()
    assert (shown["status"], shown["accepted_count"]) == ("filled", 1)
    as_volunteer = client.get(f"/api/v1/microtasks/{task['id']}", headers=bearer("vol-1"))
    assert "person_ref" not in as_volunteer.get_json()
    assert (
        client.get(f"/api/v1/microtasks/{task['id']}", headers=bearer("vol-3")).status_code == 404
    )


def test_declines_and_silence_bring_the_next_round(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs, clock: Clock
) -> None:
    org_id = setup(runtime, orgs, count=6)
    task = post(client, org_id, offers_per_round=2, offer_minutes=30)
    assert offered(runtime) == ["vol-0", "vol-1"]
    for who in ("vol-0", "vol-1"):
        response = client.post(f"/api/v1/microtasks/{task['id']}/decline", headers=bearer(who))
        assert response.status_code == 200
    assert offered(runtime) == ["vol-0", "vol-1", "vol-2", "vol-3"]  # at once, not in 30 min
    assert advance(runtime)["tasks"] == 0  # nothing due yet
    clock.advance(minutes=31)
    counts = advance(runtime)
    assert counts == {"tasks": 1, "lapsed": 2, "offered": 2}
    assert offered(runtime)[-2:] == ["vol-4", "vol-5"]
    expired = [e for e in outbox_events(runtime, "OfferLapsed") if e["data"]["reason"] == "expired"]
    assert {e["data"]["account_id"] for e in expired} == {"vol-2", "vol-3"}
    slow = client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer("vol-2"))
    assert slow.status_code == 409


def test_never_two_overlapping_acceptances(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org_id = setup(runtime, orgs, count=1)
    first = post(client, org_id)
    overlapping = post(client, org_id, starts_at=(STARTS + dt.timedelta(minutes=30)).isoformat())
    assert offered(runtime) == ["vol-0", "vol-0"]  # offered both: neither accepted yet
    assert (
        client.post(f"/api/v1/microtasks/{first['id']}/accept", headers=bearer("vol-0")).status_code
        == 200
    )
    clash = client.post(f"/api/v1/microtasks/{overlapping['id']}/accept", headers=bearer("vol-0"))
    assert clash.status_code == 409 and clash.get_json()["clashing_task"] == first["id"]
    later = post(client, org_id, starts_at=(STARTS + dt.timedelta(hours=1)).isoformat())
    assert offered(runtime)[-1] == "vol-0"  # back to back is not overlapping
    assert (
        client.post(f"/api/v1/microtasks/{later['id']}/accept", headers=bearer("vol-0")).status_code
        == 200
    )


def test_cancel_tells_those_who_accepted(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org_id = setup(runtime, orgs)
    task = post(client, org_id, volunteers_needed=2, offers_per_round=3)
    client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer("vol-2"))
    outsider = client.post(f"/api/v1/microtasks/{task['id']}/cancel", headers=bearer("vol-2"))
    assert outsider.status_code == 404
    done = client.post(f"/api/v1/microtasks/{task['id']}/cancel", headers=bearer("coord-1"))
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    [cancelled] = outbox_events(runtime, "TaskCancelled")
    assert cancelled["data"]["account_ids"] == ["vol-2"]
    reasons = {
        e["data"]["account_id"]: e["data"]["reason"] for e in outbox_events(runtime, "OfferLapsed")
    }
    assert reasons == {"vol-0": "cancelled", "vol-1": "cancelled"}
    assert (
        client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer("vol-0")).status_code
        == 409
    )


def test_attendance_approves_hours_once_and_completes_the_task(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs, clock: Clock
) -> None:
    org_id = setup(runtime, orgs)
    task = post(client, org_id, volunteers_needed=2)
    for who in ("vol-0", "vol-1"):
        client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer(who))
    bookings = client.get(f"/api/v1/microtasks/{task['id']}/bookings", headers=bearer("coord-1"))
    by_account = {b["account_id"]: b["id"] for b in bookings.get_json()["items"]}
    path = f"/api/v1/microtasks/{task['id']}/bookings/{by_account['vol-0']}/attendance"
    early = client.post(path, json={"attended": True}, headers=bearer("coord-1"))
    assert early.status_code == 409
    clock.now = STARTS + dt.timedelta(hours=2)
    came = client.post(path, json={"attended": True, "minutes": 75}, headers=bearer("coord-1"))
    assert came.status_code == 200 and came.get_json()["status"] == "attended"
    twice = client.post(path, json={"attended": True}, headers=bearer("coord-1"))
    assert twice.status_code == 409
    other = f"/api/v1/microtasks/{task['id']}/bookings/{by_account['vol-1']}/attendance"
    assert (
        client.post(other, json={"attended": False}, headers=bearer("coord-1")).status_code == 200
    )
    [approved] = outbox_events(runtime, "HoursApproved")
    assert approved["data"]["account_id"] == "vol-0" and approved["data"]["minutes"] == 75
    assert approved["data"]["worked_on"] == STARTS.date().isoformat()
    assert len(outbox_events(runtime, "TaskCompleted")) == 1
    mine = client.get("/api/v1/hours", headers=bearer("vol-0")).get_json()["items"]
    assert [(h["minutes"], h["status"], h["source"]) for h in mine] == [(75, "approved", "task")]
    assert client.get("/api/v1/hours", headers=bearer("vol-1")).get_json()["items"] == []


def test_a_volunteer_gives_a_place_back_and_it_is_offered_again(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs, clock: Clock
) -> None:
    org_id = setup(runtime, orgs)
    task = post(client, org_id, offers_per_round=1)
    path = f"/api/v1/microtasks/{task['id']}"
    assert client.post(f"{path}/withdraw", headers=bearer("vol-0")).status_code == 409  # offered
    client.post(f"{path}/accept", headers=bearer("vol-0"))
    back = client.post(f"{path}/withdraw", json={"reason": "Hospital appointment"},
                       headers=bearer("vol-0"))  # fmt: skip
    assert back.status_code == 200 and back.get_json()["lapse_reason"] == "withdrawn"
    [event] = outbox_events(runtime, "BookingWithdrawn")
    assert event["event_version"] == 2 and event["data"]["reason"] == "Hospital appointment"
    assert offered(runtime) == ["vol-0", "vol-1"]  # the next person, at once
    shown = client.get(path, headers=bearer("coord-1")).get_json()
    assert (shown["status"], shown["accepted_count"]) == ("open", 0)
    assert client.post(f"{path}/accept", headers=bearer("vol-0")).status_code == 409
    assert client.post(f"{path}/accept", headers=bearer("vol-1")).status_code == 200
    clock.now = STARTS + dt.timedelta(minutes=1)
    late = client.post(f"{path}/withdraw", headers=bearer("vol-1"))
    assert late.status_code == 409 and "started" in late.get_json()["detail"]
