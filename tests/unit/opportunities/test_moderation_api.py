"""Moderation: pending organisations, routed to the Volunteer Centre covering them."""

from __future__ import annotations

from typing import Any

from tests.unit.opportunities.conftest import Service

ADMIN = {"roles": ["admin"]}


def _centre(svc: Service, name: str, outward_codes: list[str], districts: list[str]) -> str:
    """A Volunteer Centre with a catchment, approved by an admin."""
    vc_id = svc.register(as_="vc-owner", name=name, type="volunteer_centre")["id"]
    svc.call("POST", f"/api/v1/organisations/{vc_id}/approve", "admin", claims=ADMIN)
    catchment = {"outward_codes": outward_codes, "districts": districts}
    response = svc.call(
        "PATCH", f"/api/v1/organisations/{vc_id}", "vc-owner", json={"catchment": catchment}
    )
    assert response.status_code == 200, response.get_json()
    return vc_id


def _staff(vc_id: str) -> dict[str, Any]:
    return {"roles": ["vc_staff"], "centres": [vc_id]}


def test_moderation_off_approves_at_registration(svc: Service) -> None:
    org = svc.register()
    role = svc.create_role(org["id"])
    assert org["moderation"] == "approved"
    assert svc.act(role["id"], "publish").status_code == 200


def test_pending_organisations_draft_but_cannot_publish(moderated: Service) -> None:
    org = moderated.register()
    assert org["moderation"] == "pending"
    registered, _owner = moderated.events("organisations")
    assert registered["data"]["moderation"] == "pending"
    role = moderated.create_role(org["id"])
    assert role["status"] == "draft"
    refused = moderated.act(role["id"], "publish")
    assert refused.status_code == 409
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.get_json()["type"].endswith("/approval-required")
    assert "approved" in refused.get_json()["detail"]
    assert moderated.event_types("opportunities") == ["OpportunityCreated"]


def test_staff_of_the_covering_centre_approve_and_others_cannot(moderated: Service) -> None:
    southwark = _centre(moderated, "Southwark VC", [], ["E09000022"])
    leeds = _centre(moderated, "Leeds VC", ["LS1"], [])
    org = moderated.register(postcode="SE1 7AE")
    path = f"/api/v1/organisations/{org['id']}"
    wrong_centre = moderated.call("POST", f"{path}/approve", "leeds-staff", claims=_staff(leeds))
    member = moderated.call("POST", f"{path}/approve", "owner-1")
    assert (wrong_centre.status_code, member.status_code) == (403, 403)
    # a token naming a centre without the vc_staff role is not enough either
    no_role = moderated.call("POST", f"{path}/approve", "x", claims={"centres": [southwark]})
    assert no_role.status_code == 403
    approved = moderated.call("POST", f"{path}/approve", "sw-staff", claims=_staff(southwark))
    assert approved.status_code == 200
    assert approved.get_json()["moderation"] == "approved"
    again = moderated.call("POST", f"{path}/approve", "sw-staff", claims=_staff(southwark))
    assert again.status_code == 409
    event = moderated.events("organisations")[-1]
    assert event["event_type"] == "OrganisationApproved"
    assert event["data"]["decided_by"] == "sw-staff"
    role = moderated.create_role(org["id"])
    assert moderated.act(role["id"], "publish").status_code == 200


def test_rejection_needs_a_reason(moderated: Service) -> None:
    southwark = _centre(moderated, "Southwark VC", ["SE1"], [])
    org = moderated.register(postcode="SE1 7AE")
    path = f"/api/v1/organisations/{org['id']}/reject"
    staff = _staff(southwark)
    no_reason = moderated.call("POST", path, "sw-staff", claims=staff, json={})
    blank = moderated.call("POST", path, "sw-staff", claims=staff, json={"reason": "  "})
    assert (no_reason.status_code, blank.status_code) == (422, 422)
    assert "reason" in no_reason.get_json()["errors"]
    rejected = moderated.call(
        "POST", path, "sw-staff", claims=staff, json={"reason": "Charity number not found"}
    )
    assert rejected.status_code == 200
    assert rejected.get_json()["moderation"] == "rejected"
    event = moderated.events("organisations")[-1]
    assert event["event_type"] == "OrganisationRejected"
    assert event["data"]["reason"] == "Charity number not found"
    role = moderated.create_role(org["id"])
    assert moderated.act(role["id"], "publish").status_code == 409
    path = f"/api/v1/organisations/{org['id']}"
    assert moderated.call("GET", path, "owner-1").get_json()["moderation_reason"] == (
        "Charity number not found"
    )
    assert moderated.call("GET", path).get_json()["moderation_reason"] is None


def test_the_queue_shows_each_caller_what_they_may_decide(moderated: Service) -> None:
    southwark = _centre(moderated, "Southwark VC", ["SE1"], [])
    leeds = _centre(moderated, "Leeds VC", [], ["E08000035"])
    in_southwark = moderated.register(name="Riverside", postcode="SE1 7PB")["id"]
    moderated.clock.advance(minutes=1)
    in_leeds = moderated.register(name="Aire Trust", postcode="LS1 4AP")["id"]
    moderated.clock.advance(minutes=1)
    nowhere = moderated.register(name="No Premises", postcode=None)["id"]

    def queue(account: str, claims: dict[str, Any]) -> list[str]:
        response = moderated.call("GET", "/api/v1/moderation/queue", account, claims=claims)
        assert response.status_code == 200, response.get_json()
        return [org["id"] for org in response.get_json()["items"]]

    assert queue("sw", _staff(southwark)) == [in_southwark]
    assert queue("ld", _staff(leeds)) == [in_leeds]
    assert queue("admin", ADMIN) == [in_southwark, in_leeds, nowhere]
    assert moderated.call("GET", "/api/v1/moderation/queue", "owner-1").status_code == 403
    moderated.call("POST", f"/api/v1/organisations/{in_leeds}/approve", "ld", claims=_staff(leeds))
    assert queue("ld", _staff(leeds)) == []
