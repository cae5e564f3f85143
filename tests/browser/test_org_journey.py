"""An organisation's journey with the keyboard only, with JavaScript on and again with it
off: register the organisation, post, preview and publish a role, find it in search, and
accept a volunteer's application from the inbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.browser.harness import Platform, node, running_platform
from tests.browser.test_org_pages import register
from tests.browser.test_pages import PASSWORD

POSTCODE = "LS1 4DY"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    with running_platform(tmp_path_factory.mktemp("org-journey") / "data") as running:
        yield running


def _application(platform: Platform, token: str, application_id: str) -> dict[str, object]:
    found = requests.get(f"{platform.base}/api/v1/applications/{application_id}", timeout=10,
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert found.status_code == 200, found.text
    body: dict[str, object] = found.json()
    return body


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_post_publish_and_accept_by_keyboard(platform: Platform, javascript: bool) -> None:
    kind = "js" if javascript else "nojs"
    email = f"org.{kind}@example.org"
    register(platform, email, "organisation")
    volunteer = register(platform, f"volunteer.{kind}@example.org", "volunteer")
    org_name, title = f"Leeds Food Share ({kind})", f"Van driver ({kind})"
    seen = node("org_journey.mjs", {
        "base": platform.base, "javascript": javascript, "email": email,
        "password": PASSWORD, "org_name": org_name, "role_title": title,
        "postcode": POSTCODE, "volunteer_token": volunteer,
    }, timeout_s=300)  # fmt: skip
    assert "not a member of any organisation" in seen["manageEmpty"]
    assert seen["dashboard"]["h1"].strip() == org_name
    assert seen["preview"]["h1"].strip() == title
    assert seen["preview"]["tag"].strip() == "Draft: not published yet"
    assert seen["published"].strip() == f"{title} is published"
    assert title in [result.strip() for result in seen["results"]]
    assert len(seen["inbox"]) == 1 and title in seen["inbox"][0]
    assert "Waiting since today" in seen["inbox"][0]
    assert [m.strip() for m in seen["message"]] == ["I have a clean driving licence."]
    assert "Your answer was sent" in seen["answered"]
    # The application really is accepted, as the volunteer sees it.
    application = _application(platform, volunteer, seen["applicationId"])
    assert application["status"] == "accepted"
    assert application["opportunity_id"] == seen["roleId"]
    public = requests.get(f"{platform.base}/api/v1/opportunities/{seen['roleId']}", timeout=10)
    role = public.json()
    assert (role["status"], role["places"], role["minimum_age"]) == ("published", 2, 18)
    assert role["sessions"] == ["SaturdayMorning"] and role["causes"] == ["AntiPoverty"]
    assert role["requirements"] == ["VanOrPeopleCarrier"]
    assert seen["console_errors"] == []
