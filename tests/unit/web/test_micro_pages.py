"""The micro-volunteering pages through the gateway's test client: a volunteer sets their
availability and wallet, an organisation member posts a task with the form, the volunteer
sees the offer and accepts it; hours and time credits; and the forms' error summaries."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from gateway.embedded import DEFINITIONS
from gateway.web.pages.micro_format import clock, credits, duration, parse_date, uk, when
from gateway.web.pages.micro_hours import credit_hundredths
from services.common.auth import issue_token
from services.common.service import runtime_of

WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@dataclass
class Site:
    app: Flask
    relays: list[Any]
    consumers: list[Any]
    ids: dict[str, str] = field(default_factory=dict)

    def client(self, who: str, kind: str = "volunteer") -> FlaskClient:
        self.ids.setdefault(who, f"{who}-{uuid.uuid4().hex[:8]}")
        token = issue_token(self.app.config["VMP_AUTH_SECRET"], self.ids[who],
                            email_verified=True, account_type=kind)  # fmt: skip
        client = self.app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    def pump(self) -> None:
        while sum(r.publish_pending() for r in self.relays) + sum(
            c.run_once(0) for c in self.consumers
        ):
            pass


@pytest.fixture
def site(platform_app: Flask) -> Site:
    apps = platform_app.extensions["platform"].apps
    runtimes = {name: runtime_of(app) for name, app in apps.items()}
    consumers = [runtimes[d.name].consumer(spec) for d in DEFINITIONS
                 for spec in d.consumer_specs(runtimes[d.name])]  # fmt: skip
    return Site(platform_app, [r.relay() for r in runtimes.values()], consumers)


def form_post(client: FlaskClient, page: str, action: str, data: dict[str, Any]) -> TestResponse:
    """Post a page's form as a browser would: with the CSRF token the page carries."""
    html = client.get(page).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None, html[:500]
    return client.post(action, data={"csrf_token": token.group(1), **data}, headers=SAME_ORIGIN)


def organisation(site: Site) -> str:
    owner = site.client("owner", "organisation")
    body = {"name": "Riverside Good Neighbours", "type": "charity", "postcode": "SE1 7PB"}
    org = owner.post("/api/v1/organisations", json=body)
    assert org.status_code == 201, org.get_json()
    site.pump()
    return str(org.get_json()["id"])


def volunteer_settings(site: Site, who: str = "vol") -> None:
    windows = [{"weekday": day, "start": "00:00", "end": "24:00"} for day in WEEK]
    body = {"postcode": "SE1 7PB", "travel_km": 10, "task_types": ["Shopping"],
            "date_of_birth": "1990-01-01", "windows": windows}  # fmt: skip
    assert site.client(who).put("/api/v1/availability", json=body).status_code == 200


def task_form(when_: dt.datetime, **extra: str) -> dict[str, str]:
    local = when_.astimezone(uk(when_).tzinfo)
    return {"task_type": "Shopping", "title": "A weekly shop", "description": "From the Co-op.",
            "where": "in_person", "postcode": "SE1 7PB",
            "date": f"{local.day}/{local.month}/{local.year}", "time": f"{local:%H:%M}",
            "duration": "60", "volunteers_needed": "1", "min_age": "18", **extra}  # fmt: skip


def tomorrow_at_ten(days: int = 2) -> dt.datetime:
    day = dt.date.today() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(10), tzinfo=uk(dt.datetime.now(dt.UTC)).tzinfo)


def post_task(site: Site, org: str, days: int = 2) -> str:
    owner = site.client("owner", "organisation")
    path = f"/manage/{org}/microtasks/new"
    posted = form_post(owner, path, path, task_form(tomorrow_at_ten(days)))
    assert posted.status_code == 303, posted.get_data(as_text=True)[:2000]
    found = re.match(rf"/manage/{org}/microtasks/([\w-]+)\?posted=1", posted.headers["Location"])
    assert found is not None, posted.headers["Location"]
    return found.group(1)


def test_a_task_is_posted_offered_and_accepted(site: Site) -> None:
    org = organisation(site)
    volunteer_settings(site)
    task_id = post_task(site, org)
    owner = site.client("owner", "organisation")
    manage = owner.get(f"/manage/{org}/microtasks/{task_id}?posted=1")
    text = manage.get_data(as_text=True)
    assert manage.status_code == 200 and "Your task is posted" in text
    assert "Offered, no answer yet" in text and "1 volunteer is free then" in text
    vol = site.client("vol")
    offers = vol.get("/microtasks/offers").get_data(as_text=True)
    assert "A weekly shop" in offers and "Offered to you" in offers
    accepted = form_post(vol, "/microtasks/offers", f"/microtasks/{task_id}/accept", {})
    assert accepted.status_code == 303
    assert accepted.headers["Location"] == f"/microtasks/{task_id}?done=accepted"
    page = vol.get(accepted.headers["Location"]).get_data(as_text=True)
    assert "You have this task" in page and "Give this task back" in page
    booking = vol.get(f"/api/v1/microtasks/{task_id}").get_json()["booking"]
    assert booking["status"] == "accepted"
    listed = site.client("owner", "organisation").get(f"/manage/{org}/microtasks")
    assert "1 of 1" in listed.get_data(as_text=True)


def test_a_task_taken_by_someone_else_says_so(site: Site) -> None:
    org = organisation(site)
    volunteer_settings(site, "vol")
    volunteer_settings(site, "other")
    task_id = post_task(site, org)
    assert site.client("other").post(f"/api/v1/microtasks/{task_id}/accept").status_code == 200
    vol = site.client("vol")
    # The page no longer offers it; a form opened before the place went still posts.
    refused = form_post(vol, "/account/availability", f"/microtasks/{task_id}/accept", {})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "There is a problem" in text and 'href="#answer"' in text and 'id="answer"' in text


def test_strangers_and_volunteers_cannot_manage_a_task(site: Site) -> None:
    org = organisation(site)
    volunteer_settings(site)
    task_id = post_task(site, org)
    assert site.client("vol").get(f"/manage/{org}/microtasks/{task_id}").status_code == 404
    assert site.client("stranger").get(f"/microtasks/{task_id}").status_code == 404
    assert site.client("stranger").get(f"/manage/{org}/microtasks").status_code in (403, 404)
    assert site.client("stranger").get(f"/manage/{org}/microtasks/new").status_code in (403, 404)
    anonymous = site.app.test_client().get("/microtasks/offers")
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/sign-in")


def test_posting_a_task_shows_the_apis_errors_on_the_fields(site: Site) -> None:
    org = organisation(site)
    owner = site.client("owner", "organisation")
    path = f"/manage/{org}/microtasks/new"
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    for form, field_id in ((task_form(past, title=""), "title"), (task_form(past), "date")):
        answer = form_post(owner, path, path, form)
        text = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "There is a problem" in text
        assert f'href="#{field_id}"' in text and f'id="{field_id}"' in text


def test_availability_is_saved_from_the_form_and_shown_again(site: Site) -> None:
    vol = site.client("vol")
    empty = vol.get("/account/availability").get_data(as_text=True)
    assert "Tell us when you are free" in empty
    data = {"postcode": "se1 7pb", "travel": "5", "task_types": ["Shopping", "DogWalking"],
            "date_of_birth": "17/5/1990", "rows": "3", "new": "1",
            "windows-0-day": "tuesday", "windows-0-start": "10:00", "windows-0-end": "12:00",
            "windows-1-day": "", "windows-2-day": ""}  # fmt: skip
    saved = form_post(vol, "/account/availability", "/account/availability", data)
    assert saved.status_code == 303
    mine = vol.get("/api/v1/availability").get_json()
    assert mine["postcode"] == "SE1 7PB" and mine["task_types"] == ["Shopping", "DogWalking"]
    assert mine["windows"] == [{"weekday": "tuesday", "start": "10:00", "end": "12:00"}]
    assert round(mine["travel_km"], 2) == 8.05
    shown = vol.get("/account/availability?saved=1").get_data(as_text=True)
    assert "Your availability is saved" in shown and 'value="17/5/1990"' in shown


def test_availability_errors_link_to_the_row_they_are_about(site: Site) -> None:
    vol = site.client("vol")
    data = {"postcode": "SE1 7PB", "travel": "5", "task_types": ["Shopping"],
            "date_of_birth": "17/5/1990", "rows": "3", "windows-0-day": "",
            "windows-1-day": "monday", "windows-1-start": "14:00", "windows-1-end": "10:00",
            "windows-2-day": ""}  # fmt: skip
    answer = form_post(vol, "/account/availability", "/account/availability", data)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'href="#windows-1-end"' in text
    assert 'id="windows-1-end"' in text


def test_the_wallet_adds_shows_and_removes_credentials(site: Site) -> None:
    vol = site.client("vol")
    assert "Your wallet is empty" in vol.get("/account/credentials").get_data(as_text=True)
    data = {"kind": "dbs", "dbs-level": "enhanced", "dbs-workforce": "adult",
            "dbs-issued_on": "3/2/2025", "dbs-update_service": "yes"}  # fmt: skip
    added = form_post(vol, "/account/credentials", "/account/credentials/add", data)
    assert added.status_code == 303
    page = vol.get("/account/credentials").get_data(as_text=True)
    assert "Enhanced DBS check" in page and "Self-declared" in page and "Valid" in page
    [item] = vol.get("/api/v1/credentials").get_json()["items"]
    assert item["update_service"] is True and item["issued_on"] == "2025-02-03"
    bad = form_post(
        vol,
        "/account/credentials",
        "/account/credentials/add",
        {"kind": "training", "training-type": "", "training-completed_on": ""},
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'href="#training-type"' in text
    removed = form_post(vol, "/account/credentials",
                        f"/account/credentials/{item['id']}/remove", {})  # fmt: skip
    assert removed.status_code == 303
    assert vol.get("/api/v1/credentials").get_json()["items"] == []


def test_hours_and_time_credits_pages(site: Site) -> None:
    vol = site.client("vol")
    page = vol.get("/account/hours").get_data(as_text=True)
    assert "You have not logged any hours yet" in page
    bad = form_post(vol, "/account/hours", "/account/hours", {"source": "", "minutes": "x"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and 'href="#minutes"' in text
    assert "Enter the minutes given as a whole number" in text
    credit_page = vol.get("/account/time-credits").get_data(as_text=True)
    assert "0.00 credits" in credit_page and "Nothing yet" in credit_page


def test_plain_english_times_and_amounts() -> None:
    assert credits(125) == "1.25 credits" and credits(100) == "1.00 credit"
    assert credits(-50) == "-0.50 credits"
    assert duration(90) == "1 hour 30 minutes" and duration(240) == "4 hours"
    assert when("2026-12-02T14:00:00Z", "2026-12-02T15:30:00Z") == (
        "Wednesday 2 December 2026, 2pm to 3:30pm"
    )
    assert clock(uk("2026-07-01T11:00:00Z")) == "midday"  # British Summer Time
    assert parse_date("27/3/2025") == "2025-03-27" and parse_date("soon") == "soon"


def test_forms_need_the_pages_csrf_token(site: Site) -> None:
    refused = site.client("vol").post("/microtasks/some-task/accept", headers=SAME_ORIGIN)
    assert refused.status_code == 400 and "This form has expired" in refused.get_data(as_text=True)


def test_declining_and_giving_a_task_back(site: Site) -> None:
    org = organisation(site)
    volunteer_settings(site)
    first, second = post_task(site, org), post_task(site, org, days=3)
    vol = site.client("vol")
    declined = form_post(vol, "/microtasks/offers", f"/microtasks/{first}/decline", {})
    assert declined.headers["Location"] == f"/microtasks/{first}?done=declined"
    assert vol.get(f"/api/v1/microtasks/{first}").get_json()["booking"]["status"] == "declined"
    form_post(vol, "/microtasks/offers", f"/microtasks/{second}/accept", {})
    back = form_post(vol, f"/microtasks/{second}", f"/microtasks/{second}/withdraw",
                     {"reason": "My car broke down"})  # fmt: skip
    assert back.headers["Location"] == f"/microtasks/{second}?done=withdrawn"
    page = vol.get(back.headers["Location"]).get_data(as_text=True)
    assert "You gave this task back" in page and "Give this task back" not in page


def test_coordinators_confirm_who_came(site: Site) -> None:
    now = {"at": dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)}
    runtime_of(site.app.extensions["platform"].apps["availability"]).extensions["clock"] = (
        lambda: now["at"]
    )
    org = organisation(site)
    volunteer_settings(site)
    starts = now["at"].replace(hour=10, minute=0) + dt.timedelta(days=1)
    body = {"organisation_id": org, "task_type": "Shopping", "title": "A weekly shop",
            "postcode": "SE1 7PB", "starts_at": starts.isoformat(),
            "duration_minutes": 60}  # fmt: skip
    owner = site.client("owner", "organisation")
    task_id = owner.post("/api/v1/microtasks", json=body).get_json()["id"]
    booking = site.client("vol").post(f"/api/v1/microtasks/{task_id}/accept").get_json()["id"]
    now["at"] = starts + dt.timedelta(hours=2)
    page = f"/manage/{org}/microtasks/{task_id}"
    action = f"{page}/bookings/{booking}/attendance"
    unanswered = form_post(owner, page, action, {})
    text = unanswered.get_data(as_text=True)
    assert unanswered.status_code == 422 and f'href="#attended-{booking}"' in text
    answers = {f"attended-{booking}": "yes", f"minutes-{booking}": "75"}
    done = form_post(owner, page, action, answers)
    assert done.status_code == 303 and done.headers["Location"] == page
    assert owner.get(page).get_data(as_text=True).count("Attended") >= 1
    [hours] = site.client("vol").get("/api/v1/hours").get_json()["items"]
    assert hours["minutes"] == 75 and hours["status"] == "approved"


def test_an_exchange_waiting_for_me_is_answered_on_the_statement_page(site: Site) -> None:
    asker, me = site.client("asker"), site.client("me")
    body = {"counterparty_id": site.ids["me"], "direction": "request", "amount": 50,
            "reason": "Thanks for the lift"}  # fmt: skip
    me.get("/account/time-credits")  # where "me" found the number: opens the account
    assert asker.post("/api/v1/timebank/exchanges", json=body).status_code == 201
    page = me.get("/account/time-credits").get_data(as_text=True)
    assert "Exchanges waiting for an answer" in page and "You pay 0.50 credits" in page
    [exchange] = me.get("/api/v1/timebank/exchanges").get_json()["items"]
    action = f"/account/time-credits/exchanges/{exchange['id']}/decline"
    declined = form_post(me, "/account/time-credits", action, {})
    assert declined.headers["Location"] == "/account/time-credits?done=declined"
    assert me.get("/api/v1/timebank/exchanges").get_json()["items"][0]["status"] == "declined"
    refused = form_post(asker, "/account/hours", action.replace("decline", "confirm"), {})
    assert refused.status_code in (303, 403, 404)  # the proposer may not confirm their own
    unknown = form_post(me, "/account/hours", action.replace("decline", "steal"), {})
    assert unknown.status_code == 404


# -- proposing a time-credit exchange --------------------------------------------------------

CREDITS = "/account/time-credits"


def test_a_member_proposes_an_exchange_with_their_number(site: Site) -> None:
    me, other = site.client("me"), site.client("other")
    other.get(CREDITS)  # where the other member found their number
    page = me.get(CREDITS).get_data(as_text=True)
    assert f'Your member number: <strong class="govuk-!-text-break-word">{site.ids["me"]}' in page
    form = {"counterparty": site.ids["other"], "direction": "request", "amount": "1:30",
            "reason": "A lift to the hospital"}  # fmt: skip
    done = form_post(me, CREDITS, CREDITS, form)
    assert (done.status_code, done.headers["Location"]) == (303, f"{CREDITS}?done=proposed")
    [asked] = other.get("/api/v1/timebank/exchanges").get_json()["items"]
    assert (asked["amount"], asked["payer_id"], asked["payee_id"], asked["reason"]) == (
        150, site.ids["other"], site.ids["me"], "A lift to the hospital")  # fmt: skip
    shown = me.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your exchange is proposed" in shown and "You receive 1.50 credits" in shown
    assert "Waiting for" in shown and "The other member" in shown
    paying = {**form, "direction": "pay", "amount": "0.25", "reason": "Thanks"}
    assert form_post(me, CREDITS, CREDITS, paying).status_code == 303
    mine = me.get("/api/v1/timebank/exchanges").get_json()["items"]
    assert {(e["amount"], e["payer_id"]) for e in mine} == {
        (150, site.ids["other"]), (25, site.ids["me"])}  # fmt: skip


def test_the_exchange_form_puts_each_problem_on_its_field(site: Site) -> None:
    me = site.client("me")
    empty = form_post(me, CREDITS, CREDITS, {})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "There is a problem" in text
    targets = ("counterparty", "direction", "amount", "reason")
    for target in targets:
        assert f'href="#{target}"' in text and f'id="{target}"' in text, target
    links = [text.index(f'href="#{target}"') for target in targets]
    assert links == sorted(links)  # in the form's order
    for message in ("Enter the other member&#39;s number",
                    "Select whether you pay them or ask them to pay you",
                    "Enter the hours as a number, like 1.5, or as hours and minutes, like 1:30",
                    "Enter what the exchange is for"):  # fmt: skip
        assert message in text, message
    myself = {"counterparty": site.ids["me"], "direction": "pay", "amount": "lots",
              "reason": "Gardening"}  # fmt: skip
    refused = form_post(me, CREDITS, CREDITS, myself).get_data(as_text=True)
    assert 'href="#amount"' in refused and 'value="lots"' in refused  # kept as typed
    myself["amount"] = "2"
    refused = form_post(me, CREDITS, CREDITS, myself).get_data(as_text=True)
    assert "An exchange needs another member." in refused and 'href="#counterparty"' in refused
    assert 'value="Gardening"' in refused
    assert me.get("/api/v1/timebank/exchanges").get_json()["items"] == []


def test_the_exchange_form_needs_an_account_and_the_pages_token(site: Site) -> None:
    anonymous = site.app.test_client()
    found = anonymous.get(CREDITS)
    assert found.status_code == 303 and found.headers["Location"].startswith("/sign-in")
    posted = anonymous.post(CREDITS, data={"counterparty": "x"}, headers=SAME_ORIGIN)
    assert posted.status_code in (303, 400)
    forged = site.client("me").post(CREDITS, data={"counterparty": "x"}, headers=SAME_ORIGIN)
    assert forged.status_code == 400
    assert site.client("me").get("/api/v1/timebank/exchanges").get_json()["items"] == []


@pytest.mark.parametrize(
    ("typed", "hundredths"),
    [("1.5", 150), ("1:30", 150), ("0:20", 33), ("2", 200), (".25", 25), (" 3 ", 300),
     ("1,5", None), ("lots", None), ("", None), ("1:75", None), ("-1", None)],
)  # fmt: skip
def test_hours_typed_as_credits(typed: str, hundredths: int | None) -> None:
    assert credit_hundredths(typed) == hundredths
