"""Open data out: the UK Volunteering Data JSON-LD dataset, JobPostings and the change feed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from services.common.migrations import alembic_config, upgrade
from services.opportunities.bootstrap import MIGRATIONS
from services.opportunities.domain.job_posting import job_posting
from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.organisation import Organisation, OrganisationType
from services.opportunities.service_layer.opportunities import get_opportunity
from services.opportunities.service_layer.sweep import sweep
from tests.unit.hostile.conformance import assert_documented
from tests.unit.opportunities.conftest import START, Service, role_body

VD = Namespace("https://ns.volunteeringdata.io/")
DCT = Namespace("http://purl.org/dc/terms/")
VOCAB_DATA = Path(__file__).resolve().parents[3] / "services" / "common" / "vocab" / "data"
OPEN = "/api/v1/open-data"
CODED = {
    VD.organisationCause: "causes",
    VD.roleSkill: "skills",
    VD.roleRequirement: "requirements",
    VD.roleReward: "rewards",
    VD.roleAccessibility: "accessibility",
    VD.sessionTime: "session_times",
}


def _standard_iris(name: str) -> set[URIRef]:
    """The IRIs of one of the standard's lists, from the checked-in vocabulary data."""
    raw = json.loads((VOCAB_DATA / f"{name}.json").read_text(encoding="utf-8"))
    top = raw.get("top_concept")
    return {URIRef(c["iri"]) for c in raw["concepts"] if c["code"] != top}


def _rich_role(svc: Service, org_id: str, as_: str = "owner-1", **fields: Any) -> dict[str, Any]:
    role = svc.create_role(
        org_id,
        as_,
        causes=["OlderPeople", "Health"],
        skills=["Communication", "ActiveListening"],
        requirements=["DBSCheck"],
        accessibility=["PhysicalAccessibility"],
        sessions=["MondayMorning", "SaturdayAfternoon"],
        apply_url="https://riverside.example/apply",
        **fields,
    )
    assert svc.act(role["id"], "publish", as_).status_code == 200
    return role


def _graph(body: bytes) -> Graph:
    return Graph().parse(data=body.decode(), format="json-ld")


def test_dataset_parses_with_the_roles_triples_and_only_the_standards_codes(svc: Service) -> None:
    org = svc.register(website="https://riverside.example", charity_number="1123456")
    role = _rich_role(svc, org["id"])
    draft = svc.create_role(org["id"], title="Not yet")
    response = svc.client.get(f"{OPEN}/dataset.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    graph = _graph(response.data)

    org_iri = URIRef(f"http://localhost/api/v1/organisations/{org['id']}")
    activity = URIRef(f"http://localhost/api/v1/opportunities/{role['id']}")
    role_iri = URIRef(f"{activity}#role")
    assert (org_iri, RDF.type, VD.Organisation) in graph
    assert (org_iri, VD.organisationName, Literal("Riverside Food Bank")) in graph
    assert (org_iri, VD.organisationActivity, activity) in graph
    assert (org_iri, VD.organisationCause, VD.OlderPeople) in graph
    assert (activity, VD.activityRole, role_iri) in graph
    assert (role_iri, VD.roleTitle, Literal("Befriending volunteer")) in graph
    assert (role_iri, VD.roleSkill, VD.ActiveListening) in graph
    assert (role_iri, VD.roleRequirement, VD.DBSCheck) in graph
    assert (role_iri, VD.roleAccessibility, VD.PhysicalAccessibility) in graph
    assert (role_iri, VD.roleApplyLink, Literal("https://riverside.example/apply")) in graph
    sessions = list(graph.objects(activity, VD.activitySession))
    assert len(sessions) == 1
    assert set(graph.objects(sessions[0], VD.sessionTime)) == {
        VD.MondayMorning,
        VD.SaturdayAfternoon,
    }
    place = graph.value(sessions[0], VD.sessionLocation)
    assert graph.value(place, VD.locationAddress) == Literal("SE1 7AE")
    assert f"/opportunities/{draft['id']}" not in response.data.decode()

    found = 0
    for predicate, name in CODED.items():
        allowed = _standard_iris(name)
        for value in graph.objects(None, predicate):
            assert value in allowed, f"{value} is not in the standard's {name}"
            found += 1
    assert found == 2 + 2 + 1 + 1 + 2  # causes, skills, requirement, accessibility, times

    dataset = URIRef(f"http://localhost{OPEN}/dataset.jsonld")
    assert graph.value(dataset, DCT.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    modified = graph.value(dataset, DCT.modified)
    assert isinstance(modified, Literal) and modified.toPython() == START


def test_organisation_dataset_is_for_approved_organisations_only(
    svc: Service, moderated: Service
) -> None:
    org = svc.register()
    role = _rich_role(svc, org["id"])
    other = svc.register(as_="owner-2", name="Other")
    _rich_role(svc, other["id"], "owner-2", title="Elsewhere")
    response = svc.client.get(f"{OPEN}/organisations/{org['id']}.jsonld")
    assert response.status_code == 200
    graph = _graph(response.data)
    titles = set(graph.objects(None, VD.roleTitle))
    assert titles == {Literal("Befriending volunteer")}
    assert role["id"] in response.data.decode()
    missing = svc.client.get(f"{OPEN}/organisations/nope.jsonld")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    pending = moderated.register()
    assert moderated.client.get(f"{OPEN}/organisations/{pending['id']}.jsonld").status_code == 404


def test_empty_dataset_still_parses(svc: Service) -> None:
    response = svc.client.get(f"{OPEN}/dataset.jsonld")
    graph = _graph(response.data)
    assert not list(graph.subjects(RDF.type, VD.Organisation))


def test_job_posting_of_a_published_role(svc: Service) -> None:
    org = svc.register(website="https://riverside.example")
    role = _rich_role(svc, org["id"], remote=True)
    response = svc.client.get(f"{OPEN}/roles/{role['id']}/jobposting.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    posting = response.get_json()
    assert posting["@type"] == "JobPosting" and posting["employmentType"] == "VOLUNTEER"
    assert posting["title"] == "Befriending volunteer"
    assert posting["description"].startswith("Visit an older person")
    assert posting["datePosted"] == "2026-12-01"
    assert posting["validThrough"] == "2027-01-31T23:59:59+00:00"
    assert posting["hiringOrganization"]["name"] == "Riverside Food Bank"
    assert posting["hiringOrganization"]["sameAs"] == "https://riverside.example"
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["jobLocation"][0]["address"]["postalCode"] == "SE1 7AE"
    assert posting["identifier"]["value"] == role["id"]
    draft = svc.create_role(org["id"])
    assert svc.client.get(f"{OPEN}/roles/{draft['id']}/jobposting.jsonld").status_code == 404
    assert svc.client.get(f"{OPEN}/roles/nope/jobposting.jsonld").status_code == 404
    svc.act(role["id"], "pause")
    assert svc.client.get(f"{OPEN}/roles/{role['id']}/jobposting.jsonld").status_code == 404


def test_job_posting_is_a_pure_function_of_the_role(svc: Service) -> None:
    org_row = svc.register()
    role_id = svc.create_role(org_row["id"], closes_on=None)["id"]
    svc.act(role_id, "publish")
    role: Opportunity = get_opportunity(svc.runtime, None, role_id)
    org = Organisation(
        id=org_row["id"],
        name="Riverside Food Bank",
        type=OrganisationType("charity"),
        postcode="SE1 7AE",
        website=None,
        description="",
        registered_at=START,
    )
    posting = job_posting(role, org, "https://volunteer.example/")
    assert posting["employmentType"] == "VOLUNTEER"
    assert "validThrough" not in posting and "jobLocationType" not in posting
    assert posting["url"] == f"https://volunteer.example/api/v1/opportunities/{role_id}"


# The change feed -----------------------------------------------------------------------


def _read_feed(svc: Service, url: str, mirror: dict[str, Any]) -> tuple[str, list[dict]]:
    """Follow ``next`` from ``url`` until an empty page, applying items to ``mirror``."""
    seen: list[dict] = []
    while True:
        response = svc.client.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["license"] == "https://creativecommons.org/licenses/by/4.0/"
        for item in body["items"]:
            assert item["kind"] == "VolunteeringRole"
            if item["state"] == "updated":
                mirror[item["id"]] = item["data"]
            else:
                assert item["state"] == "deleted" and "data" not in item
                mirror.pop(item["id"], None)
        seen += body["items"]
        if not body["items"]:
            assert body["next"] == url or url.endswith("/changes?limit=3")
            return body["next"], seen
        url = body["next"]


def _keys(items: list[dict]) -> set[tuple[int, str]]:
    return {(item["modified"], item["id"]) for item in items}


def _published(svc: Service, role_ids: list[str]) -> dict[str, Any]:
    """What the public API shows as live: published roles of approved organisations."""
    live = {}
    for role_id in role_ids:
        response = svc.client.get(f"/api/v1/opportunities/{role_id}")
        if response.status_code != 200 or response.get_json()["status"] != "published":
            continue
        role = response.get_json()
        org = svc.client.get(f"/api/v1/organisations/{role['organisation_id']}").get_json()
        if org["moderation"] == "approved":
            summary = {"id": org["id"], "name": org["name"], "website": org.get("website")}
            live[role_id] = {**role, "organisation": summary}
    return live


def _withdraw(svc: Service, org_id: str) -> None:
    """An approved organisation taken off the platform (no API does this yet)."""
    with svc.runtime.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE organisations SET moderation = 'rejected' WHERE id = :id"),
            {"id": org_id},
        )


def test_replaying_the_change_feed_reproduces_the_public_catalogue(svc: Service) -> None:
    org = svc.register()
    other = svc.register(as_="owner-2", name="Canal Trust")
    ids = [svc.create_role(org["id"], title=f"Role {n}")["id"] for n in range(7)]
    theirs = [svc.create_role(other["id"], "owner-2")["id"] for _ in range(2)]
    for role_id in ids[:6]:
        assert svc.act(role_id, "publish").status_code == 200
    for role_id in theirs:
        assert svc.act(role_id, "publish", "owner-2").status_code == 200
    svc.act(ids[1], "pause")
    svc.act(ids[2], "close")

    # A partner reads everything so far, in pages of three.
    mirror: dict[str, Any] = {}
    url, first = _read_feed(svc, f"{OPEN}/changes?limit=3", mirror)
    assert mirror == _published(svc, ids + theirs)

    # More changes: an edit, a re-publication, a deletion, an expiry, a rename, a withdrawal.
    svc.call("PATCH", f"/api/v1/opportunities/{ids[0]}", "owner-1", json={"title": "New"})
    svc.act(ids[1], "publish")
    svc.act(ids[3], "pause")
    svc.act(ids[3], "publish")
    assert svc.call("DELETE", f"/api/v1/opportunities/{ids[6]}", "owner-1").status_code == 200
    svc.call(
        "PATCH", f"/api/v1/opportunities/{ids[4]}", "owner-1", json={"closes_on": "2026-12-02"}
    )
    svc.clock.advance(days=3)
    assert sweep(svc.runtime).expired == [ids[4]]
    svc.call("PATCH", f"/api/v1/organisations/{org['id']}", "owner-1", json={"name": "Riverside"})
    _withdraw(svc, other["id"])

    url, second = _read_feed(svc, url, mirror)
    live = _published(svc, ids + theirs)
    assert mirror == live
    names = {role_id: n for n, role_id in enumerate(ids + theirs)}
    assert sorted(names[i] for i in live) == [0, 1, 3, 5]
    assert live[ids[5]]["organisation"]["name"] == "Riverside"  # the rename reached it
    assert {i["id"] for i in second if i["state"] == "deleted"} == {ids[4], *theirs}

    # From the start, one pass gives the same catalogue; order is by (modified, id).
    replay: dict[str, Any] = {}
    _, everything = _read_feed(svc, f"{OPEN}/changes", replay)
    assert replay == live
    keys = [(item["modified"], item["id"]) for item in first + second]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert [(i["modified"], i["id"]) for i in everything] == sorted(set(keys) & _keys(everything))

    # Nothing new: the last next is empty; a later change shows up there.
    again = svc.client.get(url).get_json()
    assert again["items"] == [] and again["next"] == url
    svc.call("PATCH", f"/api/v1/opportunities/{ids[5]}", "owner-1", json={"places": 9})
    latest = svc.client.get(url).get_json()
    assert [(i["id"], i["state"]) for i in latest["items"]] == [(ids[5], "updated")]
    assert latest["items"][0]["data"]["places"] == 9
    assert latest["items"][0]["modified"] > keys[-1][0]


def test_drafts_never_published_stay_out_of_the_feed(svc: Service) -> None:
    org = svc.register()
    svc.create_role(org["id"])
    assert svc.client.get(f"{OPEN}/changes").get_json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("afterId=abc", "afterId"),
        ("afterTimestamp=-1", "afterTimestamp"),
        ("limit=0", "limit"),
        # Found by schemathesis: beyond a database integer, the query overflowed (500).
        (f"afterTimestamp={2**63}", "afterTimestamp"),
    ],
)
def test_change_feed_rejects_bad_cursors(svc: Service, query: str, field: str) -> None:
    response = svc.client.get(f"{OPEN}/changes?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_the_change_feed_answer_is_as_documented(svc: Service) -> None:
    # Found by schemathesis: "rights" was sent but not declared, and the schema forbids extras.
    response = svc.client.get(f"{OPEN}/changes")
    assert response.get_json()["rights"].startswith("Roles and organisations: CC BY 4.0")
    assert_documented(svc.app, "GET", "/api/v1/open-data/changes", response)


def test_change_numbers_come_from_the_database_not_the_clock(svc: Service) -> None:
    """The clock going backwards does not send a later change behind an earlier one."""
    org = svc.register()
    role_id = svc.create_role(org["id"], **_later(role_body(org["id"])))["id"]
    svc.act(role_id, "publish")
    first = svc.client.get(f"{OPEN}/changes").get_json()
    svc.clock.now = START - dt.timedelta(days=1)
    svc.call("PATCH", f"/api/v1/opportunities/{role_id}", "owner-1", json={"places": 5})
    later = svc.client.get(first["next"]).get_json()["items"]
    assert [i["id"] for i in later] == [role_id]
    assert later[0]["modified"] > first["items"][-1]["modified"]


def _later(body: dict[str, Any]) -> dict[str, Any]:
    return {"closes_on": body["closes_on"]}


def test_migration_numbers_existing_roles_and_downgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'opportunities.sqlite'}"
    upgrade(MIGRATIONS, url, "0002")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organisations (id, name, type, description, registered_at) "
                "VALUES ('o1', 'Old Friends', 'charity', '', '2025-01-01 10:00:00')"
            )
        )
        for role_id in ("r2", "r1"):
            conn.execute(_OLD_ROLE, {"id": role_id})
    upgrade(MIGRATIONS, url)
    with engine.begin() as conn:
        numbers = conn.execute(sa.text("SELECT id, change_number FROM opportunities")).all()
        assert sorted(numbers) == [("r1", 1), ("r2", 2)]
        conn.execute(sa.text("UPDATE organisations SET name = 'New Friends'"))
        numbers = conn.execute(sa.text("SELECT id, change_number FROM opportunities")).all()
        assert sorted(numbers) == [("r1", 3), ("r2", 3)]
    command.downgrade(alembic_config(MIGRATIONS, url), "0002")
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("opportunities")}
        assert "change_number" not in columns
        assert "open_data_sequence" not in sa.inspect(conn).get_table_names()
    engine.dispose()


_OLD_ROLE = sa.text(
    "INSERT INTO opportunities (id, organisation_id, title, summary, description, causes, "
    "skills, requirements, rewards, accessibility, commitment, sessions, dated_sessions, "
    "locations, remote, questions, status, revision, created_at, updated_at, published_at) "
    "VALUES (:id, 'o1', 't', '', '', '[]', '[]', '[]', '[]', '[]', 'regular', '[]', '[]', "
    "'[]', 0, '[]', 'published', 2, '2025-01-01', '2025-01-01', '2025-01-01')"
)


def test_open_data_is_served_through_the_gateway(platform_app: Flask) -> None:
    client = platform_app.test_client()
    dataset = client.get(f"{OPEN}/dataset.jsonld")
    assert dataset.status_code == 200 and dataset.mimetype == "application/ld+json"
    _graph(dataset.data)
    feed = client.get(f"{OPEN}/changes")
    assert feed.status_code == 200 and feed.get_json()["items"] == []
    assert client.get(f"{OPEN}/roles/nope/jobposting.jsonld").status_code == 404
