"""The organisations' pages (the dashboard, roles, the inbox, closing a role and the hours to
approve), in their empty, filled and error states, in headless Chromium:
axe-core (WCAG 2.2 AA) finds nothing, the Nu HTML Checker finds no errors, error summaries
link to fields that exist, nothing scrolls sideways at 320 px, and screenshots of the
dashboard, the role form's error state, the inbox and the hours to approve go into
docs/screenshots/ (org-*.png)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.harness import (
    Platform,
    axe_violations,
    html_errors,
    node,
    role_body,
    running_platform,
)
from tests.browser.test_pages import PASSWORD, SHOTS, mail_to
from tests.support import wait_for

OWNER, NEWCOMER = "sam.org@example.org", "alex.neworg@example.org"
VOLUNTEER = "jo.volunteer@example.org"


@dataclass
class Site:
    report: list[dict[str, Any]]
    ids: dict[str, str]


def register(platform: Platform, email: str, kind: str) -> str:
    """A verified account (confirmed by its emailed link); its access token."""
    body = {"email": email, "password": PASSWORD, "name": "Sam Okoro", "account_type": kind}
    created = requests.post(platform.base + "/api/v1/auth/register", json=body, timeout=10)
    assert created.status_code == 201, created.text
    text = wait_for(lambda: mail_to(platform, email))
    token = text.split("token=", 1)[1].split()[0]
    verified = requests.post(platform.base + "/api/v1/auth/verify", json={"token": token},
                             timeout=10)  # fmt: skip
    assert verified.status_code == 200, verified.text
    signed = requests.post(platform.base + "/api/v1/auth/token",
                           json={"email": email, "password": PASSWORD}, timeout=10)  # fmt: skip
    access: str = signed.json()["access_token"]
    return access


def api(platform: Platform, token: str, method: str, path: str, body: Any = None) -> Any:
    answer = requests.request(method, platform.base + path, json=body, timeout=10,
                              headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


def _inbox_ready(platform: Platform, token: str, org: str) -> bool:
    """The applications service learns of new members by event: wait until it has."""
    answer = requests.get(platform.base + "/api/v1/applications", timeout=10,
                          params={"organisation_id": org},
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    return answer.status_code == 200


def _hours_logged(platform: Platform, volunteer: str, role: str) -> str | None:
    """The volunteer logs 90 minutes for the role, once the availability service has heard
    of it (by event); None until then."""
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    body = {"opportunity_id": role, "minutes": 90, "worked_on": yesterday, "note": "Two rounds"}
    answer = requests.post(platform.base + "/api/v1/hours", json=body, timeout=10,
                           headers={"Authorization": f"Bearer {volunteer}"})  # fmt: skip
    return str(answer.json()["id"]) if answer.status_code == 201 else None


def _hours_ready(platform: Platform, token: str, org: str) -> bool:
    """The availability service learns of new members by event too."""
    answer = requests.get(platform.base + "/api/v1/hours/pending", timeout=10,
                          params={"organisation_id": org},
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    return answer.status_code == 200


def build(platform: Platform) -> dict[str, str]:
    """An organisation with a published role (with an application and hours waiting for
    approval) and a draft, and an empty second organisation, all of one owner."""
    owner = register(platform, OWNER, "organisation")
    register(platform, NEWCOMER, "organisation")
    volunteer = register(platform, VOLUNTEER, "volunteer")
    body = {"name": "Leeds Food Share", "type": "charity", "postcode": "LS1 4DY"}
    org = api(platform, owner, "POST", "/api/v1/organisations", body)["id"]
    empty = api(platform, owner, "POST", "/api/v1/organisations",
                {"name": "Quiet Garden Club", "type": "community_group"})["id"]  # fmt: skip
    role = api(platform, owner, "POST", "/api/v1/opportunities",
               role_body(org, "Food share driver", "LS1 4DY"))["id"]  # fmt: skip
    api(platform, owner, "POST", f"/api/v1/opportunities/{role}/publish")
    draft = api(platform, owner, "POST", "/api/v1/opportunities",
                role_body(org, "Kitchen helper", "LS1 4DY"))["id"]  # fmt: skip

    def applied() -> str | None:
        answer = requests.post(platform.base + "/api/v1/applications", timeout=10,
                               json={"opportunity_id": role, "message": "I drive a van."},
                               headers={"Authorization": f"Bearer {volunteer}"})  # fmt: skip
        return str(answer.json()["id"]) if answer.status_code == 201 else None

    application = wait_for(applied, timeout_s=60)
    hours = wait_for(lambda: _hours_logged(platform, volunteer, role), timeout_s=60)
    for each in (org, empty):
        wait_for(lambda each=each: _inbox_ready(platform, owner, each), timeout_s=60)
        wait_for(lambda each=each: _hours_ready(platform, owner, each), timeout_s=60)
    return {"org": org, "empty": empty, "role": role, "draft": draft,
            "application": application, "hours": hours}  # fmt: skip


def owner_pages(ids: dict[str, str]) -> list[dict[str, Any]]:
    org, empty = ids["org"], ids["empty"]
    role, draft, application = ids["role"], ids["draft"], ids["application"]
    return [
        {"name": "org-manage", "path": "/manage", "signed_in": True},
        {"name": "org-dashboard", "path": f"/manage/{org}", "signed_in": True,
         "screenshot": True},
        {"name": "org-dashboard-empty", "path": f"/manage/{empty}", "signed_in": True},
        {"name": "org-role-new", "path": f"/manage/{org}/roles/new", "signed_in": True},
        {"name": "org-role-error", "path": f"/manage/{org}/roles/new", "signed_in": True,
         "submit": True, "fill": {"#minimum_age": "sixteen", "#closes_on-day": "40"},
         "screenshot": True},
        {"name": "org-role-edit", "path": f"/manage/{org}/roles/{role}/edit", "signed_in": True},
        {"name": "org-preview", "path": f"/manage/{org}/roles/{draft}/preview",
         "signed_in": True},
        {"name": "org-inbox", "path": f"/manage/{org}/applications", "signed_in": True,
         "screenshot": True},
        {"name": "org-inbox-empty", "path": f"/manage/{empty}/applications", "signed_in": True},
        {"name": "org-application", "path": f"/manage/{org}/applications/{application}",
         "signed_in": True},
        {"name": "org-application-error", "path": f"/manage/{org}/applications/{application}",
         "signed_in": True, "submit": True},
        {"name": "org-role-close", "path": f"/manage/{org}/roles/{role}/close", "signed_in": True},
        {"name": "org-hours", "path": f"/manage/{org}/hours", "signed_in": True,
         "screenshot": True},
        {"name": "org-hours-empty", "path": f"/manage/{empty}/hours", "signed_in": True},
        {"name": "org-hours-reject", "path": f"/manage/{org}/hours/{ids['hours']}",
         "signed_in": True},
        {"name": "org-hours-reject-error", "path": f"/manage/{org}/hours/{ids['hours']}",
         "signed_in": True, "submit": True},
    ]  # fmt: skip


NEWCOMER_PAGES = [
    {"name": "org-manage-empty", "path": "/manage", "signed_in": True},
    {"name": "org-register", "path": "/manage/organisations/new", "signed_in": True},
    {"name": "org-register-error", "path": "/manage/organisations/new", "signed_in": True,
     "submit": True, "fill": {"#website": "not a website"}},
]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("org-pages")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_platform(folder / "data") as platform:
        ids = build(platform)
        report = []
        for email, pages in ((OWNER, owner_pages(ids)), (NEWCOMER, NEWCOMER_PAGES)):
            report += node("pages.mjs", {
                "base": platform.base, "out_dir": str(folder), "shots_dir": str(SHOTS),
                "sign_in": {"email": email, "password": PASSWORD}, "pages": pages,
            }, timeout_s=600)  # fmt: skip
        yield Site(report, ids)


def _entry(site: Site, name: str) -> dict[str, Any]:
    return next(e for e in site.report if e["name"] == name)


def test_no_axe_violations_on_any_page(site: Site) -> None:
    assert axe_violations(site.report) == {}


def test_no_html_errors_on_any_page(site: Site) -> None:
    files = [e["html"] for e in site.report]
    errors = html_errors(files)
    assert errors == [], errors[:10]
    assert len(files) == len(owner_pages(site.ids)) + len(NEWCOMER_PAGES)


def test_every_page_answers_with_and_without_javascript(site: Site) -> None:
    assert {e["name"]: (e["status"], e["nojs_status"]) for e in site.report} == {
        e["name"]: (200, 200) for e in site.report
    }


def test_error_states_have_a_summary_linked_to_fields(site: Site) -> None:
    expected = {
        "org-role-error": {"#title", "#commitment", "#minimum_age", "#closes_on-day"},
        "org-application-error": {"#decision"},
        "org-hours-reject-error": {"#reason"},
        "org-register-error": {"#name", "#type", "#website"},
    }
    for name, targets in expected.items():
        entry = _entry(site, name)
        assert entry["title"].startswith("Error: "), (name, entry["title"])
        assert all(link["exists"] for link in entry["error_links"]), (name, entry["error_links"])
        assert targets <= {link["target"] for link in entry["error_links"]}, name


def test_pages_show_their_content(site: Site) -> None:
    dashboard = Path(_entry(site, "org-dashboard")["html"]).read_text()
    assert "Food share driver" in dashboard and "Kitchen helper" in dashboard
    assert "Published (1)" in dashboard and "Drafts (1)" in dashboard
    inbox = Path(_entry(site, "org-inbox")["html"]).read_text()
    assert "Waiting since today" in inbox and "Food share driver" in inbox
    assert "No applications yet" in Path(_entry(site, "org-inbox-empty")["html"]).read_text()
    assert "No roles yet" in Path(_entry(site, "org-dashboard-empty")["html"]).read_text()
    manage = Path(_entry(site, "org-manage")["html"]).read_text()
    assert "Leeds Food Share" in manage and "Quiet Garden Club" in manage
    empty = Path(_entry(site, "org-manage-empty")["html"]).read_text()
    assert "You are not a member of any organisation yet" in empty
    assert "I drive a van." in Path(_entry(site, "org-application")["html"]).read_text()
    assert "Waiting for your approval: <strong>1</strong>" in dashboard
    assert f'action="/manage/{site.ids["org"]}/roles/{site.ids["role"]}/pause"' in dashboard
    hours = Path(_entry(site, "org-hours")["html"]).read_text()
    assert "1 waiting for your approval" in hours and "1 hour 30 minutes" in hours
    assert "Two rounds" in hours and "Role: Food share driver" in hours
    assert "&lt;" not in dashboard and "&lt;" not in hours  # buttons' markup is not escaped
    assert "No hours are waiting" in Path(_entry(site, "org-hours-empty")["html"]).read_text()
    close = Path(_entry(site, "org-role-close")["html"]).read_text()
    assert "Are you sure you want to close Food share driver?" in close


def test_nothing_scrolls_sideways_at_320_px_and_screenshots_are_saved(site: Site) -> None:
    shot = [e for e in site.report if "overflow_320" in e]
    assert {e["name"] for e in shot} == {"org-dashboard", "org-role-error", "org-inbox",
                                         "org-hours"}  # fmt: skip
    assert {e["name"]: e["overflow_320"] for e in shot if e["overflow_320"] > 0} == {}, [
        e.get("wide_320") for e in shot
    ]
    for entry in shot:
        for width in (1280, 375):
            assert (SHOTS / f"{entry['name']}-{width}.png").stat().st_size > 5_000
