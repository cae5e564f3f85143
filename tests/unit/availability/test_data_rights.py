"""The availability service's part of data rights: the export holds the person's settings,
wallet, bookings, hours and time credits; after ``AccountErased`` no table holds their id,
home postcode or date of birth, while the books still balance and a task they had accepted
is offered to someone else."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from flask.testing import FlaskClient

from services.availability.adapters.ledger_tables import ledger_accounts
from services.availability.adapters.tables import microtasks
from services.availability.definition import SERVICE
from services.common.envelope import new_envelope
from services.common.eventlog.port import OutMessage
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import NOW, Clock, Orgs, bearer
from tests.unit.availability.helpers import add_volunteer

ME = "5b1f0c7e-2a4d-4e8b-9c3f-6d2e1a7b8c90"
BORN = "1983-02-14"
HOME = "SW1A 2AA"


def run_group(runtime: ServiceRuntime, group: str) -> None:
    runtime.relay().publish_pending()
    [spec] = [s for s in SERVICE.consumer_specs(runtime) if s.group == group]
    consumer = runtime.consumer(spec)
    while consumer.run_once(0.2):
        pass


def build_history(client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs, clock: Clock) -> str:
    """Settings, a verified-later credential shared with an organisation, a finished task
    with approved hours (credits earned), a future task accepted, and an exchange."""
    org_id = orgs.create("coord-1")
    settings = {
        "postcode": HOME, "travel_km": 5, "task_types": ["Shopping", "DogWalking"],
        "paused": False, "date_of_birth": BORN,
        "windows": [{"weekday": day, "start": "00:00", "end": "24:00"} for day in
                    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")],
    }  # fmt: skip
    assert client.put("/api/v1/availability", json=settings, headers=bearer(ME)).status_code == 200
    credential = {"kind": "training", "type": "FirstAid", "completed_on": "2026-01-10"}
    response = client.post("/api/v1/credentials", json=credential, headers=bearer(ME))
    assert response.status_code == 201, response.get_json()
    shares = {"organisation_ids": [org_id]}
    assert (
        client.put("/api/v1/credentials/shares", json=shares, headers=bearer(ME)).status_code == 200
    )
    task_ids = []
    for hours_ahead in (2, 48):
        starts = (NOW + dt.timedelta(hours=hours_ahead)).isoformat()
        body = {"organisation_id": org_id, "task_type": "Shopping", "title": "A weekly shop",
                "postcode": "SE1 7PB", "starts_at": starts, "duration_minutes": 60}  # fmt: skip
        task = client.post("/api/v1/microtasks", json=body, headers=bearer("coord-1")).get_json()
        accepted = client.post(f"/api/v1/microtasks/{task['id']}/accept", headers=bearer(ME))
        assert accepted.status_code == 200, accepted.get_json()
        task_ids.append(task["id"])
    clock.advance(hours=4)
    first = client.get(f"/api/v1/microtasks/{task_ids[0]}/bookings", headers=bearer("coord-1"))
    booking = first.get_json()["items"][0]["id"]
    path = f"/api/v1/microtasks/{task_ids[0]}/bookings/{booking}/attendance"
    assert client.post(path, json={"attended": True}, headers=bearer("coord-1")).status_code == 200
    run_group(runtime, "availability-ledger")
    exchange = {"counterparty_id": "acc-friend", "direction": "pay", "amount": 50,
                "reason": f"Lift to the shops for {ME}"}  # fmt: skip
    client.get("/api/v1/timebank/statement", headers=bearer("acc-friend"))  # opens the account
    proposed = client.post("/api/v1/timebank/exchanges", json=exchange, headers=bearer(ME))
    assert proposed.status_code == 201, proposed.get_json()
    return task_ids[1]


def test_export_then_erasure(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs, clock: Clock
) -> None:
    add_volunteer(runtime, "someone-else", "WC2N 5DU")  # stays untouched
    future_task = build_history(client, runtime, orgs, clock)
    exported = client.get("/api/v1/me/export/availability", headers=bearer(ME)).get_json()
    assert exported["micro_volunteering"][0]["date_of_birth"] == BORN
    assert [c["code"] for c in exported["credentials"]] == ["FirstAid"]
    assert len(exported["bookings"]) == 2 and len(exported["hours"]) == 1
    assert exported["time_credits"]["account"]["balance"] == 100  # one hour, one credit
    assert len(exported["time_credits"]["exchanges"]) == 1

    erased = {"account_id": ME, "erased_at": NOW.isoformat()}
    envelope = new_envelope(event_type="AccountErased", version=2, producer="volunteers",
                            key=ME, data=erased)  # fmt: skip
    runtime.event_log.publish([OutMessage("accounts", ME, json.dumps(envelope).encode())])
    run_group(runtime, "availability-erasure")

    with runtime.engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            if table in ("outbox", "processed_events"):
                continue  # events carry the id by design: the event log's retention ages it
            text = json.dumps([list(r) for r in conn.execute(sa.text(f'SELECT * FROM "{table}"'))],
                              default=str)  # fmt: skip
            for secret in (ME, BORN, HOME, "SW1A2AA"):
                assert secret not in text, (table, secret)
        balances = conn.execute(sa.select(sa.func.sum(ledger_accounts.c.balance))).scalar()
        task = (
            conn.execute(sa.select(microtasks).where(microtasks.c.id == future_task))
            .mappings()
            .one()
        )
        others = conn.execute(sa.text("SELECT count(*) FROM micro_volunteers")).scalar()
    assert balances == 0
    assert (task["status"], task["accepted_count"]) == ("open", 0)  # offered again
    assert others == 1
    again = client.get("/api/v1/me/export/availability", headers=bearer(ME)).get_json()
    assert again["micro_volunteering"] == [] and again["bookings"] == [] and again["hours"] == []
