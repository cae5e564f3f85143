"""Data rights in the opportunities service: its part of the export, and forgetting a person
when ``AccountErased`` arrives (idempotently; memberships go with events, decisions keep a
pseudonym)."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from services.common.envelope import new_envelope
from services.common.eventlog.port import OutMessage, Record
from services.opportunities.definition import SERVICE as OPPORTUNITIES
from services.opportunities.service_layer.data_rights import ERASURE_GROUP
from tests.unit.opportunities.conftest import Service

PERSON, OTHER = str(uuid.uuid4()), str(uuid.uuid4())


def erased(account_id: str = PERSON) -> dict[str, Any]:
    return new_envelope(
        event_type="AccountErased",
        version=2,
        producer="volunteers",
        key=account_id,
        data={"account_id": account_id, "erased_at": "2026-12-01T09:00:00Z"},
    )


def deliver(svc: Service, envelope: dict[str, Any], offset: int = 0) -> str:
    """Hand the envelope to the erasure consumer as the log would; the outcome."""
    [spec] = [s for s in OPPORTUNITIES.consumer_specs(svc.runtime) if s.group == ERASURE_GROUP]
    record = Record("accounts", 0, offset, envelope["key"], json.dumps(envelope).encode())
    return svc.runtime.consumer(spec).process(record)


def world(moderated: Service) -> dict[str, str]:
    """PERSON owns one organisation with OTHER, edits another (OTHER's), is the last owner
    of a third, and, as an admin, approved the first two."""
    shared = moderated.register(as_=OTHER)["id"]
    owned = moderated.register(as_=PERSON, name="Canal Friends")["id"]
    alone = moderated.register(as_=PERSON, name="Tea Club")["id"]
    for org, account, role in ((owned, OTHER, "owner"), (shared, PERSON, "editor")):
        member = {"account_id": account, "role": role}
        path = f"/api/v1/organisations/{org}/members"
        as_ = PERSON if org == owned else OTHER
        assert moderated.call("POST", path, as_, json=member).status_code == 201
    for org in (owned, shared):
        path = f"/api/v1/organisations/{org}/approve"
        approved = moderated.call("POST", path, PERSON, claims={"roles": ["admin"]})
        assert approved.status_code == 200, approved.get_json()
    return {"owned": owned, "shared": shared, "alone": alone}


def rows(svc: Service, query: str) -> list[Any]:
    with svc.runtime.engine.connect() as conn:
        return list(conn.execute(sa.text(query)))


def test_the_export_lists_memberships_and_decisions(moderated: Service) -> None:
    orgs = world(moderated)
    response = moderated.call("GET", "/api/v1/me/export/opportunities", PERSON)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["memberships"] == [
        {"organisation_id": orgs["owned"], "organisation_name": "Canal Friends", "role": "owner"},
        {"organisation_id": orgs["shared"], "organisation_name": "Riverside Food Bank",
         "role": "editor"},
        {"organisation_id": orgs["alone"], "organisation_name": "Tea Club", "role": "owner"},
    ]  # fmt: skip
    decisions = body["moderation_decisions"]
    assert {(d["organisation_id"], d["decision"]) for d in decisions} == {
        (orgs["owned"], "approved"),
        (orgs["shared"], "approved"),
    }
    assert {d["decided_at"] for d in decisions} == {"2026-12-01T09:00:00Z"}  # the test clock
    assert moderated.client.get("/api/v1/me/export/opportunities").status_code == 401


def test_an_erased_account_is_forgotten(
    moderated: Service, caplog: pytest.LogCaptureFixture
) -> None:
    orgs = world(moderated)
    before = len(moderated.events("organisations"))
    with caplog.at_level(logging.WARNING):
        assert deliver(moderated, erased()) == "processed"

    assert (
        rows(moderated, f"SELECT * FROM organisation_members WHERE account_id = '{PERSON}'") == []
    )
    kept = rows(moderated, "SELECT organisation_id, account_id, role FROM organisation_members")
    assert sorted(kept) == sorted(
        [(orgs["owned"], OTHER, "owner"), (orgs["shared"], OTHER, "owner")]
    )
    left = moderated.events("organisations")[before:]
    assert {(e["event_type"], e["data"]["organisation_id"]) for e in left} == {
        ("MembershipChanged", org) for org in orgs.values()
    }
    assert {(e["data"]["account_id"], e["data"]["role"]) for e in left} == {(PERSON, None)}
    # The decisions stand, by one unnamed person.
    decided = rows(moderated, "SELECT decided_by FROM organisations WHERE decided_by IS NOT NULL")
    assert len(decided) == 2 and len({d.decided_by for d in decided}) == 1
    assert decided[0].decided_by != PERSON and uuid.UUID(decided[0].decided_by)
    # The last owner went too: erasure cannot wait for a successor. An admin can add one.
    [warning] = [r for r in caplog.records if "no owner" in r.getMessage()]
    assert vars(warning)["organisation_id"] == orgs["alone"]
    export = moderated.call("GET", "/api/v1/me/export/opportunities", PERSON).get_json()
    assert export == {"memberships": [], "moderation_decisions": []}


def test_erasure_events_are_handled_once_and_a_second_one_is_harmless(
    moderated: Service,
) -> None:
    world(moderated)
    event = erased()
    assert deliver(moderated, event) == "processed"
    after_first = (moderated.events(), rows(moderated, "SELECT * FROM organisations"))
    assert deliver(moderated, event, offset=1) == "duplicate"
    assert deliver(moderated, erased(), offset=2) == "processed"  # a new event, same person
    assert (moderated.events(), rows(moderated, "SELECT * FROM organisations")) == after_first


def test_other_account_events_are_not_its_business(moderated: Service) -> None:
    world(moderated)
    registered = new_envelope(
        event_type="AccountRegistered",
        version=1,
        producer="volunteers",
        key=PERSON,
        data={"account_id": PERSON, "account_type": "volunteer",
              "registered_at": "2026-12-01T09:00:00Z"},
    )  # fmt: skip
    assert deliver(moderated, registered) == "ignored"


def test_the_consumer_reads_the_accounts_topic_from_the_log(moderated: Service) -> None:
    orgs = world(moderated)
    event = erased()
    log = moderated.runtime.event_log
    log.publish([OutMessage("accounts", PERSON, json.dumps(event).encode())])
    [spec] = OPPORTUNITIES.consumer_specs(moderated.runtime)
    assert moderated.runtime.consumer(spec).run_once(2.0) == 1
    members = rows(moderated, "SELECT organisation_id FROM organisation_members")
    assert orgs["alone"] not in {m.organisation_id for m in members}
