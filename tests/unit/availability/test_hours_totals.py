"""Organisations' hours totalled for reports: approved minutes, distinct volunteers and
reports still waiting, counted by hand below; members, Volunteer Centre staff and admins may
read them, nobody else; bad queries are 422 problems."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from tests.unit.availability.conftest import Orgs, bearer
from tests.unit.availability.test_hours import publish_role, report

CENTRE_STAFF = {"roles": ["vc_staff"]}


def _centre(orgs: Orgs, moderation: str = "approved") -> str:
    centre_id = str(uuid.uuid4())
    orgs.send("organisations", "OrganisationRegistered", 3, centre_id, {
        "organisation_id": centre_id, "name": "Volunteer Centre Riverside",
        "type": "volunteer_centre", "postcode": "SE1 7PB",
        "registered_at": "2026-11-01T09:00:00Z", "moderation": moderation,
    })  # fmt: skip
    return centre_id


def _log(client: FlaskClient, role: str, who: str, minutes: int, day: str, decide: str) -> None:
    """``who`` reports hours for ``role``; coord-1 (a member of every org here) decides."""
    status, row = report(client, who, opportunity_id=role, minutes=minutes, worked_on=day)
    assert status == 201, row
    if decide != "pending":
        path = f"/api/v1/hours/{row['id']}/{decide}"
        assert client.post(path, headers=bearer("coord-1")).status_code == 200


@pytest.fixture
def two_orgs(client: FlaskClient, orgs: Orgs) -> tuple[str, str]:
    """A: vol-1 150 + 60 approved, vol-2 45 approved, vol-3 30 pending, vol-4 90 rejected.
    B: vol-1 120 approved."""
    org_a = orgs.create("coord-1", name="Park Friends")
    org_b = orgs.create("coord-2", name="Food Share")
    orgs.member(org_b, "coord-1", "editor")
    role_a, role_b = publish_role(orgs, org_a), publish_role(orgs, org_b)
    _log(client, role_a, "vol-1", 150, "2026-11-21", "approve")
    _log(client, role_a, "vol-1", 60, "2026-11-10", "approve")
    _log(client, role_a, "vol-2", 45, "2026-11-22", "approve")
    _log(client, role_a, "vol-3", 30, "2026-11-20", "pending")
    _log(client, role_a, "vol-4", 90, "2026-11-19", "reject")
    _log(client, role_b, "vol-1", 120, "2026-11-01", "approve")
    return org_a, org_b


def _totals(client: FlaskClient, who: str, query: str, **claims: object) -> tuple[int, dict]:
    response = client.get(f"/api/v1/hours/totals?{query}", headers=bearer(who, **claims))
    return response.status_code, response.get_json()


def test_totals_count_approved_minutes_distinct_volunteers_and_pending(
    client: FlaskClient, two_orgs: tuple[str, str]
) -> None:
    org_a, org_b = two_orgs
    nobody = str(uuid.uuid4())  # an organisation with no hours: zeros, not missing
    status, body = _totals(client, "admin-1", f"organisation_id={org_b}&organisation_id={org_a}"
                           f"&organisation_id={nobody}", roles=["admin"])  # fmt: skip
    assert status == 200
    assert body == {"since": None, "items": [
        {"organisation_id": org_b, "approved_minutes": 120, "volunteers": 1, "pending_reports": 0},
        {"organisation_id": org_a, "approved_minutes": 255, "volunteers": 2, "pending_reports": 1},
        {"organisation_id": nobody, "approved_minutes": 0, "volunteers": 0, "pending_reports": 0},
    ]}  # fmt: skip


def test_since_counts_hours_worked_on_that_day_or_later(
    client: FlaskClient, two_orgs: tuple[str, str]
) -> None:
    org_a, org_b = two_orgs
    query = f"organisation_id={org_a}&organisation_id={org_b}&since=2026-11-20"
    status, body = _totals(client, "coord-1", query)
    assert status == 200 and body["since"] == "2026-11-20"
    assert body["items"] == [  # vol-1's 60 on the 10th and B's 120 on the 1st drop out
        {"organisation_id": org_a, "approved_minutes": 195, "volunteers": 2, "pending_reports": 1},
        {"organisation_id": org_b, "approved_minutes": 0, "volunteers": 0, "pending_reports": 0},
    ]  # fmt: skip


def test_members_read_their_own_organisations_only(
    client: FlaskClient, two_orgs: tuple[str, str]
) -> None:
    org_a, org_b = two_orgs
    status, body = _totals(client, "coord-2", f"organisation_id={org_b}")
    assert status == 200 and body["items"][0]["approved_minutes"] == 120
    both = f"organisation_id={org_b}&organisation_id={org_a}"
    status, body = _totals(client, "coord-2", both)  # not a member of A: all refused
    assert status == 403 and body["status"] == 403
    assert "items" not in body


def test_strangers_and_volunteers_are_refused(
    client: FlaskClient, two_orgs: tuple[str, str]
) -> None:
    org_a, _ = two_orgs
    for who in ("stranger", "vol-1"):  # vol-1 gave hours there, but is not a member
        status, body = _totals(client, who, f"organisation_id={org_a}")
        assert status == 403, who
        assert body["type"].endswith("forbidden")
    assert client.get(f"/api/v1/hours/totals?organisation_id={org_a}").status_code == 401


def test_staff_of_an_approved_centre_read_any_organisation(
    client: FlaskClient, orgs: Orgs, two_orgs: tuple[str, str]
) -> None:
    org_a, _ = two_orgs
    centre = _centre(orgs)
    status, body = _totals(client, "staff-1", f"organisation_id={org_a}",
                           centres=[centre], **CENTRE_STAFF)  # fmt: skip
    assert status == 200
    assert body["items"] == [
        {"organisation_id": org_a, "approved_minutes": 255, "volunteers": 2, "pending_reports": 1}
    ]


def test_staff_of_no_approved_centre_are_refused(
    client: FlaskClient, orgs: Orgs, two_orgs: tuple[str, str]
) -> None:
    org_a, org_b = two_orgs
    pending_centre = _centre(orgs, moderation="pending")
    for centres in ([pending_centre], [org_b], []):  # org_b is a charity, not a centre
        status, _ = _totals(client, "staff-1", f"organisation_id={org_a}",
                            centres=centres, **CENTRE_STAFF)  # fmt: skip
        assert status == 403, centres
    approved = _centre(orgs)
    status, _ = _totals(client, "staff-1", f"organisation_id={org_a}",
                        centres=[approved])  # no vc_staff role: not staff  # fmt: skip
    assert status == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "organisation_id"),
        ("since=2026-11-01", "organisation_id"),
        ("organisation_id=", "organisation_id[0]"),
        ("organisation_id=a&since=yesterday", "since"),
        ("organisation_id=a&colour=red", "colour"),
        ("&".join(f"organisation_id=o{n}" for n in range(101)), "organisation_id"),
    ],
)
def test_bad_queries_are_422_problems(client: FlaskClient, query: str, field: str) -> None:
    response = client.get(f"/api/v1/hours/totals?{query}", headers=bearer("admin-1",
                          roles=["admin"]))  # fmt: skip
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()
