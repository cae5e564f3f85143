"""Micro-volunteering notices: offers, filled and cancelled tasks, credential reminders and
exchanges to confirm become emails to the right person, with only the event's facts; nobody
erased, unknown or unverified is told and nothing is dead-lettered for them; an event told
twice is one email; the person's contact channels decide, and an SMS channel can join."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.common.envelope import Event, isoformat, new_envelope
from services.common.eventlog.port import OutMessage
from services.volunteers.adapters.orm import outbox_mail
from services.volunteers.definition import SERVICE
from services.volunteers.domain.notifications import Notice, Recipient, choose_channels
from services.volunteers.service_layer.channels import register_channel
from services.volunteers.service_layer.microtask_mail import (
    MICROTASK_MAIL_GROUP,
    credits,
    time_of_day,
    when,
)
from tests.unit.volunteers.test_accounts_support import PASSWORD, Accounts, build_accounts

BASE = "https://volunteer.example.org"
ORG = str(uuid.uuid4())
JANE, SAM = "jane@example.org", "sam@example.org"
# START (test_accounts_support) is Tuesday 1 December 2026, 9am in London (GMT).


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Accounts]:
    service = build_accounts(tmp_path)
    yield service
    service.runtime.close()


def person(accounts: Accounts, email: str, name: str, verify: bool = True) -> str:
    account_id = str(accounts.register(email, name=name).get_json()["id"])
    if verify:
        assert accounts.post("verify", {"token": accounts.token_in(email)}).status_code == 200
    return account_id


def publish(
    accounts: Accounts, event_type: str, data: dict[str, Any], topic: str = "micro-volunteering"
) -> dict[str, Any]:
    envelope = new_envelope(
        event_type=event_type, version=1, producer="availability", key=_key(data), data=data,
        occurred_at=accounts.clock.now,
    )  # fmt: skip
    send(accounts, topic, envelope)
    return envelope


def send(accounts: Accounts, topic: str, envelope: dict[str, Any]) -> None:
    message = OutMessage(topic, envelope["key"], json.dumps(envelope).encode())
    accounts.runtime.event_log.publish([message])
    assert consumer(accounts).run_once(2.0) == 1


def consumer(accounts: Accounts) -> Any:
    [spec] = [
        s for s in SERVICE.consumer_specs(accounts.runtime) if s.group == MICROTASK_MAIL_GROUP
    ]
    return accounts.runtime.consumer(spec)


def _key(data: dict[str, Any]) -> str:
    return str(data.get("task_id") or data.get("credential_id") or data.get("exchange_id"))


def notices(accounts: Accounts, to: str | None = None) -> list[dict[str, Any]]:
    """Mail other than the account emails (verification), oldest first."""
    found = [m for m in reversed(accounts.mailbox()) if not m["subject"].startswith("Confirm your")]
    return [m for m in found if to in (None, m["to"])]


def dead_letters(accounts: Accounts) -> list[Any]:
    return accounts.runtime.event_log.read_all("dead-letters", 0.5)


def at(**delta: float) -> str:
    return isoformat(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC) + dt.timedelta(**delta))


def offer(account_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "booking_id": str(uuid.uuid4()), "task_id": str(uuid.uuid4()), "organisation_id": ORG,
        "account_id": account_id, "task_type": "Shopping", "starts_at": "2026-12-02T14:00:00Z",
        "duration_minutes": 60, "remote": False, "outward_code": "SE1",
        "expires_at": "2026-12-01T11:00:00Z", "at": at(), **changes,
    }  # fmt: skip


def lapse(account_id: str, reason: str, **changes: Any) -> dict[str, Any]:
    return {
        "booking_id": str(uuid.uuid4()), "task_id": str(uuid.uuid4()), "organisation_id": ORG,
        "account_id": account_id, "reason": reason, "at": at(), **changes,
    }  # fmt: skip


# --- what each event says ------------------------------------------------------------------


def test_an_offer_says_what_when_where_and_until_when_and_nothing_else(
    accounts: Accounts,
) -> None:
    jane = person(accounts, JANE, "Jane Doe")
    data = offer(jane)
    publish(accounts, "OfferMade", data)
    [mail] = notices(accounts)
    assert mail["to"] == JANE
    assert mail["subject"] == "A task you could help with: Shopping and errands"
    # The whole text: the event's facts in words, and no ids, titles or descriptions.
    assert mail["text"] == (
        "Hello Jane,\n\n"
        "A short task fits the times you said you are free. Could you help?\n\n"
        "What: Shopping and errands\n\n"
        "When: Wednesday 2 December, 2pm to 3pm\n\n"
        "Where: the SE1 postcode area\n\n"
        "We have offered it to a few volunteers, and the first to accept it gets it. "
        "The offer stands until 11am today.\n\n"
        "If you cannot help, you need not reply. To stop offers for a while, pause them on "
        "your availability page.\n\n"
        f"See the task and accept it: {BASE}/microtasks/{data['task_id']}\n"
    )
    assert f'href="{BASE}/microtasks/{data["task_id"]}"' in mail["html"]
    assert mail["headers"]["Auto-Submitted"] == "auto-generated"


def test_a_remote_offer_in_summer_is_in_uk_time_and_an_expired_one_is_not_sent(
    accounts: Accounts,
) -> None:
    jane = person(accounts, JANE, "Jane Doe")
    remote = offer(jane, task_type="BefriendingCall", remote=True, outward_code=None,
                   starts_at="2027-06-15T13:30:00Z", duration_minutes=30,
                   expires_at="2026-12-02T09:00:00Z")  # fmt: skip
    publish(accounts, "OfferMade", remote)
    publish(accounts, "OfferMade", offer(jane, expires_at=at(minutes=-1)))  # already lapsed
    [mail] = notices(accounts)
    assert mail["subject"] == "A task you could help with: Befriending phone or video call"
    assert "When: Tuesday 15 June 2027, 2:30pm to 3pm" in mail["text"]  # BST
    assert "Where: remote" in mail["text"]
    assert "until 9am tomorrow" in mail["text"]


def test_filled_and_cancelled_offers_are_told_but_expired_and_stale_ones_are_not(
    accounts: Accounts,
) -> None:
    jane = person(accounts, JANE, "Jane Doe")
    filled, cancelled = lapse(jane, "filled"), lapse(jane, "cancelled")
    publish(accounts, "OfferLapsed", filled)
    publish(accounts, "OfferLapsed", cancelled)
    publish(accounts, "OfferLapsed", lapse(jane, "expired"))
    publish(accounts, "OfferLapsed", lapse(jane, "filled", at=at(days=-3)))  # old news
    first, second = notices(accounts, JANE)
    assert first["subject"] == "This task has been filled, thank you"
    assert "Another volunteer accepted the task we offered you" in first["text"]
    assert f"{BASE}/microtasks/{filled['task_id']}" in first["text"]
    assert second["subject"] == "This task was cancelled"
    assert "has been cancelled. There is nothing you need to do." in second["text"]
    assert f"{BASE}/microtasks/{cancelled['task_id']}" in second["text"]
    assert dead_letters(accounts) == []


def test_a_cancelled_task_tells_everyone_who_had_accepted_it(accounts: Accounts) -> None:
    jane, sam = person(accounts, JANE, "Jane Doe"), person(accounts, SAM, "Sam Okafor")
    task_id = str(uuid.uuid4())
    data = {"task_id": task_id, "organisation_id": ORG, "account_ids": [jane, sam, "acc-gone"],
            "at": at()}  # fmt: skip
    publish(accounts, "TaskCancelled", data)
    mails = notices(accounts)
    assert sorted(m["to"] for m in mails) == [JANE, SAM]
    for mail in mails:
        assert mail["subject"] == "A task you accepted has been cancelled"
        assert "you no longer need to do it" in mail["text"]
        assert f"{BASE}/microtasks/{task_id}" in mail["text"]
    assert "Hello Sam," in next(m["text"] for m in mails if m["to"] == SAM)
    assert dead_letters(accounts) == []


def test_credentials_about_to_expire_are_named_in_plain_words(accounts: Accounts) -> None:
    jane = person(accounts, JANE, "Jane Doe")
    for kind, code, expires_on in [
        ("training", "FirstAid", "2026-12-31"),
        ("dbs", "DBSCheck", "2027-01-04"),
        ("training", "FoodHygiene", "2026-11-30"),  # yesterday: too late to remind
    ]:
        data = {"credential_id": str(uuid.uuid4()), "account_id": jane, "kind": kind,
                "code": code, "expires_on": expires_on, "at": at()}  # fmt: skip
        publish(accounts, "CredentialExpiring", data)
    first, second = notices(accounts, JANE)
    assert first["subject"] == "Your first aid training expires on 31 December 2026"
    assert "expires on Thursday 31 December 2026. After that date" in first["text"]
    assert f"Update your credentials: {BASE}/account/credentials" in first["text"]
    assert second["subject"] == "Your DBS check expires on 4 January 2027"


def test_an_exchange_asks_the_party_who_did_not_propose_it(accounts: Accounts) -> None:
    jane, sam = person(accounts, JANE, "Jane Doe"), person(accounts, SAM, "Sam Okafor")
    exchange = {"exchange_id": str(uuid.uuid4()), "payer_id": jane, "payee_id": sam,
                "amount": 250, "proposed_by": sam, "at": at()}  # fmt: skip
    publish(accounts, "ExchangeProposed", exchange, topic="time-credits")
    paying = {**exchange, "exchange_id": str(uuid.uuid4()), "amount": 100, "proposed_by": jane}
    publish(accounts, "ExchangeProposed", paying, topic="time-credits")
    [asked] = notices(accounts, JANE)
    assert asked["subject"] == "Please confirm a time-credit exchange"
    assert "has asked you to pay them 2.5 credits." in asked["text"]
    assert f"{BASE}/account/time-credits" in asked["text"]
    [paid] = notices(accounts, SAM)
    assert "wants to pay you 1 credit." in paid["text"]


# --- who is told, and how often -----------------------------------------------------------


def test_erased_unknown_and_unverified_accounts_are_skipped_without_dead_letters(
    accounts: Accounts,
) -> None:
    gone = person(accounts, JANE, "Jane Doe")
    headers = accounts.bearer(JANE)
    erased = accounts.client.delete("/api/v1/me", json={"password": PASSWORD}, headers=headers)
    assert erased.status_code in (200, 202, 204), erased.get_json()
    unverified = person(accounts, SAM, "Sam Okafor", verify=False)
    for account_id in (gone, unverified, "acc-never-was"):
        publish(accounts, "OfferMade", offer(account_id, expires_at=at(hours=1)))
    assert notices(accounts) == []
    assert dead_letters(accounts) == []
    with accounts.runtime.engine.connect() as conn:
        subjects = conn.execute(sa.select(outbox_mail.c.subject)).scalars().all()
    assert not [s for s in subjects if s.startswith("A task")]  # not even queued


def test_an_event_delivered_twice_is_one_email(accounts: Accounts) -> None:
    jane = person(accounts, JANE, "Jane Doe")
    envelope = publish(accounts, "OfferMade", offer(jane))
    send(accounts, "micro-volunteering", envelope)  # redelivered: the consumer skips it
    assert len(notices(accounts, JANE)) == 1
    # And the handler alone, run again on the same event (its Message-ID is already queued):
    handler = consumer(accounts).spec.handlers["micro-volunteering"]["OfferMade"]
    event = Event.from_envelope("micro-volunteering", envelope)
    with accounts.runtime.session_factory() as session, session.begin():
        handler(session, event)
    assert len(notices(accounts, JANE)) == 1


class FakeSms:
    """A text-message channel: it needs the person's "phone" choice and number."""

    name, uses = "sms", "phone"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def deliver(self, recipient: Recipient, notice: Notice) -> None:
        self.sent.append((recipient.addresses["phone"], notice.subject))


def test_contact_channels_decide_and_an_sms_channel_can_join(accounts: Accounts) -> None:
    sms = FakeSms()
    register_channel(accounts.runtime, lambda _session, _now: sms)
    texts_only = person(accounts, JANE, "Jane Doe")
    both = person(accounts, SAM, "Sam Okafor")
    neither = person(accounts, "ola@example.org", "Ola Nowak")
    for email, channels in ((JANE, ["phone"]), (SAM, ["email", "phone"]),
                            ("ola@example.org", ["post"])):  # fmt: skip
        body = {"contact_channels": channels, "phone": "07700 900123"}
        response = accounts.client.patch(
            "/api/v1/me/profile", json=body, headers=accounts.bearer(email)
        )
        assert response.status_code == 200, response.get_json()
    for account_id in (texts_only, both, neither):
        publish(accounts, "OfferMade", offer(account_id))
    assert [m["to"] for m in notices(accounts)] == [SAM]
    subject = "A task you could help with: Shopping and errands"
    assert sms.sent == [("07700 900123", subject), ("07700 900123", subject)]


def test_choose_channels_keeps_the_persons_order_and_only_what_they_allow() -> None:
    sms = FakeSms()

    class Email:
        name = uses = "email"

        def deliver(self, recipient: Recipient, notice: Notice) -> None:
            raise AssertionError("not delivering here")

    email = Email()
    assert choose_channels(["phone", "email"], [email, sms]) == [sms, email]
    assert choose_channels(["email", "post"], [email, sms]) == [email]
    assert choose_channels([], [email, sms]) == []


# --- words ------------------------------------------------------------------------------------


def test_times_and_amounts_in_plain_words() -> None:
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert credits(250) == "2.5 credits"
    assert credits(100) == "1 credit"
    assert credits(205) == "2.05 credits"
    assert credits(1) == "0.01 credits"
    assert credits(1000) == "10 credits"
    noon = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    assert time_of_day(noon) == "midday"
    assert when(noon, 90, now) == "Wednesday 2 December, midday to 1:30pm"
    late = dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC)
    assert when(late, 120, now) == "Wednesday 2 December, 11pm to 1am on Thursday"
    clocks_change = dt.datetime(2027, 3, 28, 0, 30, tzinfo=dt.UTC)  # 00:30 GMT -> 02:30 BST
    assert when(clocks_change, 60, now) == "Sunday 28 March 2027, 12:30am to 2:30am"


def test_a_place_given_back_tells_the_coordinators_not_the_volunteer(accounts: Accounts) -> None:
    jane, sam = person(accounts, JANE, "Jane Doe"), person(accounts, SAM, "Sam Okafor")
    member = {"organisation_id": ORG, "account_id": sam, "role": "editor"}
    membership = new_envelope(event_type="MembershipChanged", version=3, producer="opportunities",
                              key=ORG, data=member)  # fmt: skip
    message = OutMessage("organisations", ORG, json.dumps(membership).encode())
    accounts.runtime.event_log.publish([message])
    [copies] = [
        s for s in SERVICE.consumer_specs(accounts.runtime) if s.group == "volunteers-copies"
    ]
    assert accounts.runtime.consumer(copies).run_once(2.0) == 1
    booking = lapse(jane, "withdrawn")
    withdrawn = {k: v for k, v in booking.items() if k != "reason"} | {"reason": "Sorry, ill"}
    envelope = new_envelope(event_type="BookingWithdrawn", version=2, producer="availability",
                            key=booking["task_id"], data=withdrawn,
                            occurred_at=accounts.clock.now)  # fmt: skip
    send(accounts, "micro-volunteering", envelope)
    lapsed = new_envelope(event_type="OfferLapsed", version=2, producer="availability",
                          key=booking["task_id"], data=booking,
                          occurred_at=accounts.clock.now)  # fmt: skip
    send(accounts, "micro-volunteering", lapsed)
    mails = notices(accounts)
    assert [m["to"] for m in mails] == [SAM]  # the coordinator only; Jane did it herself
    assert mails[0]["subject"] == "A volunteer can no longer do a task"
    assert "\u201cSorry, ill\u201d" in mails[0]["text"]
    assert f"{BASE}/microtasks/{booking['task_id']}" in mails[0]["text"]
    assert dead_letters(accounts) == []
