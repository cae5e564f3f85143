"""A person's own account pages through the gateway's test client, in the authorisation
world (tests/unit/authorisation_world.py): volunteer ``va`` has a profile and a saved search,
``vb`` is the other tenant's volunteer."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from services.common.mail import DevMailbox, dev_mailbox_path
from tests.unit.authorisation_world import PASSWORD, World

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
SIGNED_IN_PAGES = ("/account", "/account/profile", "/account/saved-searches",
                   "/account/saved-searches/new?q=garden", "/account/data",
                   "/account/delete")  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = World(tmp_path_factory.mktemp("profile"))
    yield built
    built.close()


def _csrf(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found is not None, path
    return found.group(1)


def _post(client: FlaskClient, path: str, data: dict[str, object], form_page: str = "") -> str:
    token = _csrf(client, form_page or path)
    response = client.post(path, data={"csrf_token": token, **data}, headers=SAME_ORIGIN)
    return f"{response.status_code} {response.headers.get('Location', '')}" + (
        "" if response.status_code == 303 else "\n" + response.get_data(as_text=True)
    )


def _fresh_volunteer(world: World) -> tuple[FlaskClient, str]:
    """A client for a new account (with va's claims: a verified volunteer)."""
    email = world.fresh_email()
    return world.client("va", world.register(email)), email


def _sign_in(world: World, credentials: dict[str, str]) -> int:
    return world.call("anonymous", "POST", "/api/v1/auth/token", json=credentials).status_code


def _error_links_exist(text: str) -> list[str]:
    links = re.findall(r"govuk-error-summary__list.*?</ul>", text, re.S)
    assert links, "no error summary"
    targets = re.findall(r'href="#([^"]+)"', links[0])
    assert targets
    for target in targets:
        assert f'id="{target}"' in text, target
    return targets


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_account_pages_need_an_account(world: World, path: str) -> None:
    response = world.client("anonymous").get(path)
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in?next=")


def test_the_overview_links_to_every_part_of_the_account(world: World) -> None:
    text = world.client("va").get("/account").get_data(as_text=True)
    for href in ("/account/applications", "/account/profile", "/account/saved-searches",
                 "/account/availability", "/account/credentials", "/account/hours",
                 "/account/time-credits", "/account/data", "/account/reset-password"):  # fmt: skip
        assert f'href="{href}"' in text, href
    assert "va@example.org" in text


def test_the_profile_shows_what_was_saved(world: World) -> None:
    text = world.client("va").get("/account/profile").get_data(as_text=True)
    assert 'value="SE1 7AE"' in text and 'value="6"' in text  # 10 km is about 6 miles
    assert world.tenant["X"]["needs"] in text


def test_the_profile_form_saves_through_the_api(world: World) -> None:
    client, _ = _fresh_volunteer(world)
    data = {"postcode": "ls1 4ap", "travel_miles": "5", "causes": ["OlderPeople"],
            "commitments": ["regular"], "date_of_birth-day": "27", "date_of_birth-month": "3",
            "date_of_birth-year": "1990", "consents": ["research"],
            "phone": "07700 900123"}  # fmt: skip
    assert _post(client, "/account/profile", data) == "303 /account/profile?saved=1"
    saved = client.get("/api/v1/me/profile").get_json()
    assert saved["postcode"] == "LS1 4AP" and round(saved["travel_km"], 1) == 8.0
    assert saved["causes"] == ["OlderPeople"] and saved["date_of_birth"] == "1990-03-27"
    assert saved["consents"]["research"]["given"] is True
    assert saved["consents"]["email_alerts"]["given"] is False
    shown = client.get("/account/profile?saved=1").get_data(as_text=True)
    assert "Your profile has been saved" in shown and 'value="27"' in shown


def test_profile_problems_are_listed_and_linked_to_their_fields(world: World) -> None:
    client, _ = _fresh_volunteer(world)
    bad = {"travel_miles": "far", "date_of_birth-day": "31", "date_of_birth-month": "2",
           "date_of_birth-year": "1990"}  # fmt: skip
    answer = _post(client, "/account/profile", bad)
    assert answer.startswith("200")
    assert set(_error_links_exist(answer)) == {"travel_miles", "date_of_birth-day"}
    unknown = _post(client, "/account/profile", {"postcode": "ZZ9 9ZZ"})
    assert _error_links_exist(unknown) == ["postcode"]
    assert 'value="ZZ9 9ZZ"' in unknown  # what was typed stays in the box


def test_a_search_is_saved_from_the_search_pages_query(world: World) -> None:
    client, _ = _fresh_volunteer(world)
    path = "/account/saved-searches/new?postcode=LS1+4DY&miles=10&causes=OlderPeople&q=tea"
    form = client.get(path).get_data(as_text=True)
    assert 'value="Tea near LS1 4DY"' in form and "Within 10 miles of LS1 4DY" in form
    assert _post(client, path, {"name": "Tea in Leeds", "frequency": "weekly"}) == (
        "303 /account/saved-searches?done=saved"
    )
    (saved,) = client.get("/api/v1/saved-searches").get_json()["items"]
    assert saved["params"]["causes"] == "OlderPeople" and saved["frequency"] == "weekly"
    listing = client.get("/account/saved-searches?done=saved").get_data(as_text=True)
    assert "Your search has been saved" in listing and "Tea in Leeds" in listing
    assert "Causes: Older People" in listing and "Weekly" in listing
    assert "/search?postcode=LS1+4DY&amp;q=tea&amp;miles=10&amp;causes=OlderPeople" in listing


def test_saving_a_search_without_a_name_says_so(world: World) -> None:
    client, _ = _fresh_volunteer(world)
    answer = _post(client, "/account/saved-searches/new?q=tea", {"name": "", "frequency": "daily"})
    assert answer.startswith("200") and _error_links_exist(answer) == ["name"]


def test_alerts_are_changed_and_searches_deleted(world: World) -> None:
    client = world.client("va")
    search = world.fresh_search("X", name="Gardening near me")["search"]
    changed = _post(client, f"/account/saved-searches/{search}/frequency",
                    {"frequency": "off"}, "/account/saved-searches")  # fmt: skip
    assert changed == "303 /account/saved-searches?done=changed"
    assert world.ok("va", "GET", f"/api/v1/saved-searches/{search}")["frequency"] == "off"
    confirm = client.get(f"/account/saved-searches/{search}/delete").get_data(as_text=True)
    assert "Gardening near me" in confirm
    deleted = _post(client, f"/account/saved-searches/{search}/delete", {})
    assert deleted == "303 /account/saved-searches?done=deleted"
    assert world.call("va", "GET", f"/api/v1/saved-searches/{search}").status_code == 404


def test_nobody_else_sees_or_deletes_a_saved_search(world: World) -> None:
    search = world.tenant["X"]["search"]
    other = world.client("vb")
    assert other.get(f"/account/saved-searches/{search}/delete").status_code == 404
    assert _post(other, f"/account/saved-searches/{search}/delete", {},
                 "/account/saved-searches").startswith("404")  # fmt: skip
    assert world.tenant["X"]["search_name"] not in other.get("/account/saved-searches").text


def test_a_forgotten_password_is_reset_by_the_emailed_link(world: World) -> None:
    email = world.fresh_email()
    world.register(email)
    anonymous = world.client("anonymous")
    asked = _post(anonymous, "/account/reset-password", {"email": email})
    assert asked == "303 /account/reset-password/sent"
    token = world.link_token(email)
    page = anonymous.get(f"/account/reset-password/new?token={token}")
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert f'name="token" value="{token}"' in page.text
    weak = _post(anonymous, "/account/reset-password/new", {"token": token, "password": "short"},
                 f"/account/reset-password/new?token={token}")  # fmt: skip
    assert weak.startswith("200") and _error_links_exist(weak) == ["password"]
    done = _post(anonymous, "/account/reset-password/new",
                 {"token": token, "password": "a brand new passphrase"},
                 f"/account/reset-password/new?token={token}")  # fmt: skip
    assert done == "303 /account/reset-password/done"
    credentials = {"email": email, "password": "a brand new passphrase"}
    assert _sign_in(world, credentials) == 200


def test_the_emailed_reset_link_opens_the_web_page(world: World) -> None:
    email = world.fresh_email()
    world.register(email)
    world.call("anonymous", "POST", "/api/v1/auth/password-reset", json={"email": email})
    world.link_token(email)  # sends the mail
    mailbox = DevMailbox(dev_mailbox_path(world.config)).messages()
    mail = next(m for m in mailbox if m["to"] == email)
    assert "/account/reset-password/new?token=" in mail["text"]


def test_a_bad_reset_link_says_so_and_leaks_no_referrer(world: World) -> None:
    page = world.client("anonymous").get("/account/reset-password/new?token=nope")
    assert page.status_code == 400 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "This link did not work" in page.text and 'href="/account/reset-password"' in page.text


def test_asking_for_a_reset_link_needs_an_email_address(world: World) -> None:
    answer = _post(world.client("anonymous"), "/account/reset-password", {"email": ""})
    assert answer.startswith("200") and _error_links_exist(answer) == ["email"]


def test_the_data_page_links_to_the_export_and_deletion(world: World) -> None:
    text = world.client("va").get("/account/data").get_data(as_text=True)
    assert 'href="/api/v1/me/export"' in text and 'href="/account/delete"' in text


def test_deleting_an_account_needs_its_password(world: World) -> None:
    client, email = _fresh_volunteer(world)
    wrong = _post(client, "/account/delete", {"password": "not my password"})
    assert wrong.startswith("200") and _error_links_exist(wrong) == ["password"]
    session = world.session_secret(email)
    client.set_cookie("vmp_session", session)
    token = _csrf(client, "/account/delete")
    done = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD},
                       headers=SAME_ORIGIN)  # fmt: skip
    assert done.status_code == 303 and done.headers["Location"] == "/account/deleted"
    assert any(v.startswith("vmp_session=;") for v in done.headers.getlist("Set-Cookie"))
    assert "Your account has been deleted" in client.get("/account/deleted").text
    credentials = {"email": email, "password": PASSWORD}
    assert _sign_in(world, credentials) == 401


def test_a_form_posted_after_signing_out_returns_to_its_list(world: World) -> None:
    client = world.client("anonymous")
    path = f"/account/saved-searches/{world.tenant['X']['search']}/frequency"
    answer = _post(client, path, {"frequency": "off"}, "/account/reset-password")
    assert answer == "303 /sign-in?next=/account/saved-searches"
