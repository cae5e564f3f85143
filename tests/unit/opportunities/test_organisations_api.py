"""Registering organisations, their members and profile changes, over HTTP."""

from __future__ import annotations

from tests.unit.opportunities.conftest import Service


def test_registration_makes_the_registrant_owner_and_emits_v3(svc: Service) -> None:
    org = svc.register(charity_number="sc 012345", postcode="se17ae")
    assert org["your_role"] == "owner"
    assert org["moderation"] == "approved"
    assert (org["postcode"], org["district_code"]) == ("SE1 7AE", "E09000022")
    assert org["charity_number"] == "SC012345"
    event, owner = svc.events("organisations")
    assert (event["event_type"], event["event_version"]) == ("OrganisationRegistered", 3)
    assert (owner["event_type"], owner["data"]) == (
        "MembershipChanged",
        {"organisation_id": org["id"], "account_id": "owner-1", "role": "owner"},
    )
    assert event["data"]["moderation"] == "approved"
    assert event["data"]["district_code"] == "E09000022"
    assert event["data"]["charity_number"] == "SC012345"
    assert event["occurred_at"] == "2026-12-01T09:00:00Z"


def test_registration_needs_a_verified_account(svc: Service) -> None:
    body = {"name": "Riverside", "type": "charity"}
    anonymous = svc.call("POST", "/api/v1/organisations", json=body)
    unverified = svc.call(
        "POST", "/api/v1/organisations", "a", json=body, claims={"email_verified": False}
    )
    assert anonymous.status_code == 401
    assert anonymous.headers["Content-Type"] == "application/problem+json"
    assert unverified.status_code == 403
    assert svc.events() == []


def test_invalid_registrations_name_the_fields_and_write_nothing(svc: Service) -> None:
    bad_number = svc.call(
        "POST",
        "/api/v1/organisations",
        "a",
        json={"name": "Riverside", "type": "charity", "charity_number": "12345"},
    )
    outward_only = svc.call(
        "POST",
        "/api/v1/organisations",
        "a",
        json={"name": "R", "type": "charity", "postcode": "SE1"},
    )
    assert bad_number.status_code == 422
    assert "Scotland" in bad_number.get_json()["errors"]["charity_number"][0]
    assert outward_only.status_code == 422
    assert outward_only.get_json()["errors"]["postcode"] == ["Enter a full postcode, like SE1 7AE."]
    assert svc.events() == []


def test_owners_manage_members_and_one_owner_always_stays(svc: Service) -> None:
    org_id = svc.register()["id"]
    members = f"/api/v1/organisations/{org_id}/members"
    added = svc.call("POST", members, "owner-1", json={"account_id": "ed-1", "role": "editor"})
    assert added.status_code == 201
    assert {"account_id": "ed-1", "role": "editor"} in added.get_json()["members"]
    by_editor = svc.call("POST", members, "ed-1", json={"account_id": "x", "role": "owner"})
    assert by_editor.status_code == 403
    last_owner = svc.call("DELETE", f"{members}/owner-1", "owner-1")
    assert last_owner.status_code == 409
    assert "at least one owner" in last_owner.get_json()["detail"]
    assert svc.call("DELETE", f"{members}/ed-1", "ed-1").status_code == 204  # leaving
    listed = svc.call("GET", members, "owner-1").get_json()["members"]
    assert listed == [{"account_id": "owner-1", "role": "owner"}]
    assert svc.call("GET", members, "stranger").status_code == 403
    assert svc.call("DELETE", f"{members}/nobody", "owner-1").status_code == 404


def test_members_edit_the_profile_and_each_change_is_one_update_event(svc: Service) -> None:
    org_id = svc.register()["id"]
    svc.call(
        "POST",
        f"/api/v1/organisations/{org_id}/members",
        "owner-1",
        json={"account_id": "ed-1", "role": "editor"},
    )
    path = f"/api/v1/organisations/{org_id}"
    changed = svc.call(
        "PATCH",
        path,
        "ed-1",
        json={
            "name": "Riverside Community Food Bank",
            "postcode": "SW1A 1AA",
            "website": "https://riverside.example.org",
            "charity_number": "NIC100002",
        },
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["district_code"] == "E09000033"
    assert (
        svc.call("PATCH", path, "ed-1", json={"name": "Riverside Community Food Bank"}).status_code
        == 200
    )
    assert svc.call("PATCH", path, "stranger", json={"name": "Mine now"}).status_code == 403
    updates = [e for e in svc.events("organisations") if e["event_type"] == "OrganisationUpdated"]
    assert len(updates) == 1  # the second PATCH changed nothing
    assert updates[0]["event_version"] == 3
    memberships = [e["data"] for e in svc.events("organisations")][1:]
    assert [(m.get("account_id"), m.get("role")) for m in memberships[:2]] == [
        ("owner-1", "owner"),
        ("ed-1", "editor"),
    ]
    assert updates[0]["data"]["name"] == "Riverside Community Food Bank"
    assert updates[0]["data"]["charity_number"] == "NIC100002"
    assert svc.call("GET", path).get_json()["name"] == "Riverside Community Food Bank"


def test_catchments_are_for_volunteer_centres_and_set_by_owners(svc: Service) -> None:
    vc_id = svc.register(name="Southwark VC", type="volunteer_centre")["id"]
    charity_id = svc.register()["id"]
    svc.call(
        "POST",
        f"/api/v1/organisations/{vc_id}/members",
        "owner-1",
        json={"account_id": "ed-1", "role": "editor"},
    )
    catchment = {"outward_codes": ["se1", "SE17"], "districts": ["e09000022"]}
    by_editor = svc.call(
        "PATCH", f"/api/v1/organisations/{vc_id}", "ed-1", json={"catchment": catchment}
    )
    assert by_editor.status_code == 403
    done = svc.call(
        "PATCH", f"/api/v1/organisations/{vc_id}", "owner-1", json={"catchment": catchment}
    )
    assert done.status_code == 200
    assert done.get_json()["catchment"] == {
        "outward_codes": ["SE1", "SE17"],
        "districts": ["E09000022"],
    }
    not_vc = svc.call(
        "PATCH", f"/api/v1/organisations/{charity_id}", "owner-1", json={"catchment": catchment}
    )
    assert not_vc.status_code == 422 and "catchment" in not_vc.get_json()["errors"]
    bad = svc.call(
        "PATCH",
        f"/api/v1/organisations/{vc_id}",
        "owner-1",
        json={"catchment": {"outward_codes": ["SE1 7AE", "QQ1"], "districts": ["Southwark"]}},
    )
    assert set(bad.get_json()["errors"]) == {
        "catchment.outward_codes[0]",
        "catchment.outward_codes[1]",
        "catchment.districts[0]",
    }


def test_unknown_organisations_are_404_problems(svc: Service) -> None:
    response = svc.call("GET", "/api/v1/organisations/nope")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_membership_changes_are_events_without_personal_data(svc: Service) -> None:
    org_id = svc.register()["id"]
    members = f"/api/v1/organisations/{org_id}/members"
    svc.call("POST", members, "owner-1", json={"account_id": "ed-1", "role": "editor"})
    svc.call("POST", members, "owner-1", json={"account_id": "ed-1", "role": "editor"})  # no-op
    assert svc.call("DELETE", f"{members}/ed-1", "owner-1").status_code == 204
    changes = [
        e["data"] for e in svc.events("organisations") if e["event_type"] == "MembershipChanged"
    ]
    assert changes == [
        {"organisation_id": org_id, "account_id": "owner-1", "role": "owner"},
        {"organisation_id": org_id, "account_id": "ed-1", "role": "editor"},
        {"organisation_id": org_id, "account_id": "ed-1", "role": None},
    ]
