"""Organisations' pages through the gateway's test client: registering, posting, previewing
and publishing a role, the inbox with its waiting times, and answering an application."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from gateway.embedded import DEFINITIONS
from gateway.web.pages.organisations_inbox import Waiting, waiting
from services.common.auth import issue_token
from services.common.envelope import utcnow
from services.common.service import runtime_of

ORG = {"name": "Riverside Food Bank", "type": "charity", "postcode": "SE1 7AE"}
ROLE_FORM = {
    "title": "Befriending volunteer", "summary": "Weekly chats with an older neighbour.",
    "description": "Visit an older person once a week.\n\nTea and a chat.",
    "commitment": "regular", "sessions": ["MondayMorning"], "postcodes": "SE1 7AE",
    "minimum_age": "16", "places": "3", "causes": ["OlderPeople"], "skills": ["Communication"],
    "closes_on-day": "31", "closes_on-month": "3", "closes_on-year": str(dt.date.today().year + 1),
}  # fmt: skip


@dataclass
class Site:
    app: Flask

    def client(self, account: str, kind: str = "organisation") -> FlaskClient:
        client = self.app.test_client()
        token = issue_token(self.app.config["VMP_AUTH_SECRET"], account,
                            email_verified=True, account_type=kind)  # fmt: skip
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    def pump(self) -> None:
        """Relay every outbox and run every consumer (the tests run no background threads)."""
        apps = self.app.extensions["platform"].apps
        runtimes = {name: runtime_of(app) for name, app in apps.items()}
        relays = [runtime.relay() for runtime in runtimes.values()]
        consumers = [
            runtimes[d.name].consumer(spec)
            for d in DEFINITIONS
            for spec in d.consumer_specs(runtimes[d.name])
        ]
        while sum(r.publish_pending() for r in relays) + sum(c.run_once(0) for c in consumers):
            pass

    def clock(self, service: str, moment: dt.datetime | None) -> None:
        extensions = runtime_of(self.app.extensions["platform"].apps[service]).extensions
        if moment is None:
            extensions.pop("clock", None)
        else:
            extensions["clock"] = lambda: moment


@pytest.fixture
def site(platform_app: Flask) -> Iterator[Site]:
    yield Site(platform_app)


def _post(client: FlaskClient, path: str, data: dict[str, Any]) -> TestResponse:
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None, page[:500]
    return client.post(path, data={**data, "csrf_token": token.group(1)})


def _registered(site: Site, owner: FlaskClient) -> str:
    response = _post(owner, "/manage/organisations/new", ORG)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    found = re.fullmatch(r"/manage/([^/?]+)\?registered=1", response.headers["Location"])
    assert found is not None
    site.pump()
    return found.group(1)


def _published_role(site: Site, owner: FlaskClient, org: str) -> str:
    response = _post(owner, f"/manage/{org}/roles/new", ROLE_FORM)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    role = response.headers["Location"].split("/")[4]
    page = owner.get(f"/manage/{org}/roles/{role}/preview").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    done = owner.post(f"/manage/{org}/roles/{role}/publish", data={"csrf_token": token.group(1)})
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    assert done.headers["Location"] == f"/manage/{org}?published={role}"
    site.pump()
    return role


def _apply(site: Site, role: str, volunteer: str = "volunteer-1") -> str:
    client = site.client(volunteer, "volunteer")
    body = {"opportunity_id": role, "message": "I can help on Mondays."}
    answer = client.post("/api/v1/applications", json=body)
    assert answer.status_code == 201, answer.get_json()
    site.pump()
    application: str = answer.get_json()["id"]
    return application


def test_manage_needs_an_account_and_lists_my_organisations(site: Site) -> None:
    anonymous = site.app.test_client().get("/manage")
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"] == "/sign-in?next=/manage"
    owner = site.client("owner-1")
    empty = owner.get("/manage").get_data(as_text=True)
    assert "You are not a member of any organisation yet" in empty
    org = _registered(site, owner)
    listed = owner.get("/manage").get_data(as_text=True)
    assert f'href="/manage/{org}"' in listed and "Riverside Food Bank" in listed


def test_registering_an_organisation_names_wrong_fields(site: Site) -> None:
    owner = site.client("owner-1")
    refused = _post(owner, "/manage/organisations/new", {"name": "", "postcode": "SE1"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "There is a problem" in body
    for field in ("name", "type"):
        assert f'href="#{field}"' in body and f'id="{field}"' in body
    assert "Enter the name of the organisation" in body
    assert "Select what kind of organisation it is" in body


def test_an_organisation_posts_previews_and_publishes_a_role(site: Site) -> None:
    owner = site.client("owner-1")
    org = _registered(site, owner)
    dashboard = owner.get(f"/manage/{org}?registered=1").get_data(as_text=True)
    assert "Riverside Food Bank is registered" in dashboard and "No roles yet" in dashboard
    response = _post(owner, f"/manage/{org}/roles/new", ROLE_FORM)
    preview_path = response.headers["Location"]
    role = preview_path.split("/")[4]
    preview = owner.get(preview_path).get_data(as_text=True)
    assert "Draft: not published yet" in preview and "Befriending volunteer" in preview
    assert "Monday morning" in preview and "Older People" in preview
    assert f'action="/manage/{org}/roles/{role}/publish"' in preview
    role = _published_role(site, owner, org)
    after = owner.get(f"/manage/{org}?published={role}").get_data(as_text=True)
    assert "Befriending volunteer is published" in after and "Published (1)" in after
    public = site.app.test_client().get(f"/api/v1/opportunities/{role}").get_json()
    assert public["status"] == "published" and public["places"] == 3
    assert public["closes_on"] == f"{dt.date.today().year + 1}-03-31"


def test_the_role_form_puts_the_apis_messages_on_its_fields(site: Site) -> None:
    owner = site.client("owner-1")
    org = _registered(site, owner)
    bad = {**ROLE_FORM, "title": "", "commitment": "", "postcodes": "SE1 7AE, ZZ9 9ZZ",
           "minimum_age": "sixteen", "closes_on-day": "31", "closes_on-month": "2"}  # fmt: skip
    refused = _post(owner, f"/manage/{org}/roles/new", bad)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "There is a problem" in body
    assert "Enter a title for the role" in body
    assert "Select how much time the role needs" in body
    assert "Enter the minimum age as a whole number" in body
    assert "The closing date must be a real date" in body
    targets = ("title", "commitment", "minimum_age", "closes_on-day")
    for target in targets:
        assert f'href="#{target}"' in body and f'id="{target}"' in body
    links = [body.index(f'href="#{target}"') for target in targets]
    assert links == sorted(links)  # the summary lists them in the form's order
    assert 'value="SE1 7AE, ZZ9 9ZZ"' in body  # what they typed stays
    # Postcodes are looked up once the rest is valid.
    typo = {**ROLE_FORM, "postcodes": "SE1 7AE, ZZ9 9ZZ"}
    unknown = _post(owner, f"/manage/{org}/roles/new", typo)
    body = unknown.get_data(as_text=True)
    assert "Postcode ZZ9 9ZZ: Enter a real UK postcode" in body
    assert 'href="#postcodes"' in body and 'id="postcodes"' in body
    nowhere = _post(owner, f"/manage/{org}/roles/new", {**ROLE_FORM, "postcodes": ""})
    assert "Add at least one location" in nowhere.get_data(as_text=True)
    listed = site.app.test_client().get(f"/api/v1/organisations/{org}/opportunities")
    assert listed.get_json()["items"] == []


def test_editing_a_role_keeps_it_and_changes_it(site: Site) -> None:
    owner = site.client("owner-1")
    org = _registered(site, owner)
    role = _published_role(site, owner, org)
    form = owner.get(f"/manage/{org}/roles/{role}/edit").get_data(as_text=True)
    assert 'value="Befriending volunteer"' in form and 'value="31"' in form
    # Lists with something ticked are open; the others are folded away.
    assert '<details id="causes-details" class="govuk-details" open>' in form
    assert '<details id="accessibility-details" class="govuk-details">' in form
    assert "Causes (1 chosen)" in form
    changed = _post(owner, f"/manage/{org}/roles/{role}/edit", {**ROLE_FORM, "places": "5"})
    assert changed.status_code == 303
    assert site.app.test_client().get(f"/api/v1/opportunities/{role}").get_json()["places"] == 5


def test_other_organisations_cannot_see_or_post(site: Site) -> None:
    owner = site.client("owner-1")
    org = _registered(site, owner)
    role = _published_role(site, owner, org)
    stranger = site.client("owner-2")
    for path in (f"/manage/{org}", f"/manage/{org}/roles/new", f"/manage/{org}/applications",
                 f"/manage/{org}/roles/{role}/edit"):  # fmt: skip
        assert stranger.get(path).status_code == 403, path
    other = _registered(site, stranger)
    assert stranger.get(f"/manage/{other}/roles/{role}/preview").status_code == 404


def test_the_inbox_shows_overdue_applications_first_and_the_owner_accepts(site: Site) -> None:
    owner = site.client("owner-1")
    org = _registered(site, owner)
    role = _published_role(site, owner, org)
    site.clock("volunteers", utcnow() - dt.timedelta(days=12))
    old = _apply(site, role, "volunteer-old")
    site.clock("volunteers", None)
    new = _apply(site, role, "volunteer-new")
    inbox = owner.get(f"/manage/{org}/applications").get_data(as_text=True)
    assert "2 waiting for your reply, 1 of them overdue" in inbox
    assert "Overdue: waiting 12 days" in inbox and "Waiting since today" in inbox
    assert inbox.index(old) < inbox.index(new)  # overdue first
    dashboard = owner.get(f"/manage/{org}").get_data(as_text=True)
    assert "1 overdue" in dashboard
    page = owner.get(f"/manage/{org}/applications/{new}").get_data(as_text=True)
    assert "I can help on Mondays." in page and "Befriending volunteer" in page
    refused = _post(owner, f"/manage/{org}/applications/{new}", {})
    assert 'href="#decision"' in refused.get_data(as_text=True)
    done = _post(owner, f"/manage/{org}/applications/{new}", {"decision": "accept"})
    assert done.status_code == 303
    assert done.headers["Location"] == f"/manage/{org}/applications?answered={new}"
    found = site.client("volunteer-new", "volunteer").get(f"/api/v1/applications/{new}")
    assert found.get_json()["status"] == "accepted"


def test_declining_sends_the_optional_reason(site: Site) -> None:
    owner = site.client("owner-1")
    org = _registered(site, owner)
    application = _apply(site, _published_role(site, owner, org))
    done = _post(owner, f"/manage/{org}/applications/{application}",
                 {"decision": "decline", "reason": "The places are filled."})  # fmt: skip
    assert done.status_code == 303
    found = site.client("volunteer-1", "volunteer").get(f"/api/v1/applications/{application}")
    assert (found.get_json()["status"], found.get_json()["reason"]) == (
        "declined", "The places are filled.")  # fmt: skip


@pytest.mark.parametrize(
    ("status", "days_ago", "words"),
    [("submitted", 0, "Waiting since today"), ("submitted", 1, "Waiting 1 day"),
     ("submitted", 10, "Waiting 10 days"), ("submitted", 12, "Overdue: waiting 12 days"),
     ("seen", 12, None)],
)  # fmt: skip
def test_waiting_times_in_words(status: str, days_ago: int, words: str | None) -> None:
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    submitted = (now - dt.timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")
    found = waiting({"status": status, "submitted_at": submitted}, now)
    assert (found.words if isinstance(found, Waiting) else None) == words
    if found is not None:
        assert found.overdue == (days_ago > 10)
