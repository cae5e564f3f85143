"""Open data in: the ``import`` command for UK Volunteering Data JSON-LD and the CSV layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command

from services.common.migrations import alembic_config, upgrade
from services.opportunities.adapters.import_formats import read_csv, read_file
from services.opportunities.adapters.import_repository import ImportRepository
from services.opportunities.bootstrap import MIGRATIONS
from services.opportunities.domain.importing import Outcome, merge_key
from services.opportunities.entrypoints.import_command import import_command
from services.opportunities.service_layer.importing import import_records
from tests.unit.opportunities.conftest import Service

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "example-organisations.jsonld"
HEADER = (
    "source_id,organisation_name,charity_number,organisation_postcode,title,description,"
    "causes,skills,postcode,remote,commitment,minimum_age,maximum_age,closes_on,status"
)


def _csv(*rows: str) -> list[str]:
    return [HEADER, *rows]


def _import_csv(svc: Service, source: str, lines: list[str]) -> Outcome:
    vocabularies = svc.runtime.extensions["vocabularies"]
    records, problems = read_csv(lines, vocabularies)
    outcome = import_records(svc.runtime, source, records)
    outcome.problems[:0] = problems
    return outcome


def _rows(svc: Service, sql: str) -> list[Any]:
    with svc.runtime.engine.connect() as conn:
        return list(conn.execute(sa.text(sql)).all())


def _state(svc: Service) -> dict[str, Any]:
    return {
        "roles": _rows(svc, "SELECT id, revision, status, change_number FROM opportunities"),
        "organisations": _rows(svc, "SELECT id, name FROM organisations ORDER BY id"),
        "outbox": _rows(svc, "SELECT COUNT(*) FROM outbox")[0][0],
        "links": _rows(svc, "SELECT source, source_id, record_hash FROM import_records"),
    }


def _example_titles() -> tuple[list[str], int]:
    """Role titles and organisation count, read straight from the standard's example."""
    document = json.loads(EXAMPLE.read_text())
    orgs = [n for n in document["graph"] if n["type"] == "Organisation"]
    titles = [r["title"] for o in orgs for a in o.get("activity", []) for r in a.get("role", [])]
    return titles, len(orgs)


def test_the_standards_example_imports_and_publishes_its_roles(svc: Service) -> None:
    titles, organisations = _example_titles()
    report = svc.runtime.config.data_dir / "report.json"
    code = import_command(svc.runtime, [str(EXAMPLE), "--source", "vd", "--report", str(report)])
    assert code == 0, report.read_text()
    roles = _rows(svc, "SELECT title, status, revision FROM opportunities")
    assert sorted(r.title for r in roles) == sorted(titles)
    assert {r.status for r in roles} == {"published"}
    assert len(_rows(svc, "SELECT id FROM organisations")) == organisations
    members = _rows(svc, "SELECT COUNT(*) FROM organisation_members")[0][0]
    assert members == 0  # nobody owns an imported organisation until it is claimed
    # One event a new role, carrying it as the import left it (created published).
    assert svc.event_types("opportunities") == ["OpportunityCreated"] * len(titles)
    payloads = [json.loads(p) for (p,) in _rows(svc, "SELECT payload FROM outbox")]
    announced = [e["data"] for e in payloads if e["event_type"] == "OpportunityCreated"]
    assert {(d["opportunity"]["status"], d["revision"]) for d in announced} == {("published", 1)}
    assert sorted(d["opportunity"]["title"] for d in announced) == sorted(titles)
    assert json.loads(report.read_text())["created"] == len(titles)


def test_importing_the_same_file_twice_changes_nothing(svc: Service) -> None:
    titles, _ = _example_titles()
    vocabularies = svc.runtime.extensions["vocabularies"]
    records, problems = read_file(EXAMPLE, "jsonld", vocabularies)
    assert all(not p.skipped for p in problems)
    first = import_records(svc.runtime, "vd", records)
    before = _state(svc)
    svc.clock.advance(days=1)
    second = import_records(svc.runtime, "vd", read_file(EXAMPLE, "jsonld", vocabularies)[0])
    assert (first.created, second.unchanged, second.created, second.updated) == (
        len(titles),
        len(titles),
        0,
        0,
    )
    assert _state(svc) == before


def test_a_changed_record_updates_its_role(svc: Service) -> None:
    row = "r1,Leeds Food Share,,,Driver,Drive the van,AntiPoverty,,LS6 3HG,no,regular,18,,,open"
    _import_csv(svc, "vc-leeds", _csv(row))
    outcome = _import_csv(svc, "vc-leeds", _csv(row.replace("Drive the van", "Drive a van")))
    assert (outcome.updated, outcome.created) == (1, 0)
    (role,) = _rows(svc, "SELECT description, revision, status FROM opportunities")
    assert (role.description, role.status) == ("Drive a van", "published")
    assert role.revision == 2  # created published, then updated
    closed = _import_csv(svc, "vc-leeds", _csv(row.replace(",open", ",closed")))
    assert closed.updated == 1
    assert _rows(svc, "SELECT status FROM opportunities")[0].status == "closed"


def test_bad_rows_are_reported_by_field_and_good_rows_imported(svc: Service) -> None:
    outcome = _import_csv(
        svc,
        "vc-leeds",
        _csv(
            "g1,Leeds Food Share,,,Driver,Drive the van,Anti-Poverty;animal welfare,,LS6 3HG,,,,,,",
            "g2,Leeds Food Share,,,Phone buddy,Call people,,Communication,remote,,,,,,draft",
            "b1,Leeds Food Share,,,Sorter,Sort food,NotACause,,LS6 3HG,,,,,,",
            "b2,Leeds Food Share,,,Cook,Cook meals,,,ZZ99 9ZZ,,,,,,",
            "b3,Leeds Food Share,,,,No title,,,LS6 3HG,,,,,,",
            "b4,Leeds Food Share,,,Gardener,Dig,,,LS6 3HG,,,,,31/01/2027,",
            "b5,Leeds Food Share,,,Mentor,Mentor,,,LS6 3HG,,,21,18,,",
            "b6,Leeds Food Share,12,,Treasurer,Count,,,LS6 3HG,,,,,,",
            "g1,Leeds Food Share,,,Driver again,Twice,,,LS6 3HG,,,,,,",
        ),
    )
    fields = {(p.number, p.source_id, p.field) for p in outcome.problems}
    assert fields == {
        (4, "b1", "causes"),
        (5, "b2", "postcode"),
        (6, "b3", "title"),
        (7, "b4", "closes_on"),
        (8, "b5", "maximum_age"),
        (9, "b6", "charity_number"),
        (10, "g1", "source_id"),
    }
    roles = {r.title: r for r in _rows(svc, "SELECT title, status, causes FROM opportunities")}
    assert set(roles) == {"Driver", "Phone buddy"}
    assert json.loads(roles["Driver"].causes) == ["AntiPoverty", "AnimalWelfare"]
    assert roles["Phone buddy"].status == "draft"  # its row says draft: not published
    assert outcome.as_dict()["skipped"] == 7


def test_the_same_role_from_two_sources_is_merged_and_both_are_recorded(svc: Service) -> None:
    _import_csv(
        svc, "vc-leeds", _csv("a-1,Leeds Food Share,,LS6 3HG,Van Driver,Drive,,,LS6 3HG,,,,,,")
    )
    outcome = _import_csv(
        svc, "do-it", _csv("x9,LEEDS FOOD-SHARE,,LS63HG,van  driver!,Drive weekly,,,ls63hg,,,,,,")
    )
    assert (outcome.merged, outcome.created, outcome.organisations_created) == (1, 0, 0)
    (role,) = _rows(svc, "SELECT id, description, source, source_id FROM opportunities")
    assert (role.description, role.source, role.source_id) == ("Drive weekly", "vc-leeds", "a-1")
    with svc.runtime.session_factory() as session:
        found = ImportRepository(session).provenance(role.id)
    assert found is not None
    assert set(found.sources) == {("vc-leeds", "a-1"), ("do-it", "x9")}


def test_provenance_is_recorded_on_each_role(svc: Service) -> None:
    _import_csv(svc, "vc-leeds", _csv("a-1,Leeds Food Share,,,Van Driver,Drive,,,LS6 3HG,,,,,,"))
    (role,) = _rows(svc, "SELECT source, source_id, imported_at, merge_key FROM opportunities")
    assert (role.source, role.source_id) == ("vc-leeds", "a-1")
    assert role.imported_at.startswith("2026-12-01")  # the service's clock
    assert role.merge_key == merge_key("Leeds Food Share", "Van Driver", "LS6 3HG")
    assert role.merge_key == "leeds food share|van driver|LS63HG"


def test_0004_downgrades_and_keeps_the_open_data_triggers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'opportunities.sqlite'}"
    upgrade(MIGRATIONS, url)
    command.downgrade(alembic_config(MIGRATIONS, url), "0003")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("opportunities")}
        triggers = {r[0] for r in conn.execute(sa.text("SELECT name FROM sqlite_master"))}
    assert "source" not in columns and "import_records" not in triggers
    assert {"open_data_role_insert", "open_data_role_update"} <= triggers
    engine.dispose()


def test_a_duplicate_later_in_the_same_batch_merges_into_the_role_made_earlier(
    svc: Service,
) -> None:
    """A batch is written at its end: the second record must find the first one's role
    among what the batch staged, not create a second role."""
    outcome = _import_csv(svc, "vc-leeds", _csv(
        "a-1,Leeds Food Share,,LS6 3HG,Van Driver,Drive,,,LS6 3HG,,,,,,",
        "a-2,Leeds Food Share,,LS6 3HG,Van driver,Drive on Fridays,,,LS6 3HG,,,,,,",
    ))  # fmt: skip
    assert (outcome.created, outcome.merged, outcome.organisations_created) == (1, 1, 1)
    (role,) = _rows(svc, "SELECT description, revision, status FROM opportunities")
    assert (role.description, role.status, role.revision) == ("Drive on Fridays", "published", 2)
    events = _rows(svc, "SELECT topic, payload FROM outbox ORDER BY id")
    kinds = [(t, json.loads(p)["event_type"]) for t, p in events]
    assert kinds == [
        ("organisations", "OrganisationRegistered"),
        ("opportunities", "OpportunityCreated"),  # as it stands after the merge
    ]
    data = json.loads(events[1].payload)["data"]
    assert data["revision"] == role.revision
    assert data["opportunity"]["description"] == "Drive on Fridays"


def test_a_record_refused_mid_batch_leaves_nothing_and_the_others_are_written(
    svc: Service,
) -> None:
    first = "a-1,Leeds Food Share,,LS6 3HG,Van Driver,Drive,,,LS6 3HG,,,,,,"
    _import_csv(svc, "vc-leeds", _csv(first))
    with svc.runtime.engine.begin() as conn:  # closed here: the import may not reopen it
        conn.execute(sa.text("UPDATE opportunities SET status = 'closed'"))
    before = _state(svc)
    outcome = _import_csv(svc, "vc-leeds", _csv(
        "b-1,Leeds Food Share,,LS6 3HG,Cook,Cook,,,LS6 3HG,,,,,,",
        first.replace("Drive,", "Drive far,"),
        "b-2,Leeds Food Share,,LS6 3HG,Sorter,Sort,,,LS6 3HG,,,,,,",
    ))  # fmt: skip
    assert [(p.source_id, p.field) for p in outcome.problems] == [("a-1", "status")]
    assert outcome.created == 2
    after = _state(svc)
    assert len(after["roles"]) == len(before["roles"]) + 2
    assert after["outbox"] == before["outbox"] + 2  # one a new role
    closed = _rows(svc, "SELECT description FROM opportunities WHERE status = 'closed'")
    assert [r.description for r in closed] == ["Drive"]
