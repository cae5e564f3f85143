"""The response-time guarantee through the service: reminders at 2 and 5 working days,
escalation to the covering Volunteer Centre at 7 with similar roles offered, and each
organisation's response statistics."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from flask import Flask

from services.volunteers.service_layer.guarantee import sweep
from tests.unit.volunteers.test_applications import World, app  # noqa: F401 - fixture

LONDON_FRIDAY = dt.datetime(2026, 12, 18, 16, 0, tzinfo=dt.UTC)  # 16:00 GMT


def at(flask_app: Flask, moment: dt.datetime) -> None:
    flask_app.extensions["runtime"].extensions["clock"] = lambda: moment


def centre(world: World, outward_codes: list[str]) -> str:
    centre_id = str(uuid.uuid4())
    world.send("organisations", "OrganisationRegistered", 3, centre_id, {
        "organisation_id": centre_id, "name": "Southwark Volunteer Centre",
        "type": "volunteer_centre", "postcode": "SE1 7AE", "registered_at": "2026-01-01T09:00:00Z",
        "moderation": "approved", "outward_code": "SE1",
        "catchment": {"outward_codes": outward_codes, "districts": []},
    })  # fmt: skip
    return centre_id


def test_reminders_then_escalation_with_similar_roles(app: Flask) -> None:  # noqa: F811
    world = World(app)
    southwark = centre(world, ["SE1", "SE11"])
    centre(world, ["LS1"])  # another centre, elsewhere
    other = dict(world.role, id=str(uuid.uuid4()), title="Lunch club helper")
    other_change = {"opportunity_id": other["id"], "revision": 1, "opportunity": other}
    world.send("opportunities", "OpportunityPublished", 1, other["id"], other_change)
    at(app, LONDON_FRIDAY)
    application = world.apply("vol-1").get_json()
    runtime = app.extensions["runtime"]

    # Working days skip the weekend and the 25 and 28 December bank holidays.
    expected = [
        (dt.datetime(2026, 12, 22, 15, 59, tzinfo=dt.UTC), [], []),
        (dt.datetime(2026, 12, 22, 16, 0, tzinfo=dt.UTC), [application["id"]], []),
        (dt.datetime(2026, 12, 24, 12, 0, tzinfo=dt.UTC), [], []),
        (dt.datetime(2026, 12, 29, 16, 0, tzinfo=dt.UTC), [application["id"]], []),
        (dt.datetime(2026, 12, 31, 15, 0, tzinfo=dt.UTC), [], []),
        (dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC), [], [application["id"]]),
        (dt.datetime(2027, 1, 8, 16, 0, tzinfo=dt.UTC), [], []),
    ]
    for moment, reminded, escalated in expected:
        report = sweep(runtime, moment)
        assert (report.reminded, report.escalated) == (reminded, escalated), moment

    events = [e for e in world.outbox() if e["event_type"].startswith("ApplicationRe")]
    assert [e["data"]["working_days"] for e in events] == [2, 5]
    [escalation] = [e for e in world.outbox() if e["event_type"] == "ApplicationEscalated"]
    assert escalation["data"]["volunteer_centre_id"] == southwark
    seen_by_volunteer = world.client("vol-1").get(f"/api/v1/applications/{application['id']}")
    body = seen_by_volunteer.get_json()
    assert body["escalated"] is True
    assert [r["title"] for r in body["similar_roles"]] == ["Lunch club helper"]
    assert (
        "similar_roles"
        not in world.client("owner-1").get(f"/api/v1/applications/{application['id']}").get_json()
    )


def test_an_answered_application_is_never_chased(app: Flask) -> None:  # noqa: F811
    world = World(app)
    at(app, LONDON_FRIDAY)
    application = world.apply("vol-1").get_json()
    at(app, dt.datetime(2026, 12, 21, 10, 0, tzinfo=dt.UTC))
    world.client("owner-1").post(f"/api/v1/applications/{application['id']}/seen")
    report = sweep(app.extensions["runtime"], dt.datetime(2027, 1, 31, tzinfo=dt.UTC))
    assert (report.reminded, report.escalated) == ([], [])


def test_response_statistics_per_organisation(app: Flask) -> None:  # noqa: F811
    world = World(app, places=5)
    at(app, LONDON_FRIDAY)
    quick = world.apply("vol-1").get_json()
    slow = world.apply("vol-2").get_json()
    world.apply("vol-3")  # never answered: overdue by the time of the statistics
    owner = world.client("owner-1")
    at(app, dt.datetime(2026, 12, 21, 16, 0, tzinfo=dt.UTC))  # 1 working day later
    owner.post(f"/api/v1/applications/{quick['id']}/in-contact")
    at(app, dt.datetime(2026, 12, 30, 16, 0, tzinfo=dt.UTC))  # 6 working days later
    owner.post(f"/api/v1/applications/{slow['id']}/seen")
    at(app, dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC))
    stats = app.test_client().get(f"/api/v1/applications/stats?organisation_id={world.org_id}")
    assert stats.get_json() == {
        "organisation_id": world.org_id,
        "applications": 3,
        "answered": 2,
        "median_working_days_to_first_response": 3.5,
        "share_answered_within_5_working_days": 1 / 3,
    }
    assert json.dumps(stats.get_json())  # public, and serialisable
