"""The organisations' page tests' world: a platform with an organisation's people as test
clients, run step by step, and the form posts those tests repeat."""

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
from services.common.auth import issue_token
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


def post(client: FlaskClient, path: str, data: dict[str, Any]) -> TestResponse:
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None, page[:500]
    return client.post(path, data={**data, "csrf_token": token.group(1)})


def post_from(client: FlaskClient, page: str, action: str, data: dict[str, Any]) -> TestResponse:
    """Post a form whose action is not its page's address, with the page's CSRF token."""
    html = client.get(page).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None, html[:500]
    return client.post(action, data={**data, "csrf_token": token.group(1)})


def registered(site: Site, owner: FlaskClient) -> str:
    response = post(owner, "/manage/organisations/new", ORG)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    found = re.fullmatch(r"/manage/([^/?]+)\?registered=1", response.headers["Location"])
    assert found is not None
    site.pump()
    return found.group(1)


def published_role(site: Site, owner: FlaskClient, org: str) -> str:
    response = post(owner, f"/manage/{org}/roles/new", ROLE_FORM)
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


def apply(site: Site, role: str, volunteer: str = "volunteer-1") -> str:
    client = site.client(volunteer, "volunteer")
    body = {"opportunity_id": role, "message": "I can help on Mondays."}
    answer = client.post("/api/v1/applications", json=body)
    assert answer.status_code == 201, answer.get_json()
    site.pump()
    application: str = answer.get_json()["id"]
    return application
