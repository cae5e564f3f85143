"""Hours for roles and micro-tasks: the volunteer reports, the organisation approves or
rejects (once), outsiders see nothing, and the volunteer's record is signed and checkable."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path

from flask.testing import FlaskClient

from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import NOW, Clock, Orgs, bearer
from tests.unit.availability.helpers import add_volunteer, outbox_events

EXAMPLE = Path(__file__).parents[3] / "schemas/examples/opportunities/1/opportunity-published.json"


def publish_role(orgs: Orgs, org_id: str) -> str:
    role = copy.deepcopy(json.loads(EXAMPLE.read_text())["data"])
    role["opportunity"].update(id=str(uuid.uuid4()), organisation_id=org_id)
    orgs.send("opportunities", "OpportunityPublished", 1, role["opportunity"]["id"], role)
    return str(role["opportunity"]["id"])


def report(client: FlaskClient, who: str, **body: object) -> tuple[int, dict]:
    response = client.post("/api/v1/hours", json=body, headers=bearer(who))
    return response.status_code, response.get_json()


def test_role_hours_reported_then_approved_once(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org_id = orgs.create("coord-1", name="Park Friends")
    role_id = publish_role(orgs, org_id)
    status, row = report(
        client, "vol-1", opportunity_id=role_id, minutes=150, worked_on="2026-11-21"
    )
    assert status == 201 and row["status"] == "reported" and row["organisation_id"] == org_id
    assert outbox_events(runtime, "HoursApproved") == []
    listed = client.get(
        f"/api/v1/hours/pending?organisation_id={org_id}", headers=bearer("coord-1")
    )
    assert [h["id"] for h in listed.get_json()["items"]] == [row["id"]]
    assert client.get(
        f"/api/v1/hours/pending?organisation_id={org_id}", headers=bearer("vol-1")
    ).status_code == 403  # fmt: skip
    assert (
        client.post(f"/api/v1/hours/{row['id']}/approve", headers=bearer("vol-1")).status_code
        == 404
    )
    ok = client.post(f"/api/v1/hours/{row['id']}/approve", headers=bearer("coord-1"))
    assert ok.status_code == 200 and ok.get_json()["status"] == "approved"
    assert (
        client.post(f"/api/v1/hours/{row['id']}/approve", headers=bearer("coord-1")).status_code
        == 409
    )
    [event] = outbox_events(runtime, "HoursApproved")
    assert event["data"] | {"at": None} == {
        "hours_id": row["id"], "account_id": "vol-1", "organisation_id": org_id,
        "source": "role", "minutes": 150, "worked_on": "2026-11-21", "at": None,
    }  # fmt: skip


def test_reports_are_checked(client: FlaskClient, orgs: Orgs) -> None:
    org_id = orgs.create("coord-1")
    role_id = publish_role(orgs, org_id)
    status, body = report(
        client, "vol-1", opportunity_id=role_id, minutes=0, worked_on="2026-12-30"
    )
    assert status == 422 and set(body["errors"]) == {"minutes", "worked_on"}
    status, body = report(client, "vol-1", minutes=30, worked_on="2026-11-20")
    assert status == 422 and "booking_id" in body["errors"]
    status, body = report(
        client, "vol-1", opportunity_id="nope", minutes=30, worked_on="2026-11-20"
    )
    assert status == 422 and "opportunity_id" in body["errors"]
    status, _ = report(client, "vol-1", booking_id="nope", minutes=30, worked_on="2026-11-20")
    assert status == 404


def test_rejection_keeps_the_reason_and_earns_nothing(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org_id = orgs.create("coord-1")
    _, row = report(client, "vol-1", opportunity_id=publish_role(orgs, org_id), minutes=60,
                    worked_on="2026-11-22")  # fmt: skip
    response = client.post(f"/api/v1/hours/{row['id']}/reject", json={"reason": "Not that day"},
                           headers=bearer("coord-1"))  # fmt: skip
    assert response.get_json()["status"] == "rejected"
    assert response.get_json()["reason"] == "Not that day"
    assert outbox_events(runtime, "HoursApproved") == []


def test_volunteer_reports_task_hours_and_approval_marks_attendance(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs, clock: Clock
) -> None:
    add_volunteer(runtime, "vol-1")
    org_id = orgs.create("coord-1")
    starts = NOW + dt.timedelta(hours=3)
    task = client.post("/api/v1/microtasks", headers=bearer("coord-1"), json={
        "organisation_id": org_id, "task_type": "DogWalking", "title": "Walk Biscuit",
        "postcode": "SE1 7PB", "starts_at": starts.isoformat(), "duration_minutes": 45,
    }).get_json()  # fmt: skip
    booking = client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer("vol-1"))
    booking_id = booking.get_json()["id"]
    status, _ = report(client, "vol-1", booking_id=booking_id, minutes=45, worked_on="2026-11-23")
    assert status == 409  # not started yet
    clock.now = starts + dt.timedelta(hours=1)
    status, row = report(client, "vol-1", booking_id=booking_id, minutes=50, worked_on="2026-11-23")
    assert status == 201
    status, _ = report(client, "vol-2", booking_id=booking_id, minutes=50, worked_on="2026-11-23")
    assert status == 404  # someone else's booking
    client.post(f"/api/v1/hours/{row['id']}/approve", headers=bearer("coord-1"))
    [attended] = outbox_events(runtime, "AttendanceRecorded")
    assert attended["data"]["attended"] is True and attended["data"]["minutes"] == 50
    path = f"/api/v1/microtasks/{task['id']}/bookings/{booking_id}/attendance"
    assert client.post(path, json={"attended": True}, headers=bearer("coord-1")).status_code == 409
    assert len(outbox_events(runtime, "HoursApproved")) == 1


def test_verified_record_is_signed_and_tampering_shows(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org_id = orgs.create("coord-1", name="=Park Friends")
    role_id = publish_role(orgs, org_id)
    for day, minutes in (("2026-11-02", 90), ("2026-11-09", 120), ("2026-11-16", 30)):
        _, row = report(client, "vol-1", opportunity_id=role_id, minutes=minutes, worked_on=day)
        if minutes != 30:  # the last stays unapproved: not in the record
            client.post(f"/api/v1/hours/{row['id']}/approve", headers=bearer("coord-1"))
    record = client.get("/api/v1/hours/record", headers=bearer("vol-1")).get_json()
    assert record["total_minutes"] == 210
    assert [i["worked_on"] for i in record["items"]] == ["2026-11-02", "2026-11-09"]
    assert client.post("/api/v1/hours/record/verify", json=record).get_json() == {"valid": True}
    record["total_minutes"] = 2100
    assert client.post("/api/v1/hours/record/verify", json=record).get_json() == {"valid": False}
    as_csv = client.get("/api/v1/hours/record?format=csv", headers=bearer("vol-1"))
    lines = as_csv.get_data(as_text=True).splitlines()
    assert as_csv.mimetype == "text/csv" and len(lines) == 3
    assert ",'=Park Friends," in lines[1]  # a formula-looking name is defused
