"""Lockout after repeated failures, per-IP limits, and password resets (which end a lockout).

Counted in the database with the service's clock, which the tests move: no sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.volunteers.test_accounts_support import PASSWORD, Accounts, build_accounts

NEW_PASSWORD = "a different long passphrase"


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Accounts]:
    service = build_accounts(tmp_path)
    service.register()
    yield service
    service.runtime.close()


def fail(accounts: Accounts, times: int, email: str = "jane@example.org", **kw: str) -> list[int]:
    return [accounts.sign_in(email, "not the password", **kw).status_code for _ in range(times)]


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    accounts: Accounts,
) -> None:
    wrong_password = accounts.sign_in(password="not the password")
    unknown_email = accounts.sign_in("nobody@example.org")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.get_json() == unknown_email.get_json()
    assert wrong_password.get_json()["detail"] == "The email address or password is not right."
    assert "Set-Cookie" not in wrong_password.headers


def test_five_failures_lock_the_account_for_15_minutes(accounts: Accounts) -> None:
    assert fail(accounts, 5) == [401, 401, 401, 401, 429]
    locked = accounts.sign_in()  # the right password does not help while locked
    assert locked.status_code == 429
    assert locked.headers["Content-Type"] == "application/problem+json"
    assert locked.headers["Retry-After"] == "900"
    assert "locked for 15 minutes" in locked.get_json()["detail"]
    accounts.clock.advance(minutes=10)
    still = accounts.sign_in()
    assert still.status_code == 429 and still.headers["Retry-After"] == "300"
    accounts.clock.advance(minutes=5)
    assert accounts.sign_in().status_code == 200


def test_failures_spread_over_more_than_15_minutes_do_not_lock(accounts: Accounts) -> None:
    assert fail(accounts, 4) == [401] * 4
    accounts.clock.advance(minutes=15)
    assert fail(accounts, 4) == [401] * 4
    assert accounts.sign_in().status_code == 200


def test_a_success_starts_the_count_again(accounts: Accounts) -> None:
    fail(accounts, 4)
    assert accounts.sign_in().status_code == 200
    assert fail(accounts, 4) == [401] * 4
    assert accounts.sign_in().status_code == 200


def test_after_a_lockout_the_count_starts_again(accounts: Accounts) -> None:
    fail(accounts, 5)
    accounts.clock.advance(minutes=15)
    assert fail(accounts, 1) == [401]  # not locked again by the old failures
    assert accounts.sign_in().status_code == 200


def test_unknown_addresses_lock_the_same_way(accounts: Accounts) -> None:
    """Otherwise a lockout would tell an attacker which addresses have accounts."""
    assert fail(accounts, 5, "nobody@example.org") == [401, 401, 401, 401, 429]
    assert accounts.sign_in().status_code == 200  # other addresses are unaffected


def test_one_ip_may_try_20_sign_ins_a_minute(accounts: Accounts) -> None:
    emails = [f"person{i}@example.org" for i in range(21)]
    statuses = [accounts.sign_in(e, "x" * 10, ip="198.51.100.7").status_code for e in emails]
    assert statuses == [401] * 20 + [429]
    limited = accounts.sign_in(ip="198.51.100.7")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
    assert "too many attempts from your network" in limited.get_json()["detail"]
    assert accounts.sign_in(ip="203.0.113.9").status_code == 200  # another address is fine
    accounts.clock.advance(seconds=30)
    assert accounts.sign_in(ip="198.51.100.7").headers["Retry-After"] == "30"
    accounts.clock.advance(seconds=30)
    assert accounts.sign_in(ip="198.51.100.7").status_code == 200


def test_at_scale_the_address_the_proxy_saw_counts(tmp_path: Path) -> None:
    service = build_accounts(tmp_path, mode="scaled")
    service.register()
    spoofed = {"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}
    for _ in range(20):
        service.sign_in(password="x" * 10, headers=spoofed)
    other_claim = {"X-Forwarded-For": "10.1.1.1, 198.51.100.7"}
    assert service.sign_in(headers=other_claim).status_code == 429
    service.runtime.close()


def reset_token(accounts: Accounts, email: str = "jane@example.org") -> str:
    response = accounts.post("password-reset", {"email": email})
    assert response.status_code == 202
    return accounts.token_in(email, "Reset your password")


def test_password_reset_by_link(accounts: Accounts) -> None:
    accounts.client.post(
        "/api/v1/auth/token", json={"email": "jane@example.org", "password": PASSWORD}
    )
    token = reset_token(accounts)
    mail = accounts.mailbox()[0]
    assert "1 hour" in mail["text"] and "/account/reset-password/new?token=" in mail["text"]
    confirm = accounts.post("password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
    assert confirm.status_code == 204
    assert accounts.sign_in().status_code == 401
    assert accounts.sign_in(password=NEW_PASSWORD).status_code == 200
    assert accounts.mailbox()[0]["subject"] == "Your password has been changed"
    assert accounts.client.post("/api/v1/auth/refresh").status_code == 401  # signed out


def test_a_reset_link_works_once(accounts: Accounts) -> None:
    token = reset_token(accounts)
    body = {"token": token, "password": NEW_PASSWORD}
    assert accounts.post("password-reset/confirm", body).status_code == 204
    again = accounts.post("password-reset/confirm", {**body, "password": "yet another passphrase"})
    assert again.status_code == 422
    assert again.get_json()["errors"]["token"][0].startswith("This link has already been used")
    assert accounts.sign_in(password=NEW_PASSWORD).status_code == 200


def test_a_reset_link_expires_after_an_hour(accounts: Accounts) -> None:
    token = reset_token(accounts)
    accounts.clock.advance(minutes=59)
    assert (
        accounts.client.get(f"/api/v1/auth/password-reset/confirm?token={token}").status_code == 200
    )
    accounts.clock.advance(minutes=1)
    body = {"token": token, "password": NEW_PASSWORD}
    expired = accounts.post("password-reset/confirm", body)
    assert expired.status_code == 422
    assert expired.get_json()["errors"] == {"token": ["This link has expired. Ask for a new one."]}
    assert accounts.sign_in().status_code == 200


def test_a_reset_password_must_follow_the_rules_and_the_link_survives(accounts: Accounts) -> None:
    token = reset_token(accounts)
    weak = accounts.post("password-reset/confirm", {"token": token, "password": "password"})
    assert weak.status_code == 422
    assert weak.get_json()["errors"]["password"] == [
        "Your password must be at least 10 characters long"
    ]
    good = accounts.post("password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
    assert good.status_code == 204


def test_reset_never_says_whether_an_address_has_an_account(accounts: Accounts) -> None:
    known = accounts.post("password-reset", {"email": "jane@example.org"})
    unknown = accounts.post("password-reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert {m["to"] for m in accounts.mailbox()} == {"jane@example.org"}


def test_reset_emails_are_capped_per_address_without_saying_so(accounts: Accounts) -> None:
    before = len(accounts.mailbox())
    statuses = [
        accounts.post("password-reset", {"email": "jane@example.org"}).status_code for _ in range(5)
    ]
    assert statuses == [202] * 5
    assert len(accounts.mailbox()) == before + 3
    accounts.clock.advance(hours=1)
    reset_token(accounts)  # a new hour, a new link


def test_a_reset_ends_a_lockout(accounts: Accounts) -> None:
    fail(accounts, 5)
    token = reset_token(accounts)
    body = {"token": token, "password": NEW_PASSWORD}
    assert accounts.post("password-reset/confirm", body).status_code == 204
    assert accounts.sign_in(password=NEW_PASSWORD).status_code == 200


def test_the_reset_link_opens_a_form_that_works_without_javascript(accounts: Accounts) -> None:
    token = reset_token(accounts)
    page = accounts.client.get(f"/api/v1/auth/password-reset/confirm?token={token}")
    assert page.status_code == 200 and '<html lang="en-GB">' in page.text
    assert '<label for="password">' in page.text and f'value="{token}"' in page.text
    form = {"token": token, "password": "short"}
    retry = accounts.client.post("/api/v1/auth/password-reset/confirm", data=form)
    assert retry.status_code == 422 and 'role="alert"' in retry.text
    form["password"] = NEW_PASSWORD
    done = accounts.client.post("/api/v1/auth/password-reset/confirm", data=form)
    assert done.status_code == 200 and "Your password has been changed" in done.text
    bad = accounts.client.get("/api/v1/auth/password-reset/confirm?token=nope")
    assert bad.status_code == 422 and "This link is not valid" in bad.text
