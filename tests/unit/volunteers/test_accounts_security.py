"""What the database and the event log hold: argon2id hashes, token digests, no personal data
in events, no links left in sent mail."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from services.volunteers.domain.passwords import Passwords
from tests.unit.volunteers.test_accounts_support import (
    FAST,
    PASSWORD,
    Accounts,
    build_accounts,
)


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Accounts]:
    service = build_accounts(tmp_path)
    yield service
    service.runtime.close()


def stored_hash(accounts: Accounts) -> str:
    with accounts.runtime.engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT password_hash FROM accounts")).scalar_one())


def test_the_database_holds_an_argon2id_hash_and_never_the_password(accounts: Accounts) -> None:
    accounts.register()
    accounts.sign_in()
    accounts.sign_in(password="a wrong guess at it")
    accounts.relay_mail()
    assert stored_hash(accounts).startswith("$argon2id$")
    everything = accounts.database_text()
    assert PASSWORD not in everything
    assert "a wrong guess at it" not in everything


def test_the_service_hashes_with_argon2ids_default_parameters(tmp_path: Path) -> None:
    service = build_accounts(tmp_path, hasher=PasswordHasher())
    service.register()
    assert stored_hash(service).startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    service.runtime.close()


def test_a_hash_made_with_old_parameters_is_upgraded_at_sign_in(accounts: Accounts) -> None:
    accounts.register()
    old = stored_hash(accounts)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    accounts.runtime.extensions["passwords"] = Passwords(stronger)
    assert accounts.sign_in().status_code == 200
    new = stored_hash(accounts)
    assert new != old and not stronger.check_needs_rehash(new)
    assert accounts.sign_in().status_code == 200
    assert stored_hash(accounts) == new  # upgraded once
    assert FAST.check_needs_rehash(new)


def test_links_are_stored_as_sha256_digests_and_sent_mail_is_blanked(accounts: Accounts) -> None:
    accounts.register()
    token = accounts.token_in("jane@example.org")
    accounts.post("password-reset", {"email": "jane@example.org"})
    reset = accounts.token_in("jane@example.org", "Reset your password")
    with accounts.runtime.engine.connect() as conn:
        digests = set(conn.execute(sa.text("SELECT digest FROM account_tokens")).scalars())
        bodies = conn.execute(sa.text("SELECT text, html, sent_at FROM outbox_mail")).all()
    assert digests == {hashlib.sha256(t.encode()).hexdigest() for t in (token, reset)}
    everything = accounts.database_text()
    assert token not in everything and reset not in everything
    assert all(row.text == "" and row.html is None and row.sent_at for row in bodies)


def test_session_cookies_are_stored_as_digests(accounts: Accounts) -> None:
    accounts.register()
    cookie = accounts.sign_in().headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    with accounts.runtime.engine.connect() as conn:
        [digest] = conn.execute(sa.text("SELECT digest FROM account_sessions")).scalars()
    assert digest == hashlib.sha256(cookie.encode()).hexdigest()
    assert cookie not in accounts.database_text()


def test_events_validate_and_carry_no_personal_data(accounts: Accounts) -> None:
    account = accounts.register("jane.doe@example.org", name="Jane Doe").get_json()
    accounts.post("verify", {"token": accounts.token_in("jane.doe@example.org")})
    events = accounts.events()  # each validated against the registry again
    assert [e["event_type"] for e in events] == ["AccountRegistered", "AccountEmailVerified"]
    registered, verified = events
    assert registered["key"] == verified["key"] == account["id"]
    assert registered["producer"] == "volunteers" and registered["event_version"] == 2
    assert registered["data"] == {
        "account_id": account["id"],
        "account_type": "volunteer",
        "registered_at": "2026-12-01T09:00:00Z",
    }
    assert verified["data"] == {"account_id": account["id"], "verified_at": "2026-12-01T09:00:00Z"}
    text = str(events).lower()
    assert "jane" not in text and "example.org" not in text and "doe" not in text


def test_a_refused_registration_leaves_no_trace(accounts: Accounts) -> None:
    accounts.register()
    assert accounts.register("JANE@example.org").status_code == 409
    assert [e["event_type"] for e in accounts.events()] == ["AccountRegistered"]
    with accounts.runtime.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM outbox_mail")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM accounts")).scalar() == 1


def test_old_attempts_links_and_sessions_are_pruned(accounts: Accounts) -> None:
    from services.volunteers.service_layer.accounts import prune

    accounts.register()
    accounts.sign_in()
    accounts.relay_mail()
    accounts.clock.advance(days=31)
    counts = prune(accounts.runtime)
    assert counts == {"attempts": 2, "tokens": 1, "sessions": 1, "mail": 1}
