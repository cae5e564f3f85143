"""The core journeys with the keyboard only, with JavaScript on and again with it off."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from tests.browser.harness import NEAR, Platform, node, running_platform, seed_roles

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    platform: Platform
    roles: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_platform(tmp_path_factory.mktemp("journeys") / "data") as platform:
        yield World(platform, seed_roles(platform))


def _applications_of(world: World, email: str) -> list[dict[str, object]]:
    signed = requests.post(world.platform.base + "/api/v1/auth/token",
                           json={"email": email, "password": PASSWORD}, timeout=10)  # fmt: skip
    token = signed.json()["access_token"]
    found = requests.get(world.platform.base + "/api/v1/applications",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)  # fmt: skip
    items: list[dict[str, object]] = found.json()["items"]
    return items


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_search_role_register_apply_by_keyboard(world: World, javascript: bool) -> None:
    email = f"kim.{'js' if javascript else 'nojs'}@example.org"
    seen = node("journey.mjs", {
        "base": world.platform.base, "javascript": javascript, "email": email,
        "password": PASSWORD, "name": "Kim Okafor", "postcode": "LS1 4DY",
        "role_title": "Park warden",
    }, timeout_s=300)  # fmt: skip
    assert set(seen["results"]) == set(NEAR)
    assert seen["role"]["h1"].strip() == "Park warden"
    assert seen["checkEmail"].strip() == "Check your email"
    assert seen["verified"].strip() == "Your email address is confirmed"
    assert seen["applyH1"].strip() == "Park warden"
    assert seen["done"]["panel"].strip() == "Application sent"
    assert [t.strip() for t in seen["done"]["roles"]] == ["Park warden"]
    # The application really exists, for this person and this role.
    applications = _applications_of(world, email)
    assert [a["opportunity_id"] for a in applications] == [world.roles["Park warden"]]
    assert applications[0]["message"] == "I can help on Monday mornings."
    # Nothing the pages' CSP refused, no script errors.
    assert seen["console_errors"] == []
