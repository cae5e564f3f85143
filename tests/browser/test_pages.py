"""Every web page, in its empty, filled and error states, in headless Chromium:
axe-core (WCAG 2.2 AA) finds nothing, the Nu HTML Checker finds no errors, error summaries
link to their fields, nothing scrolls sideways at 320 px, and screenshots of the main pages
at 1280 and 375 px are saved into docs/screenshots/ (the README shows them)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.harness import (
    ROOT,
    Platform,
    axe_violations,
    html_errors,
    node,
    running_platform,
    seed_roles,
)
from tests.support import wait_for

SHOTS = ROOT / "docs" / "screenshots"
EMAIL, PASSWORD = "robin.pages@example.org", "correct horse battery staple"


@dataclass
class Site:
    platform: Platform
    roles: dict[str, str]
    report: list[dict[str, Any]]
    html_dir: Path


def register_volunteer(platform: Platform, email: str, name: str = "Robin Ashworth") -> None:
    body = {"email": email, "password": PASSWORD, "name": name, "account_type": "volunteer"}
    created = requests.post(platform.base + "/api/v1/auth/register", json=body, timeout=10)
    assert created.status_code == 201, created.text
    token = re.search(r"token=([\w-]+)", wait_for(lambda: mail_to(platform, email)))
    assert token is not None
    verified = requests.post(
        platform.base + "/api/v1/auth/verify", json={"token": token.group(1)}, timeout=10
    )
    assert verified.status_code == 200, verified.text


def mail_to(platform: Platform, email: str) -> str | None:
    """The text of the newest email to ``email`` (the mail relay sends it in the background)."""
    mail = requests.get(platform.base + "/dev/mail.json", timeout=5).json()
    return next((m["text"] for m in reversed(mail) if m["to"] == email), None)


def _apply(platform: Platform, role_id: str) -> None:
    session = requests.Session()
    signed = session.post(platform.base + "/api/v1/auth/token",
                          json={"email": EMAIL, "password": PASSWORD}, timeout=10)  # fmt: skip
    token = signed.json()["access_token"]
    applied = session.post(
        platform.base + "/api/v1/applications",
        json={"opportunity_id": role_id, "message": "I live nearby."},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert applied.status_code == 201, applied.text


def _pages(roles: dict[str, str]) -> list[dict[str, Any]]:
    library, park = roles["Library helper"], roles["Park warden"]
    return [
        {"name": "home", "path": "/", "screenshot": True},
        {"name": "search-results", "path": "/search?postcode=LS1+4DY&miles=10", "screenshot": True},
        {"name": "search-filtered", "path": "/search?postcode=LS1+4DY&miles=10&causes=OlderPeople"},
        {"name": "search-error", "path": "/search?postcode=ZZ&miles=10"},
        {"name": "search-none", "path": "/search?postcode=LS1+4DY&miles=1&q=zzyzx"},
        {"name": "role", "path": f"/opportunities/{library}", "screenshot": True},
        {"name": "register", "path": "/register", "screenshot": True},
        {"name": "register-error", "path": "/register", "submit": True, "screenshot": True},
        {"name": "sign-in", "path": "/sign-in"},
        {"name": "sign-in-error", "path": "/sign-in", "submit": True,
         "fill": {"#email": EMAIL, "#password": "not the password"}},
        {"name": "apply", "path": f"/opportunities/{park}/apply", "signed_in": True,
         "screenshot": True},
        {"name": "apply-error", "path": f"/opportunities/{library}/apply", "signed_in": True,
         "submit": True},  # applied already: the API's 409 shown on the form
        {"name": "applications", "path": "/account/applications", "signed_in": True,
         "screenshot": True},
        {"name": "sign-out", "path": "/sign-out", "signed_in": True},
        {"name": "not-found", "path": "/no-such-page"},
        {"name": "verify-failed", "path": "/account/verify?token=not-a-token"},
    ]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("pages")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_platform(folder / "data") as platform:
        roles = seed_roles(platform)
        register_volunteer(platform, EMAIL)
        _apply(platform, roles["Library helper"])
        report = node("pages.mjs", {
            "base": platform.base, "out_dir": str(folder), "shots_dir": str(SHOTS),
            "sign_in": {"email": EMAIL, "password": PASSWORD}, "pages": _pages(roles),
        }, timeout_s=600)  # fmt: skip
        yield Site(platform, roles, report, folder)


def _entry(site: Site, name: str) -> dict[str, Any]:
    return next(e for e in site.report if e["name"] == name)


def test_no_axe_violations_on_any_page(site: Site) -> None:
    assert axe_violations(site.report) == {}


def test_no_html_errors_on_any_page(site: Site) -> None:
    files = [e["html"] for e in site.report]
    errors = html_errors(files)
    assert errors == [], errors[:10]
    assert len(files) == len(_pages(site.roles))


def test_pages_answer_as_expected(site: Site) -> None:
    statuses = {e["name"]: (e["status"], e["nojs_status"]) for e in site.report}
    assert statuses["not-found"] == (404, 404)
    assert statuses["search-error"] == (200, 200)
    for name in ("home", "search-results", "role", "register", "apply", "applications"):
        assert statuses[name] == (200, 200), name


def test_error_states_have_a_summary_linked_to_fields(site: Site) -> None:
    for name in ("search-error", "register-error", "sign-in-error", "apply-error"):
        entry = _entry(site, name)
        assert entry["title"].startswith("Error: "), (name, entry["title"])
        assert entry["error_links"], name
        assert all(link["exists"] for link in entry["error_links"]), (name, entry["error_links"])
    register = {link["target"] for link in _entry(site, "register-error")["error_links"]}
    assert {"#name", "#email", "#password"} <= register


def test_search_pages_show_the_roles_nearby(site: Site) -> None:
    assert _entry(site, "search-results")["h1"] == ["Volunteering near LS1 4DY"]
    html = Path(_entry(site, "search-results")["html"]).read_text()
    for title in ("Library helper", "Park warden", "Food bank driver"):
        assert title in html
    assert "Canal clean-up" not in html  # Manchester, 36 miles away


def test_role_page_carries_its_job_posting(site: Site) -> None:
    html = Path(_entry(site, "role")["html"]).read_text()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    posting = json.loads(block.group(1))
    assert posting["@type"] == "JobPosting"
    assert posting["title"] == "Library helper"
    assert posting["employmentType"] == "VOLUNTEER"


def test_nothing_scrolls_sideways_at_320_px(site: Site) -> None:
    overflow = {e["name"]: e["overflow_320"] for e in site.report if "overflow_320" in e}
    wide = {e["name"]: e["wide_320"] for e in site.report if e.get("wide_320")}
    assert overflow and all(v <= 0 for v in overflow.values()), (overflow, wide)


def test_screenshots_are_saved(site: Site) -> None:
    for entry in site.report:
        if "overflow_320" in entry:
            for width in (1280, 375):
                assert (SHOTS / f"{entry['name']}-{width}.png").stat().st_size > 5_000


def test_my_applications_list_each_role_and_its_status(site: Site) -> None:
    html = Path(_entry(site, "applications")["html"]).read_text()
    role_id = site.roles["Library helper"]
    assert f'<a class="govuk-link" href="/opportunities/{role_id}">Library helper</a>' in html
    assert "Waiting for a reply" in html
