"""A volunteer's profile (theirs alone, consents timestamped, bad input named) and the
roles suggested from it, with reasons."""

from __future__ import annotations

import uuid

from flask import Flask

from tests.unit.volunteers.test_applications import NOW, World, app  # noqa: F401 - fixture


def test_profile_is_private_validated_and_timestamps_consents(app: Flask) -> None:  # noqa: F811
    world = World(app)
    me = world.client("vol-1")
    bad = me.patch(
        "/api/v1/me/profile",
        json={"postcode": "SE1 9ZZ", "causes": ["Nope"], "travel_km": 500, "consents": {"x": True}},
    )
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]
    assert {"causes", "travel_km"} <= set(errors)
    assert any(field.startswith("consents") for field in errors), errors
    changed = me.patch(
        "/api/v1/me/profile",
        json={
            "postcode": "se17ae",
            "travel_km": 5,
            "causes": ["OlderPeople"],
            "availability": ["MondayMorning"],
            "date_of_birth": "1990-05-17",
            "consents": {"email_alerts": True},
        },
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["postcode"] == "SE1 7AE"
    assert body["consents"] == {"email_alerts": {"given": True, "at": NOW.isoformat()}}
    unknown_postcode = me.patch("/api/v1/me/profile", json={"postcode": "SE1 9ZZ"})
    assert "SE1" in unknown_postcode.get_json()["errors"]["postcode"][0]
    assert world.client("vol-2").get("/api/v1/me/profile").get_json()["causes"] == []
    assert app.test_client().get("/api/v1/me/profile").status_code == 401


def test_suggestions_rank_nearby_matching_roles_and_say_why(app: Flask) -> None:  # noqa: F811
    world = World(app)  # its role: SE1 7PB, OlderPeople and MentalHealth, Monday mornings
    far = dict(world.role, id=str(uuid.uuid4()), title="Far away role")
    far["locations"] = [{"postcode": "LS1 4DY", "latitude": 53.796, "longitude": -1.547}]
    change = {"opportunity_id": far["id"], "revision": 1, "opportunity": far}
    world.send("opportunities", "OpportunityPublished", 1, far["id"], change)
    me = world.client("vol-1")
    me.patch(
        "/api/v1/me/profile",
        json={
            "postcode": "SE1 7AE",
            "travel_km": 5,
            "causes": ["OlderPeople"],
            "availability": ["MondayMorning"],
        },
    )
    found = me.get("/api/v1/me/suggestions").get_json()["items"]
    assert [s["id"] for s in found] == [world.role["id"]]  # Leeds is beyond 5 km
    reasons = found[0]["reasons"]
    assert reasons[0].endswith("km away") and "Older People" in reasons
    assert "Monday mornings" in reasons
    assert found[0]["unmet_requirements"] == ["DBSCheck"]


def test_a_body_that_is_not_json_is_a_400_not_read_as_empty(app: Flask) -> None:  # noqa: F811
    """It was read as {} and answered with a misleading 422 about missing fields."""
    me = World(app).client("vol-1")
    for path, method in (("/api/v1/me/profile", me.patch), ("/api/v1/applications", me.post)):
        answer = method(path, data=b'{"postcode": "SE1', content_type="application/json")
        assert answer.status_code == 400, (path, answer.get_json())
        assert answer.content_type == "application/problem+json"
