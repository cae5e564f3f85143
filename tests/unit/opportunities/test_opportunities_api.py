"""Roles over HTTP: creation, validation, access, lifecycle and the events they emit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.opportunities.conftest import Service, role_body


@pytest.fixture
def org_id(svc: Service) -> str:
    return str(svc.register()["id"])


def _create(svc: Service, org_id: str, as_: str = "owner-1", **fields: Any) -> Any:
    return svc.call("POST", "/api/v1/opportunities", as_, json=role_body(org_id, **fields))


def test_creating_a_role_makes_a_geocoded_draft_at_revision_one(svc: Service, org_id: str) -> None:
    response = _create(svc, org_id, questions=[{"text": "Why us?", "required": True}])
    assert response.status_code == 201
    role = response.get_json()
    assert response.headers["Location"] == f"/api/v1/opportunities/{role['id']}"
    assert (role["status"], role["revision"]) == ("draft", 1)
    assert role["locations"] == [
        {
            "postcode": "SE1 7AE",
            "latitude": pytest.approx(51.50052),
            "longitude": pytest.approx(-0.113771),
            "district_code": "E09000022",
        }
    ]
    [question] = role["questions"]
    assert question["id"] and question["required"] is True
    [event] = svc.events("opportunities")
    assert (event["event_type"], event["event_version"], event["key"]) == (
        "OpportunityCreated",
        1,
        role["id"],
    )
    assert event["data"]["revision"] == 1
    assert event["data"]["opportunity"]["locations"][0]["district_code"] == "E09000022"


@pytest.mark.parametrize(
    ("fields", "field", "needle"),
    [
        ({"causes": ["OlderPeople", "Knitting"]}, "causes", "Valid codes: AnimalWelfare"),
        ({"skills": ["Juggling"]}, "skills", "Valid codes:"),
        ({"requirements": ["Unicorn"]}, "requirements", "Valid codes:"),
        ({"accessibility": ["Lift"]}, "accessibility", "Valid codes:"),
        ({"rewards": ["Cake"]}, "rewards", "does not define any rewards"),
        ({"sessions": ["Someday"]}, "sessions", "MondayMorning"),
        ({"locations": [{"postcode": "SE1 9ZZ"}]}, "locations[0].postcode", "SE1 9ZZ"),
        ({"locations": [{"postcode": "SE1"}]}, "locations[0].postcode", "full postcode"),
        ({"locations": [], "remote": False}, "locations", "remotely"),
        ({"minimum_age": 30, "maximum_age": 18}, "maximum_age", "minimum age"),
        ({"starts_on": "2027-03-01", "ends_on": "2027-02-01"}, "ends_on", "starts"),
        ({"title": "x" * 151}, "title", "150"),
        ({"summary": "x" * 501}, "summary", "500"),
        ({"description": "x" * 20001}, "description", "20000"),
        ({"commitment": "sometimes"}, "commitment", "one_off"),
        ({"apply_url": "ftp://example.org"}, "apply_url", ""),
        (
            {"dated_sessions": [{"date": "2027-01-05", "starts": "10:00", "ends": "09:00"}]},
            "dated_sessions[0].ends",
            "after",
        ),
        (
            {"questions": [{"id": "a", "text": "?"}, {"id": "a", "text": "!"}]},
            "questions[1].id",
            "",
        ),
        ({"places": 0}, "places", ""),
        # Found by schemathesis: beyond a database integer, the insert overflowed (500).
        ({"places": 2**63}, "places", ""),
        ({"locations": [{"postcode": "SE1 7AE"}, {}]}, "locations[1].postcode", "required"),
        (
            {"dated_sessions": [{"date": "2027-01-05", "starts": "9am", "ends": "10:00"}]},
            "dated_sessions[0].starts",
            "HH:MM",
        ),
        ({"status": "published"}, "status", "Unknown field"),
    ],
)
def test_invalid_roles_name_the_field_and_write_nothing(
    shared: Service, fields: dict[str, Any], field: str, needle: str
) -> None:
    svc = shared  # one service for every case: nothing may accumulate in it
    org_id = _shared_org(svc)
    response = _create(svc, org_id, **fields)
    assert response.status_code == 422, response.get_json()
    assert response.headers["Content-Type"] == "application/problem+json"
    errors = response.get_json()["errors"]
    assert field in errors, errors
    assert needle in " ".join(errors[field])
    assert svc.events("opportunities") == []
    listed = svc.call("GET", f"/api/v1/organisations/{org_id}/opportunities", "owner-1")
    assert listed.get_json()["items"] == []


def _shared_org(svc: Service) -> str:
    registered = [
        e["key"] for e in svc.events("organisations") if e["event_type"] == "OrganisationRegistered"
    ]
    [org] = registered or [svc.register()["id"]]
    return str(org)


def test_a_remote_role_needs_no_location(svc: Service, org_id: str) -> None:
    response = _create(svc, org_id, locations=[], remote=True, commitment="micro")
    assert response.status_code == 201
    assert response.get_json()["locations"] == []


def test_only_members_change_roles(svc: Service, org_id: str) -> None:
    assert _create(svc, org_id, as_="stranger").status_code == 403
    assert svc.call("POST", "/api/v1/opportunities", json=role_body(org_id)).status_code == 401
    role = svc.create_role(org_id)
    path = f"/api/v1/opportunities/{role['id']}"
    # a stranger may not even learn that a draft exists
    assert svc.call("PATCH", path, "stranger", json={"title": "Mine"}).status_code == 404
    assert svc.act(role["id"], "publish").status_code == 200
    assert svc.call("PATCH", path, "stranger", json={"title": "Mine"}).status_code == 403
    assert svc.act(role["id"], "pause", "stranger").status_code == 403
    admin = svc.call("PATCH", path, "root", json={"places": 5}, claims={"roles": ["admin"]})
    assert admin.status_code == 200 and admin.get_json()["places"] == 5
    assert _create(svc, "no-such-org").get_json()["errors"] == {
        "organisation_id": ["There is no organisation no-such-org."]
    }


def test_drafts_are_visible_to_members_only(svc: Service, org_id: str) -> None:
    role = svc.create_role(org_id)
    path = f"/api/v1/opportunities/{role['id']}"
    listing = f"/api/v1/organisations/{org_id}/opportunities"
    assert svc.call("GET", path).status_code == 404
    assert svc.call("GET", path, "stranger").status_code == 404
    assert svc.call("GET", path, "owner-1").status_code == 200
    assert svc.call("GET", listing).get_json()["items"] == []
    assert len(svc.call("GET", listing, "owner-1").get_json()["items"]) == 1
    svc.act(role["id"], "publish")
    assert svc.call("GET", path).get_json()["status"] == "published"
    assert [r["id"] for r in svc.call("GET", listing).get_json()["items"]] == [role["id"]]


def test_patch_keeps_a_published_role_published_and_bumps_the_revision(
    svc: Service, org_id: str
) -> None:
    role = svc.create_role(org_id)
    svc.act(role["id"], "publish")
    path = f"/api/v1/opportunities/{role['id']}"
    patched = svc.call(
        "PATCH", path, "owner-1", json={"title": "Telephone befriender", "remote": True}
    )
    assert patched.status_code == 200
    body = patched.get_json()
    assert (body["status"], body["revision"], body["title"]) == (
        "published",
        3,
        "Telephone befriender",
    )
    assert body["causes"] == ["OlderPeople"]  # untouched fields stay
    invalid = svc.call("PATCH", path, "owner-1", json={"skills": ["Juggling"], "title": ""})
    assert invalid.status_code == 422
    assert set(invalid.get_json()["errors"]) == {"title"}  # marshmallow first
    past = svc.call("PATCH", path, "owner-1", json={"closes_on": "2026-11-30"})
    assert past.status_code == 422 and "closes_on" in past.get_json()["errors"]
    assert svc.event_types("opportunities") == [
        "OpportunityCreated",
        "OpportunityPublished",
        "OpportunityUpdated",
    ]


def test_the_lifecycle_over_http(svc: Service, org_id: str) -> None:
    role_id = svc.create_role(org_id)["id"]
    steps = [
        ("pause", 409),
        ("confirm", 409),
        ("publish", 200),
        ("publish", 409),
        ("confirm", 200),
        ("pause", 200),
        ("confirm", 409),
        ("publish", 200),
        ("close", 200),
        ("publish", 409),
        ("close", 409),
    ]
    for action, status in steps:
        response = svc.act(role_id, action, json={"reason": "Enough volunteers"})
        assert response.status_code == status, (action, response.get_json())
        if status == 409:
            assert response.get_json()["type"].endswith("/invalid-transition")
    events = svc.events("opportunities")
    assert [e["event_type"] for e in events] == [
        "OpportunityCreated",
        "OpportunityPublished",
        "OpportunityConfirmed",
        "OpportunityPaused",
        "OpportunityPublished",
        "OpportunityClosed",
    ]
    assert [e["data"]["revision"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[3]["data"]["reason"] == "Enough volunteers"
    assert events[2]["data"]["opportunity"]["confirmed_at"] == "2026-12-01T09:00:00Z"


def test_publishing_needs_a_closing_date_not_in_the_past(svc: Service, org_id: str) -> None:
    role_id = svc.create_role(org_id, closes_on="2026-12-11")["id"]
    svc.clock.advance(days=10)
    assert svc.act(role_id, "publish").status_code == 200  # closes today: still open
    svc.act(role_id, "pause")
    svc.clock.advance(days=1)
    refused = svc.act(role_id, "publish")
    assert refused.status_code == 422 and "closes_on" in refused.get_json()["errors"]


def test_deleting_a_draft_is_soft_and_other_statuses_cannot_be_deleted(
    svc: Service, org_id: str
) -> None:
    draft_id = svc.create_role(org_id)["id"]
    live_id = svc.create_role(org_id)["id"]
    svc.act(live_id, "publish")
    deleted = svc.call("DELETE", f"/api/v1/opportunities/{draft_id}", "owner-1")
    assert deleted.status_code == 200 and deleted.get_json()["status"] == "deleted"
    assert svc.call("GET", f"/api/v1/opportunities/{draft_id}", "owner-1").status_code == 404
    assert svc.call("DELETE", f"/api/v1/opportunities/{live_id}", "owner-1").status_code == 409
    last = svc.events("opportunities")[-1]
    assert (last["event_type"], last["data"]["opportunity"]["status"]) == (
        "OpportunityDeleted",
        "deleted",
    )
