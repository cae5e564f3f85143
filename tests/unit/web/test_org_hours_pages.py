"""An organisation's hours to approve, through the gateway's test client: the list, approving,
rejecting with a reason, and nobody else answering them."""

from __future__ import annotations

import datetime as dt

from gateway.web.pages.organisations_hours import names, row
from tests.unit.web.org_site import Site, post, post_from, published_role, registered

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def _logged_hours(site: Site, role: str, minutes: int, note: str = "") -> str:
    client = site.client("volunteer-1", "volunteer")
    body = {"opportunity_id": role, "minutes": minutes, "worked_on": YESTERDAY.isoformat(),
            "note": note}  # fmt: skip
    answer = client.post("/api/v1/hours", json=body)
    assert answer.status_code == 201, answer.get_json()
    hours: str = answer.get_json()["id"]
    return hours


def _volunteers_hours(site: Site) -> dict[str, tuple[str, str | None]]:
    items = site.client("volunteer-1", "volunteer").get("/api/v1/hours").get_json()["items"]
    return {item["id"]: (item["status"], item["reason"]) for item in items}


def test_hours_are_listed_and_approved(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    listing = f"/manage/{org}/hours"
    assert "No hours are waiting for your approval" in owner.get(listing).get_data(as_text=True)
    role = published_role(site, owner, org)
    first = _logged_hours(site, role, 90, "Tea and a chat")
    second = _logged_hours(site, role, 45)
    page = owner.get(listing).get_data(as_text=True)
    assert "2 waiting for your approval" in page
    assert "1 hour 30 minutes" in page and "45 minutes" in page and "Tea and a chat" in page
    assert '<span class="govuk-visually-hidden"> 45 minutes from Volunteer voluntee on' in page
    assert "Role: Befriending volunteer" in page and "Volunteer voluntee" in page
    assert f"{YESTERDAY:%A} {YESTERDAY.day} {YESTERDAY:%B %Y}" in page
    assert f'href="/manage/{org}/hours/{second}"' in page  # its page to reject it
    dashboard = owner.get(f"/manage/{org}").get_data(as_text=True)
    assert "Waiting for your approval: <strong>2</strong>" in dashboard
    assert f'href="{listing}"' in dashboard
    done = post_from(owner, listing, f"{listing}/{first}", {"action": "approve"})
    assert (done.status_code, done.headers["Location"]) == (303, f"{listing}?done=approved")
    assert _volunteers_hours(site)[first] == ("approved", None)
    after = owner.get(done.headers["Location"]).get_data(as_text=True)
    assert '<p class="govuk-notification-banner__heading">The hours are approved.' in after
    assert "1 waiting for your approval" in after
    again = post_from(owner, listing, f"{listing}/{first}", {"action": "approve"})
    assert again.headers["Location"] == f"{listing}?done=already"
    assert owner.get(f"{listing}/{first}").status_code == 404  # answered: nothing to reject


def test_rejecting_hours_needs_a_reason(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    hours = _logged_hours(site, published_role(site, owner, org), 120)
    path = f"/manage/{org}/hours/{hours}"
    form = owner.get(path).get_data(as_text=True)
    assert "Reject hours" in form and "2 hours" in form and 'name="reason"' in form
    refused = post(owner, path, {"action": "reject", "reason": "  "})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "There is a problem" in text
    assert 'href="#reason"' in text and 'id="reason"' in text
    assert "Enter why you are rejecting these hours" in text
    too_long = post(owner, path, {"action": "reject", "reason": "x" * 501})
    assert "The reason must be 500 characters or fewer" in too_long.get_data(as_text=True)
    assert _volunteers_hours(site)[hours] == ("reported", None)
    done = post(owner, path, {"action": "reject", "reason": "The session was cancelled."})
    assert done.headers["Location"] == f"/manage/{org}/hours?done=rejected"
    assert _volunteers_hours(site)[hours] == ("rejected", "The session was cancelled.")


def test_only_the_organisations_members_answer_its_hours(site: Site) -> None:
    owner = site.client("owner-1")
    org = registered(site, owner)
    hours = _logged_hours(site, published_role(site, owner, org), 60)
    stranger = site.client("owner-2")
    other = registered(site, stranger)
    for path in (f"/manage/{org}/hours", f"/manage/{org}/hours/{hours}"):
        assert stranger.get(path).status_code == 403, path
        assert site.client("volunteer-1", "volunteer").get(path).status_code == 403, path
    own_page = "/manage/organisations/new"  # any page of theirs, for a CSRF token
    for action in ("approve", "reject"):
        body = {"action": action, "reason": "Not ours"}
        answer = post_from(stranger, own_page, f"/manage/{org}/hours/{hours}", body)
        assert answer.status_code == 403, action
        # Under their own organisation's address, the hours are not theirs to see.
        answer = post_from(stranger, own_page, f"/manage/{other}/hours/{hours}", body)
        assert answer.status_code == 404, action
    assert _volunteers_hours(site)[hours] == ("reported", None)
    anonymous = site.app.test_client().get(f"/manage/{org}/hours")
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/sign-in")


def test_hours_rows_name_volunteers_the_organisation_knows() -> None:
    applications = [
        {"volunteer_id": "acc-known-1", "applicant": {"name": "Jo Bloggs", "email": "j@x.org"}},
        {"volunteer_id": "acc-gone-22", "applicant": None},
    ]
    known = names(applications)
    assert known == {"acc-known-1": "Jo Bloggs"}
    base = {"worked_on": "2026-12-01", "minutes": 75, "role_title": "Driver"}
    role_row = row({**base, "source": "role", "account_id": "acc-known-1"}, known)
    assert (role_row["volunteer"], role_row["what"]) == ("Jo Bloggs", "Role: Driver")
    assert role_row["worked"] == "Tuesday 1 December 2026"
    assert role_row["time"] == "1 hour 15 minutes"
    unknown = row({**base, "source": "role", "account_id": "acc-gone-22"}, known)
    assert unknown["volunteer"] == "Volunteer acc-gone"
    # Short tasks stay pseudonymous, even when the volunteer's name is known.
    task = row({**base, "source": "task", "account_id": "acc-known-1"}, known)
    assert (task["volunteer"], task["what"]) == ("Volunteer acc-know", "A short task")
