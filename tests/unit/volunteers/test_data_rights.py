"""Data rights in the volunteers service: its part of the export, and erasure (password
required; applications kept for the organisation's figures but cut loose from the person;
mail to and about them gone, dev mailbox copies too; AccountErased v2 in the outbox)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.common.envelope import new_envelope
from services.common.eventlog.port import OutMessage
from services.common.mail import DevMailbox, Message, TeeMailer, enqueue, forget_copies
from services.volunteers.adapters.orm import outbox_mail
from services.volunteers.adapters.saved_search_tables import alert_items, saved_searches
from services.volunteers.definition import SERVICE
from services.volunteers.domain.data_rights import names_in_mail
from services.volunteers.service_layer.guarantee import organisation_stats
from tests.unit.volunteers.test_accounts_support import PASSWORD, Accounts, build_accounts

EXAMPLE = Path(__file__).parents[3] / "schemas/examples/opportunities/1/opportunity-published.json"
EMAIL, NAME, BORN = "Zephyrine.Quillfeather@example.org", "Zephyrine Quillfeather", "1987-03-14"
MESSAGE = "I am Zephyrine, born 14/03/1987, free on Mondays."


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Accounts]:
    service = build_accounts(tmp_path)
    yield service
    service.runtime.close()


class Person:
    """A verified volunteer with a profile, two applications (one answered), a saved search
    with an alert, and mail; ``org`` is the organisation of the roles they applied to."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self.id = accounts.register(EMAIL, name=NAME).get_json()["id"]
        accounts.post("verify", {"token": accounts.token_in(EMAIL)})
        self.headers = accounts.bearer(EMAIL)
        self.org = str(uuid.uuid4())
        self.roles = [self._role(), self._role()]
        profile = {"date_of_birth": BORN, "phone": "07700 900123", "accessibility_needs": "Ramp"}
        assert self.call("PATCH", "/api/v1/me/profile", json=profile).status_code == 200
        self.applications = [self._apply(role) for role in self.roles]
        self.search = self._save_search()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.accounts.client.open(path, method=method, headers=self.headers, **kwargs)

    def _role(self) -> str:
        role = copy.deepcopy(json.loads(EXAMPLE.read_text())["data"]["opportunity"])
        closes = (self.accounts.clock.now + dt.timedelta(days=60)).date().isoformat()
        role.update(id=str(uuid.uuid4()), organisation_id=self.org, closes_on=closes)
        role.update(questions=[], places=3)
        data = {"opportunity_id": role["id"], "revision": 2, "opportunity": role}
        envelope = new_envelope(
            event_type="OpportunityPublished", version=1, producer="t", key=role["id"], data=data
        )
        runtime = self.accounts.runtime
        runtime.event_log.publish([OutMessage("opportunities", role["id"], _bytes(envelope))])
        [spec] = [s for s in SERVICE.consumer_specs(runtime) if s.group == "volunteers-copies"]
        assert runtime.consumer(spec).run_once(2.0) >= 1
        return str(role["id"])

    def _apply(self, role: str) -> str:
        body = {"opportunity_id": role, "message": MESSAGE}
        created = self.call("POST", "/api/v1/applications", json=body)
        assert created.status_code == 201, created.get_json()
        return str(created.get_json()["id"])

    def _save_search(self) -> str:
        search, now = str(uuid.uuid4()), self.accounts.clock.now
        with self.accounts.runtime.engine.begin() as conn:
            conn.execute(saved_searches.insert().values(
                id=search, account_id=self.id, name="Zephyrine's Mondays", params={"q": "tea"},
                frequency="daily", created_at=now, updated_at=now,
            ))  # fmt: skip
            conn.execute(alert_items.insert().values(
                saved_search_id=search, opportunity_id=self.roles[0], matched_at=now,
                state="pending",
            ))  # fmt: skip
        return search

    def answer_first(self) -> None:
        """The organisation marks the first application seen (straight in the table: who may
        answer is not what these tests are about)."""
        with self.accounts.runtime.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE applications SET status = 'seen', first_response_at = :now "
                        "WHERE id = :id"),
                {"now": self.accounts.clock.now, "id": self.applications[0]},
            )  # fmt: skip

    def erase(self, password: str | None = PASSWORD) -> Any:
        body = {} if password is None else {"password": password}
        return self.call("DELETE", "/api/v1/me", json=body)


def _bytes(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope).encode()


def _rows(accounts: Accounts, query: str) -> list[Any]:
    with accounts.runtime.engine.connect() as conn:
        return list(conn.execute(sa.text(query)))


def test_the_export_holds_what_the_service_knows_about_you(accounts: Accounts) -> None:
    person = Person(accounts)
    accounts.sign_in(EMAIL, "not the password")
    response = person.call("GET", "/api/v1/me/export/volunteers")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["account"]["email"] == EMAIL and body["account"]["name"] == NAME
    assert "password_hash" not in body["account"] and "$argon2" not in response.text
    assert body["profile"]["date_of_birth"] == BORN
    assert body["profile"]["phone"] == "07700 900123"
    assert {a["id"] for a in body["applications"]} == set(person.applications)
    assert {a["message"] for a in body["applications"]} == {MESSAGE}
    [search] = body["saved_searches"]
    assert search["name"] == "Zephyrine's Mondays" and search["params"] == {"q": "tea"}
    assert [a["opportunity_id"] for a in search["alerts"]] == [person.roles[0]]
    assert len(body["sessions"]) == 1
    assert [link["purpose"] for link in body["links_sent"]] == ["verify-email"]
    outcomes = [a["outcome"] for a in body["sign_in_attempts"]]
    assert outcomes == ["success", "failure"]
    assert body["sign_in_attempts"][0]["ip"] == "192.0.2.1"
    assert [m["subject"] for m in body["emails"]] == ["Confirm your email address"]
    assert "text" not in body["emails"][0]  # a waiting email's body holds a live link


def test_the_export_needs_a_token(accounts: Accounts) -> None:
    response = accounts.client.get("/api/v1/me/export/volunteers")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"


def test_erasing_needs_the_password_again(accounts: Accounts) -> None:
    person = Person(accounts)
    missing = person.erase(password=None)
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == {
        "password": ["Enter your password to delete your account"]
    }
    wrong = person.erase("not the password")
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == {"password": ["Your password is not right"]}
    anonymous = accounts.client.delete("/api/v1/me", json={"password": PASSWORD})
    assert anonymous.status_code == 401
    assert person.call("GET", "/api/v1/me/account").get_json()["email"] == EMAIL
    assert _rows(accounts, "SELECT count(*) FROM applications WHERE message != ''") == [(2,)]


def test_wrong_passwords_count_towards_the_sign_in_lockout(accounts: Accounts) -> None:
    person = Person(accounts)
    statuses = [person.erase("not the password").status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    assert person.erase().status_code == 429  # locked: even the right password waits
    assert accounts.sign_in(EMAIL).status_code == 429


def test_erasure_deletes_the_person_and_keeps_anonymous_applications(
    accounts: Accounts,
) -> None:
    person = Person(accounts)
    person.answer_first()
    before = organisation_stats(accounts.runtime, person.org)
    assert before is not None and (before.count, before.responded) == (2, 1)

    erased = person.erase()

    assert erased.status_code == 202, erased.get_json()
    assert "deleted" in erased.get_json()["detail"]
    assert "vmp_session=;" in erased.headers["Set-Cookie"]  # the session cookie is cleared
    after = organisation_stats(accounts.runtime, person.org)
    assert after is not None and (after.count, after.responded) == (2, 1)
    rows = _rows(accounts, "SELECT volunteer_id, message, answers, status, reason, "
                           "share_adjustments FROM applications ORDER BY submitted_at")  # fmt: skip
    assert {row.status for row in rows} == {"withdrawn"}  # nobody is left to answer
    pseudonyms = {row.volunteer_id for row in rows}
    assert person.id not in pseudonyms and len(pseudonyms) == 2  # one each: no linking
    assert all(uuid.UUID(p).version == 4 for p in pseudonyms)
    assert {(r.message, r.answers, r.reason, r.share_adjustments) for r in rows} == {
        ("", "{}", None, 0)
    }
    for table in ("accounts", "account_sessions", "account_tokens", "profiles",
                  "saved_searches", "alert_items", "outbox_mail"):  # fmt: skip
        assert _rows(accounts, f"SELECT count(*) FROM {table}") == [(0,)], table
    # Only the registration's attempt is left: by IP, with no address (linked to no one).
    assert _rows(accounts, "SELECT kind, email_key FROM auth_attempts") == [("register", None)]
    text = accounts.database_text().casefold()
    for needle in (EMAIL, NAME, "zephyrine", BORN, "07700 900123", "Mondays"):
        assert needle.casefold() not in text, needle
    assert accounts.sign_in(EMAIL).status_code == 401
    assert person.call("GET", "/api/v1/me/account").status_code == 404


def test_erasure_announces_itself_with_ids_only(accounts: Accounts) -> None:
    person = Person(accounts)
    accounts.clock.advance(minutes=5)
    person.erase()
    [erased] = [e for e in accounts.events() if e["event_type"] == "AccountErased"]
    assert erased["event_version"] == 2 and erased["key"] == person.id
    assert erased["data"] == {"account_id": person.id, "erased_at": "2026-12-01T09:05:00Z"}
    with accounts.runtime.engine.connect() as conn:
        payloads = conn.execute(sa.text("SELECT topic, payload FROM outbox ORDER BY id")).all()
    withdrawn = [
        json.loads(p.payload)["data"]
        for p in payloads
        if json.loads(p.payload)["event_type"] == "ApplicationWithdrawn"
    ]
    assert {w["application_id"] for w in withdrawn} == set(person.applications)
    assert person.id not in {w["volunteer_id"] for w in withdrawn}
    everything = " ".join(p.payload for p in payloads).casefold()
    assert "zephyrine" not in everything and BORN not in everything


def test_mail_about_the_person_goes_but_not_other_peoples(accounts: Accounts) -> None:
    person = Person(accounts)
    accounts.relay_mail()  # the verification email: sent, body blanked, copy in the mailbox
    now, runtime = accounts.clock.now, accounts.runtime
    link = f"https://volunteer.example.org/api/v1/applications/{person.applications[0]}"
    waiting = {
        "reminder": Message("owner@example.org", "Reply to an application", f"Open {link}"),
        "other": Message("owner@example.org", "Reply to Zephyrine's application", "Open it"),
    }
    with runtime.session_factory() as session, session.begin():
        for message in waiting.values():
            enqueue(session, outbox_mail, message, now)
        sent = Message("owner@example.org", "Reply to Zephyrine's application", "")
        enqueue(session, outbox_mail, sent, now)
        session.execute(sa.update(outbox_mail).where(outbox_mail.c.subject == sent.subject)
                        .where(outbox_mail.c.text == "").values(sent_at=now))  # fmt: skip
    mailbox = DevMailbox(accounts.folder / "devmail.sqlite")
    mailbox.send(Message("owner@example.org", "Reply to Zephyrine's application", link))
    mailbox.send(Message("owner@example.org", "Welcome", "Nothing about anyone"))

    assert person.erase().status_code == 202

    # Another volunteer called Zephyrine may be waiting for a reminder: it still goes.
    kept = _rows(accounts, "SELECT subject, sent_at FROM outbox_mail")
    assert kept == [("Reply to Zephyrine's application", None)]
    assert [m["subject"] for m in mailbox.messages()] == ["Welcome"]


def test_the_dev_mailbox_forgets_by_address_and_mention(tmp_path: Path) -> None:
    mailbox = DevMailbox(tmp_path / "devmail.sqlite")
    assert forget_copies(mailbox, ["a@example.org"]) == 0  # no file yet: nothing to do
    mailbox.send(Message("A@Example.org", "Hello", "x"))
    mailbox.send(Message("b@example.org", "About ZEPHYRINE", "x"))
    mailbox.send(Message("c@example.org", "Other", "y", "<p>app-123</p>"))
    mailbox.send(Message("d@example.org", "Keep", "z"))
    tee = TeeMailer(DevMailbox(tmp_path / "elsewhere.sqlite"), mailbox)
    assert forget_copies(tee, ["a@example.org"], ["zephyrine", "app-123"]) == 3
    assert [m["to"] for m in mailbox.messages()] == ["d@example.org"]
    raw = (tmp_path / "devmail.sqlite").read_bytes()
    assert b"ZEPHYRINE" not in raw and b"A@Example.org" not in raw  # overwritten, not freed


def test_names_in_mail() -> None:
    assert names_in_mail("  Zephyrine   Quillfeather ") == ["Zephyrine Quillfeather", "Zephyrine"]
    assert names_in_mail("J Smith") == ["J Smith"]  # one letter would match everything
    assert names_in_mail("") == []
