"""Volunteer Centre pages through the gateway's test client, in the authorisation world
(tests/unit/authorisation_world.py): centre C's staff ``cx`` covers SE1 (tenant X), centre
D's staff ``dx`` covers LS1 (tenant Y); each area has a pending organisation and an
application escalated to its centre."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from gateway.web.pages import centres_report as report
from tests.unit.authorisation_world import World

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = World(tmp_path_factory.mktemp("centres"))
    yield built
    built.close()


def _csrf(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found is not None, path
    return found.group(1)


def test_only_centre_staff_and_admins_see_the_centre_pages(world: World) -> None:
    for path in ("/centre", "/centre/moderation", "/centre/escalated", "/centre/reports",
                 "/centre/reports.csv"):  # fmt: skip
        assert world.client("cx").get(path).status_code == 200, path
        assert world.client("admin").get(path).status_code == 200, path
        assert world.client("va").get(path).status_code == 403, path
        assert world.client("ox").get(path).status_code == 403, path
        assert world.client("anonymous").get(path).status_code == 303, path


def test_the_dashboard_counts_what_is_waiting(world: World) -> None:
    text = world.client("cx").get("/centre").get_data(as_text=True)
    assert "1 new organisation in your area is waiting" in text
    assert "1 application went unanswered for 7 working days" in text


def test_the_queue_shows_the_centres_own_area_only(world: World) -> None:
    text = world.client("cx").get("/centre/moderation").get_data(as_text=True)
    assert "Pending X" in text and "Pending Y" not in text
    assert f"/centre/moderation/{world.tenant['X']['pending']}/reject" in text


def test_staff_approve_an_organisation_from_the_queue(world: World) -> None:
    org = world.fresh_org("X", approved=False)["org"]
    client = world.client("cx")
    token = _csrf(client, "/centre/moderation")
    done = client.post(f"/centre/moderation/{org}/approve", data={"csrf_token": token},
                       headers=SAME_ORIGIN)  # fmt: skip
    assert done.status_code == 303
    assert done.headers["Location"] == f"/centre/moderation?approved={org}"
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Fresh X has been approved" in page
    assert world.ok("admin", "GET", f"/api/v1/organisations/{org}")["moderation"] == "approved"


def test_staff_of_another_area_cannot_approve_or_reject(world: World) -> None:
    org = world.fresh_org("Y", approved=False)["org"]
    client = world.client("cx")
    token = _csrf(client, "/centre/moderation")
    refused = client.post(f"/centre/moderation/{org}/approve", data={"csrf_token": token},
                          headers=SAME_ORIGIN)  # fmt: skip
    assert refused.status_code == 403
    assert client.get(f"/centre/moderation/{org}/reject").status_code == 404


def test_rejecting_needs_a_reason(world: World) -> None:
    org = world.fresh_org("X", approved=False)["org"]
    client = world.client("cx")
    path = f"/centre/moderation/{org}/reject"
    token = _csrf(client, path)
    empty = client.post(path, data={"csrf_token": token, "reason": " "}, headers=SAME_ORIGIN)
    text = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "There is a problem" in text
    assert 'href="#reason"' in text and 'id="reason"' in text
    assert "Enter why you are rejecting the organisation" in text
    done = client.post(path, data={"csrf_token": token, "reason": "Not a real group"},
                       headers=SAME_ORIGIN)  # fmt: skip
    assert done.status_code == 303
    assert "Fresh X has been rejected" in client.get(done.headers["Location"]).get_data(True)


def test_escalated_applications_name_the_role_and_organisation(world: World) -> None:
    text = world.client("cx").get("/centre/escalated").get_data(as_text=True)
    assert "Befriending volunteer" in text and "Organisation X" in text
    assert world.tenant["X"]["message"] in text
    assert world.tenant["Y"]["message"] not in text


def test_the_report_counts_roles_and_replies_in_the_catchment(world: World) -> None:
    text = world.client("cx").get("/centre/reports").get_data(as_text=True)
    assert "Volunteer Centre X" in text and "Organisation X" in text
    assert "Organisation Y" not in text  # Leeds is not in SE1
    assert "Hours given are the hours these organisations approved" in text


def test_the_report_and_its_csv_show_approved_hours_and_volunteers(world: World) -> None:
    """X's role already has va's 90 approved minutes and 90 pending (authorisation_micro.py);
    vb adds 45 approved and 30 rejected: 135 minutes (2 hours 15 minutes, 2.25) from 2
    volunteers; pending and rejected minutes are not counted."""
    org, role = world.tenant["X"]["org"], world.tenant["X"]["role"]
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    for minutes, decision in ((45, "approve"), (30, "reject")):
        body = {"opportunity_id": role, "minutes": minutes, "worked_on": yesterday}
        hours = world.ok("vb", "POST", "/api/v1/hours", json=body)["id"]
        world.ok("ox", "POST", f"/api/v1/hours/{hours}/{decision}")
    totals = world.ok("cx", "GET", "/api/v1/hours/totals", query_string={"organisation_id": org})
    assert totals["items"][0]["approved_minutes"] == 135  # the fixture is as described
    text = world.client("cx").get("/centre/reports").get_data(as_text=True)
    card = text[text.index("<h4", text.index("By organisation")) :]
    assert re.search(r"Hours given \(approved\)\s*</dt>\s*<dd[^>]*>\s*2 hours 15 minutes", card)
    assert re.search(r"Volunteers with hours\s*</dt>\s*<dd[^>]*>\s*2\s*</dd>", card)
    summary = text[: text.index("By organisation")]  # the centre's totals
    assert re.search(r"Hours given \(approved\)\s*</dt>\s*<dd[^>]*>\s*2 hours 15 minutes",
                     summary)  # fmt: skip
    rows = list(csv.reader(io.StringIO(world.client("cx").get("/centre/reports.csv").text)))
    assert rows[0][-2:] == ["Hours given (approved)", "Volunteers with hours"]
    [x_row] = [row for row in rows if row[1] == "Organisation X"]
    assert x_row[-2:] == ["2.25", "2"]
    [total] = [row for row in rows if row[1] == "All organisations (total)"]
    assert total[0] == "Volunteer Centre X" and total[-2:] == ["2.25", "2"]


def test_the_report_downloads_as_csv_with_formulas_defused(world: World) -> None:
    owner_org = world.tenant["X"]["org"]
    world.ok("ox", "PATCH", f"/api/v1/organisations/{owner_org}", json={"name": "=HYPERLINK()"})
    world.pump()
    try:
        answer = world.client("cx").get("/centre/reports.csv")
        assert answer.mimetype == "text/csv"
        assert "attachment" in answer.headers["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
        assert rows[0][:2] == ["Volunteer Centre", "Organisation"]
        names = [row[1] for row in rows[1:]]
        assert "'=HYPERLINK()" in names, rows
    finally:
        world.ok("ox", "PATCH", f"/api/v1/organisations/{owner_org}",
                 json={"name": "Organisation X"})  # fmt: skip
        world.pump()


@pytest.mark.parametrize(
    ("minutes", "words", "number"),
    [(0, "0 hours", "0"), (1, "1 minute", "0.02"), (20, "20 minutes", "0.33"),
     (60, "1 hour", "1"), (61, "1 hour 1 minute", "1.02"), (255, "4 hours 15 minutes", "4.25"),
     (90_000, "1,500 hours", "1500"), (None, "Not available", "")],
)  # fmt: skip
def test_hours_read_as_words_on_the_page_and_as_numbers_in_the_csv(
    minutes: int | None, words: str, number: str
) -> None:
    assert report.hours_text(minutes) == words
    assert report.hours_number(minutes) == number
