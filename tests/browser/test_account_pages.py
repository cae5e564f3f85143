"""A person's own account pages and the Volunteer Centre pages, in their empty, filled and
error states, in headless Chromium: axe-core (WCAG 2.2 AA) finds nothing, the Nu HTML
Checker finds no errors, error summaries link to fields that exist, nothing scrolls sideways
at 320 px, and screenshots go into docs/screenshots/ (account-*.png, centre-*.png).

The Volunteer Centre's staff member is a real account: it registers a ``volunteer_centre``
organisation, which an administrator approves; the volunteers service then puts ``vc_staff``
and the centre in the tokens it signs in with (services/volunteers/api/auth.py).

The centre's pages are audited twice: empty, then filled, after a second volunteer's
application goes unanswered (the response-time sweep runs three weeks on, in this process,
on the running platform's database) and their hours for the catchment's roles are approved."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from services.common.config import Config
from services.common.envelope import utcnow
from services.common.runtime import ServiceRuntime
from services.volunteers.definition import SERVICE as VOLUNTEERS
from services.volunteers.service_layer.guarantee import covering_centre, sweep
from tests.browser.harness import (
    OWNER,
    POSTCODES,
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
PASSWORD = "correct horse battery staple"
VOLUNTEER, STAFF, FORGETFUL = (
    "robin.account@example.org", "sam.centre@example.org", "alex.reset@example.org"
)  # fmt: skip
HELPER = "kim.helper@example.org"  # applies unanswered, and gives hours
CATCHMENT = ["LS1", "LS6", "LS11"]
UNANSWERED = "I could help at the library on Monday mornings."
# Kim's hours for the seeded organisation's roles: approved, approved, still pending.
HOURS = (("Library helper", 150, "approve"), ("Park warden", 45, "approve"),
         ("Library helper", 40, "pending"))  # fmt: skip
APPROVED_TEXT = "3 hours 15 minutes"  # 150 + 45 minutes; the pending 40 are not counted


@dataclass
class Site:
    report: list[dict[str, Any]]


def _register(platform: Platform, email: str, kind: str, name: str) -> None:
    body = {"email": email, "password": PASSWORD, "name": name, "account_type": kind}
    created = requests.post(platform.base + "/api/v1/auth/register", json=body, timeout=10)
    assert created.status_code == 201, created.text
    link = wait_for(lambda: _mail_token(platform, email))
    verified = requests.post(
        platform.base + "/api/v1/auth/verify", json={"token": link}, timeout=10
    )
    assert verified.status_code == 200, verified.text


def _mail_token(platform: Platform, email: str, subject: str = "") -> str | None:
    """The token in the newest email to ``email`` (with ``subject``, if given)."""
    mail = requests.get(platform.base + "/dev/mail.json", timeout=5).json()
    text = next((m["text"] for m in reversed(mail)
                 if m["to"] == email and subject in m.get("subject", "")), "")  # fmt: skip
    found = re.search(r"token=([\w-]+)", text)
    return found.group(1) if found else None


def _token(platform: Platform, email: str) -> str:
    credentials = {"email": email, "password": PASSWORD}
    signed = requests.post(platform.base + "/api/v1/auth/token", json=credentials, timeout=10)
    assert signed.status_code == 200, signed.text
    return str(signed.json()["access_token"])


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    found: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return found


def _call(platform: Platform, method: str, path: str, token: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    answer = requests.request(method, platform.base + path, headers=headers, timeout=10, **kwargs)
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


def _volunteer(platform: Platform) -> str:
    """A volunteer with a profile and a saved search; its saved search's id."""
    _register(platform, VOLUNTEER, "volunteer", "Robin Ashworth")
    token = _token(platform, VOLUNTEER)
    profile = {"postcode": "LS1 4DY", "travel_km": 8, "causes": ["OlderPeople"],
               "commitments": ["regular"], "contact_channels": ["email"]}  # fmt: skip
    _call(platform, "PATCH", "/api/v1/me/profile", token, json=profile)
    params = {"postcode": "LS1 4DY", "radius_km": "16", "causes": "OlderPeople"}
    search = {"name": "Older people near LS1", "frequency": "daily", "params": params}
    return str(_call(platform, "POST", "/api/v1/saved-searches", token, json=search)["id"])


def _centre(platform: Platform) -> str:
    """A Volunteer Centre covering Leeds, its staff member, and an organisation waiting for
    the centre's approval; that organisation's id."""
    _register(platform, STAFF, "organisation", "Sam Okafor")
    body = {"name": "Voluntary Action Leeds", "type": "volunteer_centre", "postcode": "LS1 4DY"}
    centre = _call(platform, "POST", "/api/v1/organisations", _token(platform, STAFF), json=body)
    if centre["moderation"] == "pending":
        platform.call("POST", f"/api/v1/organisations/{centre['id']}/approve", "admin")
    catchment = {"catchment": {"outward_codes": CATCHMENT, "districts": []}}
    platform.call("PATCH", f"/api/v1/organisations/{centre['id']}", "admin", json=catchment)
    newcomer = platform.headers("newcomer", account_type="organisation")
    body = {"name": "Hyde Park Friends", "type": "community_group", "postcode": "LS6 2UE",
            "description": "Litter picks."}  # fmt: skip
    pending = requests.post(platform.base + "/api/v1/organisations", headers=newcomer,
                            json=body, timeout=10)  # fmt: skip
    assert pending.json()["moderation"] == "pending", pending.text
    # The volunteers service learns of the centre from events: wait for staff tokens.
    wait_for(lambda: "vc_staff" in _claims(_token(platform, STAFF)).get("roles", []), 60)
    return str(pending.json()["id"])


def _helper(platform: Platform, roles: dict[str, str]) -> str:
    """Kim applies to a role in the catchment and logs hours (HOURS); their application."""
    _register(platform, HELPER, "volunteer", "Kim Baxter")
    token = _token(platform, HELPER)
    _call(platform, "PATCH", "/api/v1/me/profile", token, json={"postcode": "LS6 2UE"})
    body = {"opportunity_id": roles["Library helper"], "message": UNANSWERED}
    application = wait_for(lambda: _created(platform, "/api/v1/applications", token, body), 60)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    for title, minutes, decision in HOURS:
        body = {"opportunity_id": roles[title], "minutes": minutes, "worked_on": yesterday}
        hours = wait_for(lambda b=body: _created(platform, "/api/v1/hours", token, b), 60)
        if decision != "pending":
            platform.call("POST", f"/api/v1/hours/{hours}/{decision}", OWNER)
    return application


def _created(platform: Platform, path: str, token: str, body: dict[str, Any]) -> str | None:
    """POST ``body``; the new id, or None while the service has not yet copied the role."""
    headers = {"Authorization": f"Bearer {token}"}
    answer = requests.post(platform.base + path, headers=headers, json=body, timeout=10)
    assert answer.status_code in (201, 404, 422), answer.text
    return str(answer.json()["id"]) if answer.status_code == 201 else None


def _escalate(platform: Platform, application: str, role: str) -> None:
    """The response-time sweep, three weeks on, on the running platform's own database (its
    relay then publishes what the sweep wrote): the application escalates to the centre."""
    env = {"VMP_MODE": "embedded", "VMP_DATA_DIR": str(platform.data_dir),
           "VMP_POSTCODES_DB": str(POSTCODES)}  # fmt: skip
    runtime = VOLUNTEERS.bootstrap(Config.from_env("volunteers", env), None)
    try:
        wait_for(lambda: _covered(runtime, role), 60)  # once the catchment is copied
        escalated = sweep(runtime, now=utcnow() + dt.timedelta(days=21)).escalated
        assert escalated == [application], escalated
    finally:
        runtime.close()


def _covered(runtime: ServiceRuntime, role: str) -> str | None:
    # A new session each time: one long transaction would keep reading the same snapshot.
    with runtime.session_factory() as session:
        return covering_centre(session, role)


def _reset_link(platform: Platform) -> str:
    _register(platform, FORGETFUL, "volunteer", "Alex Reid")
    answer = requests.post(platform.base + "/api/v1/auth/password-reset",
                           json={"email": FORGETFUL}, timeout=10)  # fmt: skip
    assert answer.status_code == 202, answer.text
    return wait_for(lambda: _mail_token(platform, FORGETFUL, "Reset your password"))


def _account_pages(search: str, reset: str) -> list[dict[str, Any]]:
    new = "/account/saved-searches/new?postcode=LS1+4DY&miles=10&causes=OlderPeople"
    return [
        {"name": "account", "path": "/account", "signed_in": True, "screenshot": True},
        {"name": "account-profile", "path": "/account/profile", "signed_in": True,
         "screenshot": True},
        {"name": "account-profile-error", "path": "/account/profile", "signed_in": True,
         "submit": True, "fill": {"#travel_miles": "far", "#date_of_birth-day": "31",
                                  "#date_of_birth-month": "2", "#date_of_birth-year": "1990"}},
        {"name": "account-saved-searches", "path": "/account/saved-searches", "signed_in": True,
         "screenshot": True},
        {"name": "account-save-search", "path": new, "signed_in": True},
        {"name": "account-save-search-error", "path": new, "signed_in": True, "submit": True,
         "fill": {"#name": ""}},
        {"name": "account-delete-search", "path": f"/account/saved-searches/{search}/delete",
         "signed_in": True},
        {"name": "account-data", "path": "/account/data", "signed_in": True},
        {"name": "account-delete", "path": "/account/delete", "signed_in": True},
        {"name": "account-delete-error", "path": "/account/delete", "signed_in": True,
         "submit": True, "fill": {"#password": "not my password"}},
        {"name": "account-reset", "path": "/account/reset-password"},
        {"name": "account-reset-error", "path": "/account/reset-password", "submit": True},
        {"name": "account-reset-sent", "path": "/account/reset-password/sent"},
        {"name": "account-reset-new", "path": f"/account/reset-password/new?token={reset}"},
        {"name": "account-reset-new-error", "path": f"/account/reset-password/new?token={reset}",
         "submit": True, "fill": {"#password": "short"}},
        {"name": "account-reset-failed", "path": "/account/reset-password/new?token=nope"},
        {"name": "account-reset-done", "path": "/account/reset-password/done"},
        {"name": "account-deleted", "path": "/account/deleted"},
    ]  # fmt: skip


def _empty_centre_pages() -> list[dict[str, Any]]:
    """Before anything is escalated or any hours are given."""
    return [
        {"name": "centre-escalated-empty", "path": "/centre/escalated", "signed_in": True},
        {"name": "centre-reports-empty", "path": "/centre/reports", "signed_in": True},
    ]  # fmt: skip


def _centre_pages(pending: str) -> list[dict[str, Any]]:
    reject = f"/centre/moderation/{pending}/reject"
    return [
        {"name": "centre", "path": "/centre", "signed_in": True, "screenshot": True},
        {"name": "centre-moderation", "path": "/centre/moderation", "signed_in": True,
         "screenshot": True},
        {"name": "centre-reject", "path": reject, "signed_in": True},
        {"name": "centre-reject-error", "path": reject, "signed_in": True, "submit": True},
        {"name": "centre-escalated", "path": "/centre/escalated", "signed_in": True,
         "screenshot": True},
        {"name": "centre-reports", "path": "/centre/reports", "signed_in": True,
         "screenshot": True},
    ]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("account-pages")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VMP_MODERATION", "on")  # so new organisations wait in the queue
        with running_platform(folder / "data") as platform:
            roles = seed_roles(platform)
            search = _volunteer(platform)
            pending = _centre(platform)
            reset = _reset_link(platform)

            def audit(who: str, pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
                found: list[dict[str, Any]] = node("pages.mjs", {
                    "base": platform.base, "out_dir": str(folder), "shots_dir": str(SHOTS),
                    "sign_in": {"email": who, "password": PASSWORD}, "pages": pages,
                }, timeout_s=600)  # fmt: skip
                return found

            report = audit(VOLUNTEER, _account_pages(search, reset))
            report += audit(STAFF, _empty_centre_pages())
            application = _helper(platform, roles)
            _escalate(platform, application, roles["Library helper"])
            report += audit(STAFF, _centre_pages(pending))
            yield Site(report)


def _entry(site: Site, name: str) -> dict[str, Any]:
    return next(e for e in site.report if e["name"] == name)


def test_no_axe_violations_on_any_page(site: Site) -> None:
    assert axe_violations(site.report) == {}


def test_no_html_errors_on_any_page(site: Site) -> None:
    files = [e["html"] for e in site.report]
    errors = html_errors(files)
    assert errors == [], errors[:10]


def test_pages_answer_as_expected(site: Site) -> None:
    statuses = {e["name"]: (e["status"], e["nojs_status"]) for e in site.report}
    assert statuses["account-reset-failed"] == (400, 400)
    for name, status in statuses.items():
        if name != "account-reset-failed":
            assert status == (200, 200), (name, status)
    assert _entry(site, "centre-moderation")["h1"] == ["Organisations waiting for approval"]
    assert "Hyde Park Friends" in Path(_entry(site, "centre-moderation")["html"]).read_text()
    assert (
        "Older people near LS1" in Path(_entry(site, "account-saved-searches")["html"]).read_text()
    )
    empty = Path(_entry(site, "centre-escalated-empty")["html"]).read_text()
    assert "No applications have been escalated" in empty


def test_the_filled_centre_pages_show_the_escalation_and_the_hours(site: Site) -> None:
    escalated = Path(_entry(site, "centre-escalated")["html"]).read_text()
    assert UNANSWERED in escalated and "Library helper" in escalated
    assert "No applications have been escalated" not in escalated
    dashboard = Path(_entry(site, "centre")["html"]).read_text()
    assert "1 application went unanswered for 7 working days" in dashboard
    reports = _text(Path(_entry(site, "centre-reports")["html"]).read_text())
    assert f"Hours given (approved) {APPROVED_TEXT}" in reports
    assert "Volunteers with hours 1" in reports
    assert "Applications escalated to this centre 1" in reports
    before = _text(Path(_entry(site, "centre-reports-empty")["html"]).read_text())
    assert "Hours given (approved) 0 hours" in before


def _text(html: str) -> str:
    """The page's words, one space apart (tags dropped)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_error_states_have_a_summary_linked_to_fields(site: Site) -> None:
    expected = {
        "account-profile-error": {"#travel_miles", "#date_of_birth-day"},
        "account-save-search-error": {"#name"},
        "account-delete-error": {"#password"},
        "account-reset-error": {"#email"},
        "account-reset-new-error": {"#password"},
        "centre-reject-error": {"#reason"},
    }
    for name, targets in expected.items():
        entry = _entry(site, name)
        assert entry["title"].startswith("Error: "), (name, entry["title"])
        assert {link["target"] for link in entry["error_links"]} == targets, name
        assert all(link["exists"] for link in entry["error_links"]), (name, entry["error_links"])


def test_nothing_scrolls_sideways_at_320_px(site: Site) -> None:
    overflow = {e["name"]: e["overflow_320"] for e in site.report if "overflow_320" in e}
    wide = {e["name"]: e["wide_320"] for e in site.report if e.get("wide_320")}
    assert len(overflow) == 7 and all(v <= 0 for v in overflow.values()), (overflow, wide)


def test_screenshots_are_saved(site: Site) -> None:
    for entry in site.report:
        if "overflow_320" in entry:
            assert entry["name"].startswith(("account", "centre"))
            for width in (1280, 375):
                assert (SHOTS / f"{entry['name']}-{width}.png").stat().st_size > 5_000
