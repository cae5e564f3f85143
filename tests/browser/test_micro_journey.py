"""A micro-task is posted -> offered -> accepted, with the keyboard only, with JavaScript on
and again with it off: an organisation member posts it with the form, and a volunteer who
is free then and near enough accepts it from the tasks offered to them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.browser.harness import Platform, node, running_platform
from tests.browser.test_pages import PASSWORD, mail_to
from tests.support import wait_for

WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
POSTCODE = "SE1 7PB"


@dataclass
class Person:
    email: str
    token: str

    def call(self, platform: Platform, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        response = requests.request(method, platform.base + path, headers=headers, timeout=10,
                                    **kwargs)  # fmt: skip
        assert response.status_code < 300, f"{method} {path}: {response.text}"[:2000]
        return response.json() if response.content else None


def register(platform: Platform, email: str, name: str, kind: str = "volunteer") -> None:
    """An account with its email address confirmed (the link from /dev/mail.json)."""
    body = {"email": email, "password": PASSWORD, "name": name, "account_type": kind}
    created = requests.post(platform.base + "/api/v1/auth/register", json=body, timeout=10)
    assert created.status_code == 201, created.text
    token = re.search(r"token=([\w-]+)", str(wait_for(lambda: mail_to(platform, email))))
    assert token is not None
    verified = requests.post(platform.base + "/api/v1/auth/verify",
                             json={"token": token.group(1)}, timeout=10)  # fmt: skip
    assert verified.status_code == 200, verified.text


def sign_in(platform: Platform, email: str) -> Person:
    answer = requests.post(platform.base + "/api/v1/auth/token",
                           json={"email": email, "password": PASSWORD}, timeout=10)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return Person(email, answer.json()["access_token"])


def member_of_new_organisation(platform: Platform, email: str) -> tuple[Person, str]:
    """An organisation account (registered and confirmed) and the organisation it made,
    once the availability service knows it is a member."""
    register(platform, email, "Sam Coordinator", "organisation")
    member = sign_in(platform, email)
    body = {"name": "Riverside Good Neighbours", "type": "charity", "postcode": POSTCODE}
    org = member.call(platform, "POST", "/api/v1/organisations", json=body)
    if org.get("moderation") == "pending":
        platform.call("POST", f"/api/v1/organisations/{org['id']}/approve", "admin")

    def known() -> bool:
        headers = {"Authorization": f"Bearer {member.token}"}
        found = requests.get(platform.base + "/api/v1/microtasks", headers=headers,
                             params={"organisation_id": org["id"]}, timeout=5)  # fmt: skip
        return found.status_code == 200

    wait_for(known, timeout_s=60)
    return member, str(org["id"])


def free_volunteer(platform: Platform, email: str, name: str = "Robin Ashworth") -> Person:
    """A confirmed volunteer near the task, free all week, who does shopping."""
    register(platform, email, name)
    volunteer = sign_in(platform, email)
    windows = [{"weekday": day, "start": "00:00", "end": "24:00"} for day in WEEK]
    body = {"postcode": POSTCODE, "travel_km": 10, "task_types": ["Shopping"],
            "date_of_birth": "1990-05-17", "windows": windows}  # fmt: skip
    volunteer.call(platform, "PUT", "/api/v1/availability", json=body)
    return volunteer


def task_day(days_ahead: int) -> str:
    day = dt.date.today() + dt.timedelta(days=days_ahead)
    return f"{day.day}/{day.month}/{day.year}"


@dataclass
class World:
    platform: Platform
    member: Person
    org: str
    volunteer: Person


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_platform(tmp_path_factory.mktemp("micro-journey") / "data") as platform:
        member, org = member_of_new_organisation(platform, "sam.coordinator@example.org")
        volunteer = free_volunteer(platform, "robin.micro@example.org")
        yield World(platform, member, org, volunteer)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_micro_task_is_posted_offered_and_accepted_by_keyboard(
    world: World, javascript: bool
) -> None:
    title = f"Weekly shop ({'with' if javascript else 'without'} JavaScript)"
    seen = node("micro_journey.mjs", {
        "base": world.platform.base, "javascript": javascript, "org": world.org,
        "member": {"email": world.member.email, "password": PASSWORD},
        "volunteer": {"email": world.volunteer.email, "password": PASSWORD},
        "task": {"title": title, "postcode": POSTCODE, "date": task_day(2 if javascript else 3),
                 "time": "10:00"},
    }, timeout_s=300)  # fmt: skip
    assert seen["posted"]["banner"].strip() == "Your task is posted and offered to volunteers"
    task_id = seen["posted"]["task_id"]
    assert title in seen["offers"]
    assert seen["accepted"]["banner"].strip() == "You have this task"
    assert "You have this task" in seen["accepted"]["status"]
    # The booking really is the volunteer's, accepted, on the task the form posted.
    task = world.volunteer.call(world.platform, "GET", f"/api/v1/microtasks/{task_id}")
    assert task["title"] == title and task["task_type"] == "Shopping"
    assert task["booking"]["status"] == "accepted"
    assert task["accepted_count"] == 1
    assert seen["console_errors"] == []
