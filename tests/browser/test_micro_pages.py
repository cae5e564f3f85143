"""The micro-volunteering pages in their empty, filled and error states, in headless
Chromium (tests/browser/node/pages.mjs): axe-core (WCAG 2.2 AA) finds nothing, the Nu HTML
Checker finds no errors, error summaries link to fields that exist, nothing scrolls sideways
at 320 px, and screenshots (docs/screenshots/micro-*.png) of the offers, a task, the
availability form and the time-credit statement.

Three people: a volunteer with settings, a wallet, offers, a task they accepted and
approved hours that earned credits; a new volunteer with nothing yet; and the coordinator
who posted the tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import Platform, axe_violations, html_errors, node, role_body
from tests.browser.test_micro_journey import (
    POSTCODE,
    Person,
    free_volunteer,
    member_of_new_organisation,
    register,
    running_platform,
)
from tests.browser.test_pages import PASSWORD, SHOTS
from tests.support import wait_for


@dataclass
class Site:
    report: list[dict[str, Any]]
    offered: str
    accepted: str


def _task(platform: Platform, member: Person, org: str, days: int, title: str) -> str:
    starts = dt.datetime.combine(dt.date.today() + dt.timedelta(days=days), dt.time(10),
                                 tzinfo=dt.UTC)  # fmt: skip
    body = {"organisation_id": org, "task_type": "Shopping", "title": title,
            "description": "A short list from the Co-op.", "postcode": POSTCODE,
            "starts_at": starts.isoformat(), "duration_minutes": 90,
            "needs": [{"kind": "training", "code": "FirstAid"}]}  # fmt: skip
    return str(member.call(platform, "POST", "/api/v1/microtasks", json=body)["id"])


def _earn_credits(platform: Platform, member: Person, org: str, volunteer: Person) -> None:
    """90 minutes for a role, approved by the organisation: 1.50 credits."""
    role = member.call(platform, "POST", "/api/v1/opportunities",
                       json=role_body(org, "Befriending volunteer", POSTCODE))  # fmt: skip
    member.call(platform, "POST", f"/api/v1/opportunities/{role['id']}/publish")
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    body = {"opportunity_id": role["id"], "minutes": 90, "worked_on": yesterday,
            "note": "Tea and a chat"}  # fmt: skip

    def logged() -> Any:
        try:
            return volunteer.call(platform, "POST", "/api/v1/hours", json=body)
        except AssertionError:  # the role is not known to the availability service yet
            return None

    hours = wait_for(logged, timeout_s=60)
    member.call(platform, "POST", f"/api/v1/hours/{hours['id']}/approve")
    wait_for(lambda: volunteer.call(platform, "GET", "/api/v1/timebank/statement")["entries"],
             timeout_s=60)  # fmt: skip


def _volunteer_pages(offered: str, accepted: str) -> list[dict[str, Any]]:
    return [
        {"name": "micro-offers", "path": "/microtasks/offers", "screenshot": True},
        {"name": "micro-task", "path": f"/microtasks/{offered}", "screenshot": True},
        {"name": "micro-task-accepted", "path": f"/microtasks/{accepted}?done=accepted"},
        {"name": "micro-availability", "path": "/account/availability", "screenshot": True},
        {"name": "micro-availability-error", "path": "/account/availability", "submit": True,
         "fill": {"#postcode": "ZZ"}},
        {"name": "micro-credentials", "path": "/account/credentials", "screenshot": True},
        {"name": "micro-hours", "path": "/account/hours"},
        {"name": "micro-time-credits", "path": "/account/time-credits", "screenshot": True},
    ]  # fmt: skip


NEWCOMER_PAGES: list[dict[str, Any]] = [
    {"name": "micro-offers-empty", "path": "/microtasks/offers"},
    {"name": "micro-availability-empty", "path": "/account/availability"},
    {"name": "micro-credentials-empty", "path": "/account/credentials"},
    {"name": "micro-credentials-error", "path": "/account/credentials", "submit": True},
    {"name": "micro-hours-empty", "path": "/account/hours"},
    {"name": "micro-hours-error", "path": "/account/hours", "submit": True},
    {"name": "micro-time-credits-empty", "path": "/account/time-credits"},
    # The first form on a newcomer's page (no exchanges waiting) proposes an exchange.
    {
        "name": "micro-time-credits-error",
        "path": "/account/time-credits",
        "submit": True,
        "fill": {"#amount": "lots"},
    },
]


def _organisation_pages(org: str, accepted: str) -> list[dict[str, Any]]:
    return [
        {"name": "micro-org-tasks", "path": f"/manage/{org}/microtasks"},
        {"name": "micro-org-new", "path": f"/manage/{org}/microtasks/new"},
        {"name": "micro-org-new-error", "path": f"/manage/{org}/microtasks/new", "submit": True},
        {"name": "micro-org-task", "path": f"/manage/{org}/microtasks/{accepted}",
         "screenshot": True},
    ]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("micro-pages")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_platform(folder / "data") as platform:
        member, org = member_of_new_organisation(platform, "sam.pages@example.org")
        volunteer = free_volunteer(platform, "robin.pages@example.org")
        training = {"kind": "training", "type": "FirstAid", "completed_on": "2026-01-10"}
        volunteer.call(platform, "POST", "/api/v1/credentials", json=training)
        dbs = {"kind": "dbs", "level": "enhanced", "workforce": "adult",
               "issued_on": "2025-02-03", "update_service": True}  # fmt: skip
        volunteer.call(platform, "POST", "/api/v1/credentials", json=dbs)
        volunteer.call(platform, "PUT", "/api/v1/credentials/shares",
                       json={"organisation_ids": [org]})  # fmt: skip
        offered = _task(platform, member, org, 2, "Weekly shop for a neighbour")
        accepted = _task(platform, member, org, 3, "Collect a prescription")
        volunteer.call(platform, "POST", f"/api/v1/microtasks/{accepted}/accept")
        _earn_credits(platform, member, org, volunteer)
        register(platform, "alex.new@example.org", "Alex Newcombe")
        report = []
        for email, pages in (
            (volunteer.email, _volunteer_pages(offered, accepted)),
            ("alex.new@example.org", NEWCOMER_PAGES),
            (member.email, _organisation_pages(org, accepted)),
        ):
            signed = [{**page, "signed_in": True} for page in pages]
            report += node("pages.mjs", {
                "base": platform.base, "out_dir": str(folder), "shots_dir": str(SHOTS),
                "sign_in": {"email": email, "password": PASSWORD}, "pages": signed,
            }, timeout_s=600)  # fmt: skip
        yield Site(report, offered, accepted)


def _entry(site: Site, name: str) -> dict[str, Any]:
    return next(e for e in site.report if e["name"] == name)


def test_no_axe_violations_on_any_page(site: Site) -> None:
    assert axe_violations(site.report) == {}


def test_no_html_errors_on_any_page(site: Site) -> None:
    files = [e["html"] for e in site.report]
    errors = html_errors(files)
    assert errors == [], errors[:10]


def test_every_page_answers_with_and_without_javascript(site: Site) -> None:
    for entry in site.report:
        if not entry["name"].endswith("-error"):
            assert (entry["status"], entry["nojs_status"]) == (200, 200), entry["name"]
        assert entry["h1"], entry["name"]


def test_error_states_have_a_summary_linked_to_fields(site: Site) -> None:
    errored = [e for e in site.report if e["name"].endswith("-error")]
    assert len(errored) == 5
    for entry in errored:
        assert entry["title"].startswith("Error: "), (entry["name"], entry["title"])
        assert entry["error_links"], entry["name"]
        assert all(link["exists"] for link in entry["error_links"]), entry["error_links"]
    links = _entry(site, "micro-availability-error")["error_links"]
    assert "#postcode" in {link["target"] for link in links}
    exchange = {link["target"] for link in _entry(site, "micro-time-credits-error")["error_links"]}
    assert exchange == {"#counterparty", "#direction", "#amount", "#reason"}


def test_nothing_scrolls_sideways_at_320_px(site: Site) -> None:
    overflow = {e["name"]: e["overflow_320"] for e in site.report if "overflow_320" in e}
    wide = {e["name"]: e["wide_320"] for e in site.report if e.get("wide_320")}
    assert overflow and all(v <= 0 for v in overflow.values()), (overflow, wide)


def test_screenshots_are_saved(site: Site) -> None:
    shot = [e["name"] for e in site.report if "overflow_320" in e]
    assert {"micro-offers", "micro-task", "micro-availability", "micro-time-credits"} <= set(shot)
    for name in shot:
        for width in (1280, 375):
            assert (SHOTS / f"{name}-{width}.png").stat().st_size > 5_000


def test_the_pages_say_what_they_hold(site: Site) -> None:
    def html(name: str) -> str:
        return Path(_entry(site, name)["html"]).read_text()

    offers = html("micro-offers")
    assert "Weekly shop for a neighbour" in offers and "Offered to you" in offers
    assert "Collect a prescription" in offers and "You have this task" in offers
    assert f'action="/microtasks/{site.offered}/accept"' in offers
    task = html("micro-task")
    assert "First aid training" in task and "Why you were asked" in task
    assert "1 hour 30 minutes" in task
    assert "Give this task back" in html("micro-task-accepted")
    wallet = html("micro-credentials")
    assert "Self-declared" in wallet and "Riverside Good Neighbours" in wallet
    assert "1.50 credits" in html("micro-time-credits")
    assert "Your member number" in html("micro-time-credits")
    assert "Propose an exchange" in html("micro-time-credits-empty")
    assert "Waiting for approval" not in html("micro-hours") and "Approved" in html("micro-hours")
    assert "Your wallet is empty" in html("micro-credentials-empty")
    assert "No tasks are waiting for your answer" in html("micro-offers-empty")
    coordinator = html("micro-org-task")
    assert "Accepted" in coordinator and "Who could do it" in coordinator
