"""Accounts over HTTP: register, verify by link, sign in, sessions, change email."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.auth import verify_token
from tests.unit.volunteers.test_accounts_support import PASSWORD, Accounts, build_accounts


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Accounts]:
    service = build_accounts(tmp_path)
    yield service
    service.runtime.close()


def test_register_answers_the_account_and_emails_a_verification_link(accounts: Accounts) -> None:
    response = accounts.register(" Jane.Doe@EXAMPLE.org ")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "email", "name", "account_type", "email_verified"}
    assert body["email"] == "Jane.Doe@example.org"  # trimmed, domain in lower case
    assert body["account_type"] == "volunteer" and body["email_verified"] is False
    assert response.headers["Location"] == "/api/v1/me/account"
    [mail] = accounts.mailbox()
    assert mail["to"] == "Jane.Doe@example.org"
    assert mail["subject"] == "Confirm your email address"
    assert "https://volunteer.example.org/account/verify?token=" in mail["text"]
    assert 'href="https://volunteer.example.org/account/verify?token=' in mail["html"]
    assert "48 hours" in mail["text"]
    assert mail["headers"]["Message-ID"].endswith("@volunteer-platform.example>")  # sender's


def test_the_whole_way_in_register_verify_by_link_sign_in_and_call(accounts: Accounts) -> None:
    account = accounts.register().get_json()
    unverified = accounts.sign_in()
    assert unverified.status_code == 200
    secret = accounts.app.config["VMP_AUTH_SECRET"]
    assert verify_token(secret, unverified.get_json()["access_token"]).email_verified is False

    # The email links to the web page (gateway/web); the API's own GET answers it the same way.
    token = accounts.token_in("jane@example.org")
    page = accounts.client.get(
        f"/api/v1/auth/verify?token={token}", headers={"Accept": "text/html"}
    )
    assert page.status_code == 200 and "Your email address is confirmed" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"

    signed_in = accounts.sign_in()
    body = signed_in.get_json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    assert signed_in.headers["Cache-Control"] == "no-store"
    principal = verify_token(secret, body["access_token"])
    assert principal.account_id == account["id"]
    assert principal.email_verified and principal.account_type == "volunteer"
    assert principal.roles == frozenset()
    me = accounts.client.get(
        "/api/v1/me/account", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.get_json() == {**account, "email_verified": True}


def test_verification_by_post_and_a_second_click_changes_nothing(accounts: Accounts) -> None:
    accounts.register()
    token = accounts.token_in("jane@example.org")
    first = accounts.post("verify", {"token": token})
    assert first.status_code == 200 and first.get_json()["email_verified"] is True
    again = accounts.post("verify", {"token": token})
    assert again.status_code == 200
    assert [e["event_type"] for e in accounts.events()] == [
        "AccountRegistered",
        "AccountEmailVerified",
    ]


def test_verification_links_expire_after_48_hours(accounts: Accounts) -> None:
    accounts.register()
    token = accounts.token_in("jane@example.org")
    accounts.clock.advance(hours=48)
    response = accounts.post("verify", {"token": token})
    assert response.status_code == 422
    assert response.get_json()["errors"]["token"] == ["This link has expired. Ask for a new one."]
    page = accounts.client.get(
        f"/api/v1/auth/verify?token={token}", headers={"Accept": "text/html"}
    )
    assert page.status_code == 422 and "This link has expired" in page.text


def test_an_unknown_verification_token_is_refused_naming_the_field(accounts: Accounts) -> None:
    response = accounts.post("verify", {"token": "made-up"})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "This link is not valid" in response.get_json()["errors"]["token"][0]


def test_a_new_verification_email_can_be_asked_for_a_few_times(accounts: Accounts) -> None:
    accounts.register()
    old = accounts.token_in("jane@example.org")
    auth = accounts.bearer()
    statuses = [accounts.post("verify/resend", {}, headers=auth).status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]
    new = accounts.token_in("jane@example.org")
    assert new != old
    assert accounts.post("verify", {"token": new}).status_code == 200
    # The older link was spent with it; following it only says the address is confirmed.
    assert accounts.post("verify", {"token": old}).status_code == 200
    assert [e["event_type"] for e in accounts.events()].count("AccountEmailVerified") == 1
    assert accounts.post("verify/resend", {}, headers=auth).status_code == 409


def test_registration_problems_are_plain_english_and_name_every_field(accounts: Accounts) -> None:
    response = accounts.post(
        "register", {"email": "jane@", "password": "short", "name": " ", "account_type": "x"}
    )
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["errors"] == {
        "email": ["Enter an email address in the correct format, like name@example.com"],
        "password": ["Your password must be at least 10 characters long"],
        "name": ["Enter your name"],
        "account_type": ["Choose whether this is a volunteer or an organisation account"],
    }
    empty = accounts.post("register", {}).get_json()["errors"]
    assert empty["email"] == ["Enter an email address"]
    assert empty["password"] == ["Enter a password"]
    assert accounts.post("register", {"email": 5}).get_json()["errors"]["email"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Password123!", "This password is too common and easy to guess."),
        ("qwertyuiop", "This password is too common and easy to guess."),
        ("my jane.doe password", "Your password must not contain your email address"),
    ],
)
def test_weak_passwords_are_refused(accounts: Accounts, password: str, message: str) -> None:
    response = accounts.register("jane.doe@example.org", password=password)
    assert response.status_code == 422
    assert response.get_json()["errors"]["password"][0].startswith(message)


def test_an_address_has_one_account_whatever_its_case(accounts: Accounts) -> None:
    assert accounts.register("jane@example.org").status_code == 201
    again = accounts.register("JANE@Example.org", account_type="organisation")
    assert again.status_code == 409
    assert "already exists" in again.get_json()["errors"]["email"][0]
    assert accounts.sign_in("JANE@EXAMPLE.ORG").status_code == 200


def test_an_organisation_account_says_so_in_its_token(accounts: Accounts) -> None:
    accounts.register("org@example.org", account_type="organisation")
    body = accounts.sign_in("org@example.org").get_json()
    principal = verify_token(accounts.app.config["VMP_AUTH_SECRET"], body["access_token"])
    assert principal.account_type == "organisation"


def test_admins_get_the_admin_role(accounts: Accounts) -> None:
    from services.volunteers.service_layer.accounts import grant_admin

    accounts.register()
    grant_admin(accounts.runtime, "jane@example.org")
    token = accounts.sign_in().get_json()["access_token"]
    assert verify_token(accounts.app.config["VMP_AUTH_SECRET"], token).is_admin


def test_sign_in_sets_a_session_cookie_that_refreshes_until_logout(accounts: Accounts) -> None:
    accounts.register()
    client = accounts.client
    response = client.post(
        "/api/v1/auth/token", json={"email": "jane@example.org", "password": PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("vmp_session=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Secure" not in cookie  # development: plain http
    refreshed = client.post("/api/v1/auth/refresh")
    assert refreshed.status_code == 200 and refreshed.get_json()["access_token"]
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.post("/api/v1/auth/refresh").status_code == 401
    assert accounts.database_text().count("vmp_session") == 0


def test_sessions_end_after_30_days(accounts: Accounts) -> None:
    accounts.register()
    client = accounts.client
    client.post("/api/v1/auth/token", json={"email": "jane@example.org", "password": PASSWORD})
    accounts.clock.advance(days=30)
    assert client.post("/api/v1/auth/refresh").status_code == 401


def test_the_session_cookie_is_secure_in_production(tmp_path: Path) -> None:
    service = build_accounts(tmp_path, environment="production", auth_secret="s" * 40)
    service.register()
    cookie = service.sign_in().headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    service.runtime.close()


def test_logout_with_only_an_access_token_ends_every_session(accounts: Accounts) -> None:
    accounts.register()
    phone, laptop = accounts.client, accounts.client
    for client in (phone, laptop):
        client.post("/api/v1/auth/token", json={"email": "jane@example.org", "password": PASSWORD})
    headers = accounts.bearer()
    api = accounts.app.test_client(use_cookies=False)
    assert api.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert phone.post("/api/v1/auth/refresh").status_code == 401
    assert laptop.post("/api/v1/auth/refresh").status_code == 401


def test_me_needs_a_signed_in_caller(accounts: Accounts) -> None:
    response = accounts.client.get("/api/v1/me/account")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_change_email_switches_when_the_new_address_is_confirmed(accounts: Accounts) -> None:
    account = accounts.register().get_json()
    accounts.client.get(accounts.link("jane@example.org"))
    auth = accounts.bearer()
    body = {"password": PASSWORD, "new_email": "Jane@New.Example.org"}
    response = accounts.post("change-email", body, headers=auth)
    assert response.status_code == 202
    assert response.get_json()["pending_email"] == "Jane@new.example.org"
    me = accounts.client.get("/api/v1/me/account", headers=auth).get_json()
    assert me["email"] == "jane@example.org"  # nothing changes until confirmed
    subjects = {m["to"]: m["subject"] for m in reversed(accounts.mailbox())}  # newest wins
    assert subjects["jane@example.org"] == "Your email address is being changed"
    assert subjects["Jane@new.example.org"] == "Confirm your new email address"

    confirmed = accounts.post("verify", {"token": accounts.token_in("Jane@new.example.org")})
    assert confirmed.status_code == 200
    assert confirmed.get_json() == {
        **account,
        "email": "Jane@new.example.org",
        "email_verified": True,
    }
    assert accounts.sign_in("jane@example.org").status_code == 401
    assert accounts.sign_in("jane@new.example.org").status_code == 200
    assert [e["event_type"] for e in accounts.events()][-1] == "AccountEmailVerified"


def test_change_email_needs_the_password_and_a_free_address(accounts: Accounts) -> None:
    accounts.register()
    accounts.register("taken@example.org")
    auth = accounts.bearer()
    wrong = accounts.post(
        "change-email", {"password": "nope", "new_email": "x@example.org"}, headers=auth
    )
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == {"password": ["Your password is not right"]}
    taken = accounts.post(
        "change-email", {"password": PASSWORD, "new_email": "TAKEN@example.org"}, headers=auth
    )
    assert taken.status_code == 409 and "new_email" in taken.get_json()["errors"]
    same = accounts.post(
        "change-email", {"password": PASSWORD, "new_email": "jane@example.org"}, headers=auth
    )
    assert same.status_code == 422
    bad = accounts.post("change-email", {"password": PASSWORD, "new_email": "nope"}, headers=auth)
    assert bad.get_json()["errors"]["new_email"][0].startswith("Enter an email address")
    assert (
        accounts.post("change-email", {"password": PASSWORD, "new_email": "a@b.org"}).status_code
        == 401
    )


def test_an_address_taken_before_the_change_is_confirmed_is_not_stolen(accounts: Accounts) -> None:
    accounts.register()
    body = {"password": PASSWORD, "new_email": "new@example.org"}
    assert accounts.post("change-email", body, headers=accounts.bearer()).status_code == 202
    token = accounts.token_in("new@example.org")
    accounts.register("new@example.org")
    assert accounts.post("verify", {"token": token}).status_code == 409


def test_the_api_is_documented(accounts: Accounts) -> None:
    paths = accounts.client.get("/openapi.json").get_json()["paths"]
    for path in ("register", "verify", "token", "logout", "password-reset", "change-email"):
        assert f"/api/v1/auth/{path}" in paths
    assert "/api/v1/me/account" in paths
    assert "AccountOut" in str(paths["/api/v1/auth/register"]["post"]["responses"]["201"])
