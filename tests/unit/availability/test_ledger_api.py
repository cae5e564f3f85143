"""``/api/v1/timebank`` and the ledger consumer: earning at an organisation's rate,
exchanges both parties confirm, limits, spending with idempotency keys, reversals and
statements, and who may see or do each."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from services.availability.service_layer.ledger_consumer import ledger_spec
from services.common.envelope import new_envelope
from services.common.eventlog.port import OutMessage
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import Orgs, bearer
from tests.unit.hostile.conformance import assert_documented

API = "/api/v1/timebank"
# Made when the module is imported, which in a full run can be well over the usual 15
# minutes before these tests run: so a token that lasts the day.
ADMIN = bearer("admin-1", roles=["admin"], ttl=dt.timedelta(days=1))
VA, VB, VC = bearer("va"), bearer("vb"), bearer("vc")


def approve_hours(
    runtime: ServiceRuntime, account_id: str, org_id: str, minutes: int, hours_id: str = ""
) -> str:
    """An ``HoursApproved`` event as the hours use case emits it, then the ledger consumer."""
    hours_id = hours_id or str(uuid.uuid4())
    data = {
        "hours_id": hours_id, "account_id": account_id, "organisation_id": org_id,
        "source": "task", "minutes": minutes, "worked_on": "2026-11-20",
        "at": "2026-11-23T09:00:00Z",
    }  # fmt: skip
    envelope = new_envelope(
        event_type="HoursApproved", version=1, producer="availability", key=hours_id, data=data
    )
    message = OutMessage("micro-volunteering", hours_id, json.dumps(envelope).encode())
    runtime.event_log.publish([message])
    assert runtime.consumer(ledger_spec(runtime)).run_once(2.0) >= 1
    return hours_id


def outbox(runtime: ServiceRuntime, event_type: str) -> list[dict[str, Any]]:
    with runtime.engine.connect() as conn:
        payloads = conn.execute(sa.text("SELECT payload FROM outbox ORDER BY id")).scalars()
        envelopes = [json.loads(p) for p in payloads]
    return [e["data"] for e in envelopes if e["event_type"] == event_type]


def balance(client: FlaskClient, headers: dict[str, str]) -> int:
    found: int = client.get(f"{API}/statement", headers=headers).json["account"]["balance"]
    return found


def account_id(client: FlaskClient, headers: dict[str, str]) -> str:
    found: str = client.get(f"{API}/statement", headers=headers).json["account"]["id"]
    return found


def propose(
    client: FlaskClient, who: dict[str, str], to: str, amount: int, how: str = "pay"
) -> str:
    # The counterparty has seen their member number, so their account is open.
    assert client.get(f"{API}/statement", headers=bearer(to)).status_code == 200
    body = {"counterparty_id": to, "direction": how, "amount": amount, "reason": "Gardening"}
    response = client.post(f"{API}/exchanges", json=body, headers=who)
    assert response.status_code == 201, response.json
    found: str = response.json["id"]
    return found


def test_approved_hours_earn_at_the_organisations_rate(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org = orgs.create("owner-1")
    put = client.put(
        f"{API}/organisations/{org}/rate", json={"rate": 150}, headers=bearer("owner-1")
    )
    assert put.status_code == 200 and put.json == {"organisation_id": org, "rate": 150}
    hours_id = approve_hours(runtime, "va", org, 50)  # 50 minutes at 1.50 an hour: 1.25

    mine = client.get(f"{API}/statement", headers=VA).json
    assert mine["account"]["balance"] == 125
    assert mine["account"]["lower_limit"] == 0 and mine["account"]["upper_limit"] is None
    [entry] = mine["entries"]
    assert (entry["kind"], entry["amount"], entry["balance_after"]) == ("earn", 125, 125)
    assert entry["counterparty"]["owner_kind"] == "organisation"
    assert entry["counterparty"]["name"] == "Riverside Good Neighbours"
    assert entry["memo"] == "50 minutes at 1.50 credits an hour"

    theirs = client.get(f"{API}/organisations/{org}/statement", headers=bearer("owner-1")).json
    assert theirs["account"]["balance"] == -125 and theirs["rate"] == 150
    [posted] = outbox(runtime, "TransactionPosted")
    assert posted["source"] == f"hours:{hours_id}" and posted["kind"] == "earn"
    assert sorted(e["amount"] for e in posted["entries"]) == [-125, 125]


def test_the_same_hours_earn_once_and_the_default_rate_is_a_credit_an_hour(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org = orgs.create("owner-1")
    hours_id = approve_hours(runtime, "va", org, 60)
    approve_hours(runtime, "va", org, 60, hours_id)  # a second event for the same hours
    assert balance(client, VA) == 100
    assert len(outbox(runtime, "TransactionPosted")) == 1


def test_only_owners_and_admins_set_the_rate(client: FlaskClient, orgs: Orgs) -> None:
    org = orgs.create("owner-1")
    orgs.member(org, "editor-1", "editor")
    path, body = f"{API}/organisations/{org}/rate", {"rate": 200}
    assert client.put(path, json=body, headers=bearer("editor-1")).status_code == 403
    assert client.put(path, json=body, headers=VA).status_code == 404
    assert client.put(path, json=body, headers=ADMIN).status_code == 200
    missing = f"{API}/organisations/{uuid.uuid4()}/rate"
    assert client.put(missing, json=body, headers=ADMIN).status_code == 404
    for bad in ({"rate": 0}, {"rate": 1001}, {"rate": 1.5}, {}):
        response = client.put(path, json=bad, headers=bearer("owner-1"))
        assert response.status_code == 422 and "rate" in response.json["errors"]
    assert client.put(path, json=body).status_code == 401


def test_an_exchange_moves_credits_once_the_other_member_confirms(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    approve_hours(runtime, "va", orgs.create("owner-1"), 120)
    exchange = propose(client, VA, "vb", 150)  # "I pay you 1.50"
    assert balance(client, VA) == 200  # nothing moves yet
    [seen] = client.get(f"{API}/exchanges", headers=VB).json["items"]
    assert (seen["id"], seen["status"], seen["awaiting"]) == (exchange, "pending", "vb")
    assert client.get(f"{API}/exchanges", headers=VC).json["items"] == []

    confirmed = client.post(f"{API}/exchanges/{exchange}/confirm", headers=VB)
    assert confirmed.status_code == 200
    assert confirmed.json["status"] == "confirmed" and confirmed.json["awaiting"] is None
    assert confirmed.json["transaction"]["source"] == f"exchange:{exchange}"
    assert (balance(client, VA), balance(client, VB)) == (50, 150)
    [proposed] = outbox(runtime, "ExchangeProposed")
    assert proposed["payer_id"] == "va" and proposed["proposed_by"] == "va"
    again = client.post(f"{API}/exchanges/{exchange}/confirm", headers=VB)
    assert again.status_code == 409 and balance(client, VB) == 150


def test_statement_and_exchange_answers_are_as_documented(app: Flask, client: FlaskClient) -> None:
    # Found by schemathesis: accounts' created_at and updated_at and exchanges' decided_by were
    # sent but not declared, and the list of exchanges was documented as one exchange.
    statement = client.get(f"{API}/statement", headers=VA)
    assert {"created_at", "updated_at"} <= set(statement.json["account"])
    assert_documented(app, "GET", f"{API}/statement", statement)
    client.get(f"{API}/statement", headers=VB)  # opens vb's account
    body = {"counterparty_id": "vb", "direction": "pay", "amount": 150, "reason": "Gardening"}
    proposed = client.post(f"{API}/exchanges", json=body, headers=VA)
    assert proposed.json["decided_by"] is None
    assert_documented(app, "POST", f"{API}/exchanges", proposed)
    listed = client.get(f"{API}/exchanges", headers=VB)
    assert [e["id"] for e in listed.json["items"]] == [proposed.json["id"]]
    assert_documented(app, "GET", f"{API}/exchanges", listed)


def test_a_mistyped_member_number_is_refused_not_left_waiting(
    client: FlaskClient, runtime: ServiceRuntime
) -> None:
    body = {"counterparty_id": "vb-typo", "direction": "pay", "amount": 50, "reason": "Lift"}
    refused = client.post(f"{API}/exchanges", json=body, headers=VA)
    assert refused.status_code == 422
    assert "No member has that number" in refused.json["errors"]["counterparty_id"][0]
    assert client.get(f"{API}/exchanges", headers=VA).json["items"] == []
    assert outbox(runtime, "ExchangeProposed") == []


def test_a_cursor_beyond_a_database_integer_is_refused(client: FlaskClient) -> None:
    # Found by schemathesis: it overflowed the query (500).
    response = client.get(f"{API}/statement?cursor={2**63}", headers=VA)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"cursor"}


def test_asking_to_be_paid_makes_the_other_member_the_payer(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    approve_hours(runtime, "va", orgs.create("owner-1"), 60)
    exchange = propose(client, VB, "va", 40, how="request")  # vb: "you pay me 0.40"
    assert client.post(f"{API}/exchanges/{exchange}/confirm", headers=VA).status_code == 200
    assert (balance(client, VA), balance(client, VB)) == (60, 40)
    assert client.get(f"{API}/statement", headers=VB).json["entries"][0]["kind"] == "transfer"


def test_only_the_right_party_answers_or_cancels_an_exchange(
    client: FlaskClient, runtime: ServiceRuntime
) -> None:
    exchange = propose(client, VA, "vb", 100)
    for action in ("confirm", "decline", "cancel"):
        stranger = client.post(f"{API}/exchanges/{exchange}/{action}", headers=VC)
        assert stranger.status_code == 404, action
        assert client.post(f"{API}/exchanges/{exchange}/{action}", headers=ADMIN).status_code == 404
    assert client.post(f"{API}/exchanges/{exchange}/confirm", headers=VA).status_code == 403
    assert client.post(f"{API}/exchanges/{exchange}/decline", headers=VA).status_code == 403
    assert client.post(f"{API}/exchanges/{exchange}/cancel", headers=VB).status_code == 403
    assert client.post(f"{API}/exchanges/{uuid.uuid4()}/confirm", headers=VB).status_code == 404

    declined = client.post(f"{API}/exchanges/{exchange}/decline", headers=VB)
    assert declined.status_code == 200 and declined.json["status"] == "declined"
    assert client.post(f"{API}/exchanges/{exchange}/confirm", headers=VB).status_code == 409
    other = propose(client, VA, "vb", 100)
    cancelled = client.post(f"{API}/exchanges/{other}/cancel", headers=VA)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert client.post(f"{API}/exchanges/{other}/confirm", headers=VB).status_code == 409
    told = outbox(runtime, "ExchangeDeclined")
    assert [(e["exchange_id"], e["declined_by"]) for e in told] == [(exchange, "vb"), (other, "va")]
    pending = client.get(f"{API}/exchanges?status=pending", headers=VA).json["items"]
    assert pending == [] and outbox(runtime, "TransactionPosted") == []


def test_bad_proposals_are_refused_with_field_messages(client: FlaskClient) -> None:
    good = {"counterparty_id": "vb", "direction": "pay", "amount": 5, "reason": "x"}
    for change, field in (
        ({"counterparty_id": "va"}, "counterparty_id"),  # yourself
        ({"direction": "give"}, "direction"),
        ({"amount": 0}, "amount"),
        ({"amount": 2.5}, "amount"),
        ({"reason": ""}, "reason"),
    ):
        response = client.post(f"{API}/exchanges", json={**good, **change}, headers=VA)
        assert response.status_code == 422 and field in response.json["errors"], change


def test_limits_refuse_a_payment_and_admins_change_them(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    approve_hours(runtime, "va", orgs.create("owner-1"), 60)
    exchange = propose(client, VB, "va", 150, how="request")
    refused = client.post(f"{API}/exchanges/{exchange}/confirm", headers=VA)
    assert refused.status_code == 409
    assert refused.json["detail"] == "This would take your account below its limit of 0.00 credits."
    assert refused.json["limit"] == "lower"
    assert (balance(client, VA), balance(client, VB)) == (100, 0)
    assert client.get(f"{API}/exchanges", headers=VA).json["items"][0]["status"] == "pending"

    mine, theirs = account_id(client, VA), account_id(client, VB)
    limits = {"lower_limit": -100, "upper_limit": None}
    assert client.put(f"{API}/accounts/{mine}/limits", json=limits, headers=VA).status_code == 403
    assert client.put(f"{API}/accounts/{theirs}/limits", json=limits, headers=VA).status_code == 404
    changed = client.put(f"{API}/accounts/{mine}/limits", json=limits, headers=ADMIN)
    assert changed.status_code == 200 and changed.json["lower_limit"] == -100
    assert client.post(f"{API}/exchanges/{exchange}/confirm", headers=VA).status_code == 200
    assert balance(client, VA) == -50

    narrower = client.put(
        f"{API}/accounts/{mine}/limits", json={"lower_limit": 0, "upper_limit": None}, headers=ADMIN
    )
    assert narrower.status_code == 409  # the balance is already below it
    inverted = {"lower_limit": 10, "upper_limit": 5}
    assert (
        client.put(f"{API}/accounts/{mine}/limits", json=inverted, headers=ADMIN).status_code == 422
    )
    missing = f"{API}/accounts/{uuid.uuid4()}/limits"
    assert client.put(missing, json=limits, headers=ADMIN).status_code == 404

    capped = {"lower_limit": 0, "upper_limit": 200}
    assert (
        client.put(f"{API}/accounts/{theirs}/limits", json=capped, headers=ADMIN).status_code == 200
    )
    approve_hours(runtime, "va", orgs.create("owner-2"), 600)
    over = propose(client, VA, "vb", 100)
    refused = client.post(f"{API}/exchanges/{over}/confirm", headers=VB)
    assert refused.status_code == 409 and refused.json["limit"] == "upper"
    assert "your account above its limit of 2.00 credits" in refused.json["detail"]


def test_spending_is_idempotent_on_the_members_key(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org = orgs.create("owner-1")
    approve_hours(runtime, "va", org, 180)
    body = {"organisation_id": org, "amount": 100, "idempotency_key": "req-1"}
    first = client.post(f"{API}/spend", json=body, headers=VA)
    assert first.status_code == 201 and first.json["kind"] == "spend"
    digest = hashlib.sha256(b"va:req-1").hexdigest()[:40]
    assert first.json["source"] == f"spend:{digest}"  # not the account id: it is immutable
    again = client.post(f"{API}/spend", json=body, headers=VA)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert balance(client, VA) == 200
    other_body = {**body, "amount": 50}
    assert client.post(f"{API}/spend", json=other_body, headers=VA).status_code == 409
    # Keys are per member: vb's "req-1" is a payment of its own (refused: vb has nothing).
    assert client.post(f"{API}/spend", json=body, headers=VB).status_code == 409

    too_much = client.post(
        f"{API}/spend", json={**body, "amount": 500, "idempotency_key": "req-2"}, headers=VA
    )
    assert too_much.status_code == 409 and balance(client, VA) == 200
    for bad, field in (
        ({**body, "organisation_id": str(uuid.uuid4())}, "organisation_id"),
        ({**body, "microtask_id": str(uuid.uuid4())}, "microtask_id"),
        ({**body, "idempotency_key": "has spaces"}, "idempotency_key"),
        ({"organisation_id": org, "amount": 100}, "idempotency_key"),
    ):  # fmt: skip
        response = client.post(f"{API}/spend", json=bad, headers=VA)
        assert response.status_code == 422 and field in response.json["errors"], bad
    statement = client.get(f"{API}/organisations/{org}/statement", headers=bearer("owner-1")).json
    assert statement["account"]["balance"] == -300 + 100


def test_admins_reverse_a_transaction_once(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org = orgs.create("owner-1")
    approve_hours(runtime, "va", org, 60)
    [earned] = client.get(f"{API}/statement", headers=VA).json["entries"]
    path = f"{API}/transactions/{earned['transaction_id']}/reverse"
    assert client.post(path, headers=VA).status_code == 403  # a party, but no admin
    assert client.post(path, headers=VB).status_code == 404
    assert (
        client.post(f"{API}/transactions/{uuid.uuid4()}/reverse", headers=ADMIN).status_code == 404
    )

    reversed_ = client.post(path, json={"reason": "Logged twice"}, headers=ADMIN)
    assert reversed_.status_code == 201, reversed_.json
    assert (
        reversed_.json["kind"] == "reversal"
        and reversed_.json["reverses"] == earned["transaction_id"]
    )
    again = client.post(path, headers=ADMIN)
    assert again.status_code == 200 and again.json["id"] == reversed_.json["id"]
    assert balance(client, VA) == 0
    newest = client.get(f"{API}/statement", headers=VA).json["entries"][0]
    assert (newest["kind"], newest["amount"], newest["memo"]) == ("reversal", -100, "Logged twice")
    assert len(outbox(runtime, "TransactionPosted")) == 2


def test_a_reversal_respects_limits_too(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org = orgs.create("owner-1")
    approve_hours(runtime, "va", org, 60)
    [earned] = client.get(f"{API}/statement", headers=VA).json["entries"]
    spent = {"organisation_id": org, "amount": 80, "idempotency_key": "k"}
    assert client.post(f"{API}/spend", json=spent, headers=VA).status_code == 201
    path = f"{API}/transactions/{earned['transaction_id']}/reverse"
    refused = client.post(path, headers=ADMIN)
    assert refused.status_code == 409
    assert "the other member's account below its limit" in refused.json["detail"]
    assert balance(client, VA) == 20


def test_statements_page_newest_first(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs
) -> None:
    org = orgs.create("owner-1")
    for minutes in (60, 30, 15, 45, 90):
        approve_hours(runtime, "va", org, minutes)
    first = client.get(f"{API}/statement?limit=2", headers=VA).json
    assert [e["amount"] for e in first["entries"]] == [150, 75]
    assert [e["balance_after"] for e in first["entries"]] == [400, 250]
    second = client.get(f"{API}/statement?limit=2&cursor={first['next_cursor']}", headers=VA).json
    assert [e["amount"] for e in second["entries"]] == [25, 50]
    last = client.get(f"{API}/statement?limit=2&cursor={second['next_cursor']}", headers=VA).json
    assert [e["amount"] for e in last["entries"]] == [100] and last["next_cursor"] is None
    assert client.get(f"{API}/statement?limit=0", headers=VA).status_code == 422
    assert client.get(f"{API}/statement?cursor=abc", headers=VA).status_code == 422


def test_organisation_and_bank_statements_are_for_members_and_admins(
    client: FlaskClient, orgs: Orgs
) -> None:
    org = orgs.create("owner-1")
    orgs.member(org, "editor-1", "editor")
    path = f"{API}/organisations/{org}/statement"
    assert client.get(path, headers=bearer("editor-1")).status_code == 200
    assert client.get(path, headers=ADMIN).status_code == 200
    assert client.get(path, headers=VA).status_code == 404
    assert (
        client.get(f"{API}/organisations/{uuid.uuid4()}/statement", headers=ADMIN).status_code
        == 404
    )
    bank = client.get(f"{API}/bank/statement", headers=ADMIN)
    assert bank.status_code == 200 and bank.json["account"]["owner_kind"] == "timebank"
    assert bank.json["account"]["lower_limit"] is None
    assert client.get(f"{API}/bank/statement", headers=VA).status_code == 403
    assert client.get(f"{API}/statement").status_code == 401
