"""Organisations' pages through the gateway's test client: registering, posting, previewing
and publishing a role, pausing, reopening and closing it, the inbox with its waiting times,
answering an application, and approving or rejecting the hours volunteers logged."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.web.pages.organisations_inbox import Waiting, waiting
from services.common.envelope import utcnow
from tests.unit.web.org_site import (
    ROLE_FORM,
    Site,
    apply,
    post,
    post_from,
    published_role,
    registered,
)


def test_manage_needs_an_account_and_lists_my_organisations(site: Site) -> None:
    anonymous = site.app.test_client().get("/manage")
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"] == "/sign-in?next=/manage"
    owner = site.client("owner-1")
    empty = owner.get("/manage").get_data(as_text=True)
    assert "You are not a member of any organisation yet" in empty
    org = registered(site, owner)
    listed = owner.get("/manage").get_data(as_text=True)
    assert f'href="/manage/{org}"' in listed and "Riverside Food Bank" in listed


def test_registering_an_organisation_names_wrong_fields(site: Site) -> None:
    owner = site.client("owner-1")
    refused = post(owner, "/manage/organisations/new", {"name": "", "postcode": "SE1"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "There is a problem" in body
    for field in ("name", "type"):
        assert f'href="#{field}"' in body and f'id="{field}"' in body
    assert "Enter the name of the organisation" in body
    assert "Select what kind of organisation it is" in body


def test_an_organisation_posts_previews_and_publishes_a_role(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    dashboard = owner.get(f"/manage/{org}?registered=1").get_data(as_text=True)
    assert "Riverside Food Bank is registered" in dashboard and "No roles yet" in dashboard
    assert "&lt;p" not in dashboard  # the banner is markup, not escaped text
    response = post(owner, f"/manage/{org}/roles/new", ROLE_FORM)
    preview_path = response.headers["Location"]
    role = preview_path.split("/")[4]
    preview = owner.get(preview_path).get_data(as_text=True)
    assert "Draft: not published yet" in preview and "Befriending volunteer" in preview
    assert "Monday morning" in preview and "Older People" in preview
    assert f'action="/manage/{org}/roles/{role}/publish"' in preview
    role = published_role(site, owner, org)
    after = owner.get(f"/manage/{org}?published={role}").get_data(as_text=True)
    assert "Befriending volunteer is published" in after and "Published (1)" in after
    public = site.app.test_client().get(f"/api/v1/opportunities/{role}").get_json()
    assert public["status"] == "published" and public["places"] == 3
    assert public["closes_on"] == f"{dt.date.today().year + 1}-03-31"


def test_the_role_form_puts_the_apis_messages_on_its_fields(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    bad = {**ROLE_FORM, "title": "", "commitment": "", "postcodes": "SE1 7AE, ZZ9 9ZZ",
           "minimum_age": "sixteen", "closes_on-day": "31", "closes_on-month": "2"}  # fmt: skip
    refused = post(owner, f"/manage/{org}/roles/new", bad)
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
    unknown = post(owner, f"/manage/{org}/roles/new", typo)
    body = unknown.get_data(as_text=True)
    assert "Postcode ZZ9 9ZZ: Enter a real UK postcode" in body
    assert 'href="#postcodes"' in body and 'id="postcodes"' in body
    nowhere = post(owner, f"/manage/{org}/roles/new", {**ROLE_FORM, "postcodes": ""})
    assert "Add at least one location" in nowhere.get_data(as_text=True)
    listed = site.app.test_client().get(f"/api/v1/organisations/{org}/opportunities")
    assert listed.get_json()["items"] == []


def test_editing_a_role_keeps_it_and_changes_it(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    role = published_role(site, owner, org)
    form = owner.get(f"/manage/{org}/roles/{role}/edit").get_data(as_text=True)
    assert 'value="Befriending volunteer"' in form and 'value="31"' in form
    # Lists with something ticked are open; the others are folded away.
    assert '<details id="causes-details" class="govuk-details" open>' in form
    assert '<details id="accessibility-details" class="govuk-details">' in form
    assert "Causes (1 chosen)" in form
    changed = post(owner, f"/manage/{org}/roles/{role}/edit", {**ROLE_FORM, "places": "5"})
    assert changed.status_code == 303
    assert site.app.test_client().get(f"/api/v1/opportunities/{role}").get_json()["places"] == 5


def test_other_organisations_cannot_see_or_post(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    role = published_role(site, owner, org)
    stranger = site.client("owner-2")
    for path in (f"/manage/{org}", f"/manage/{org}/roles/new", f"/manage/{org}/applications",
                 f"/manage/{org}/roles/{role}/edit"):  # fmt: skip
        assert stranger.get(path).status_code == 403, path
    other = registered(site, stranger)
    assert stranger.get(f"/manage/{other}/roles/{role}/preview").status_code == 404


def test_the_inbox_shows_overdue_applications_first_and_the_owner_accepts(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    role = published_role(site, owner, org)
    site.clock("volunteers", utcnow() - dt.timedelta(days=12))
    old = apply(site, role, "volunteer-old")
    site.clock("volunteers", None)
    new = apply(site, role, "volunteer-new")
    inbox = owner.get(f"/manage/{org}/applications").get_data(as_text=True)
    assert "2 waiting for your reply, 1 of them overdue" in inbox
    assert "Overdue: waiting 12 days" in inbox and "Waiting since today" in inbox
    assert inbox.index(old) < inbox.index(new)  # overdue first
    dashboard = owner.get(f"/manage/{org}").get_data(as_text=True)
    assert "1 overdue" in dashboard
    page = owner.get(f"/manage/{org}/applications/{new}").get_data(as_text=True)
    assert "I can help on Mondays." in page and "Befriending volunteer" in page
    refused = post(owner, f"/manage/{org}/applications/{new}", {})
    assert 'href="#decision"' in refused.get_data(as_text=True)
    done = post(owner, f"/manage/{org}/applications/{new}", {"decision": "accept"})
    assert done.status_code == 303
    assert done.headers["Location"] == f"/manage/{org}/applications?answered={new}"
    found = site.client("volunteer-new", "volunteer").get(f"/api/v1/applications/{new}")
    assert found.get_json()["status"] == "accepted"


def test_declining_sends_the_optional_reason(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    application = apply(site, published_role(site, owner, org))
    done = post(owner, f"/manage/{org}/applications/{application}",
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


# -- pausing, reopening and closing a role ---------------------------------------------------


def _status(site: Site, role: str) -> str:
    status: str = site.app.test_client().get(f"/api/v1/opportunities/{role}").get_json()["status"]
    return status


def test_a_role_is_paused_reopened_and_closed_after_confirming(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    role = published_role(site, owner, org)
    dashboard = f"/manage/{org}"
    shown = owner.get(dashboard).get_data(as_text=True)
    assert f'action="/manage/{org}/roles/{role}/pause"' in shown
    # The button names its role for screen readers (markup, not escaped text).
    assert 'Pause<span class="govuk-visually-hidden"> Befriending volunteer</span>' in shown
    paused = post_from(owner, dashboard, f"/manage/{org}/roles/{role}/pause", {})
    assert (paused.status_code, paused.headers["Location"]) == (303, f"/manage/{org}?moved={role}")
    assert _status(site, role) == "paused"
    shown = owner.get(paused.headers["Location"]).get_data(as_text=True)
    assert ('<p class="govuk-notification-banner__heading">Befriending volunteer is paused: it is '
            "out of search") in shown  # fmt: skip
    assert "Paused (1)" in shown and f'action="/manage/{org}/roles/{role}/reopen"' in shown
    reopened = post_from(owner, dashboard, f"/manage/{org}/roles/{role}/reopen", {})
    assert reopened.status_code == 303 and _status(site, role) == "published"
    assert "Befriending volunteer is open again" in owner.get(
        reopened.headers["Location"]).get_data(as_text=True)  # fmt: skip
    close_page = f"/manage/{org}/roles/{role}/close"
    asked = owner.get(close_page).get_data(as_text=True)
    assert "Are you sure you want to close Befriending volunteer?" in asked
    assert "You cannot reopen a closed role" in asked and _status(site, role) == "published"
    closed = post(owner, close_page, {})
    assert (closed.status_code, closed.headers["Location"]) == (303, f"/manage/{org}?moved={role}")
    assert _status(site, role) == "closed"
    after = owner.get(closed.headers["Location"]).get_data(as_text=True)
    assert "Befriending volunteer is closed" in after and "Closed (1)" in after
    assert f"/roles/{role}/pause" not in after and f"/roles/{role}/close" not in after
    assert "This role is already closed" in owner.get(close_page).get_data(as_text=True)


def test_a_move_the_role_cannot_make_is_explained_on_the_dashboard(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    role = published_role(site, owner, org)
    assert post(owner, f"/manage/{org}/roles/{role}/close", {}).status_code == 303
    # A page opened before the role was closed still offers to pause it.
    refused = post_from(owner, f"/manage/{org}/roles/new", f"/manage/{org}/roles/{role}/pause",
                         {})  # fmt: skip
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Befriending volunteer was not changed" in text
    assert "A closed role cannot be paused." in text and _status(site, role) == "closed"


def test_others_cannot_pause_or_close_a_role(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    role = published_role(site, owner, org)
    stranger = site.client("owner-2")
    assert stranger.get(f"/manage/{org}/roles/{role}/close").status_code == 403
    own_page = "/manage/organisations/new"  # any page of theirs, for a CSRF token
    for move in ("pause", "reopen", "close"):
        action = f"/manage/{org}/roles/{role}/{move}"
        assert post_from(stranger, own_page, action, {}).status_code == 403, move
    volunteer = site.client("volunteer-1", "volunteer")
    assert volunteer.get(f"/manage/{org}/roles/{role}/close").status_code == 403
    assert _status(site, role) == "published"


# -- hours to approve ------------------------------------------------------------------------
