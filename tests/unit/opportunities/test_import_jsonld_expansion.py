"""Open data in, read as JSON-LD: every equivalent form of a document gives the same records.

Expected values are copied by hand from tests/data/example-organisations.jsonld.
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from pyld import jsonld

from services.common.vocab.vocabularies import Vocabularies, load_vocabularies
from services.opportunities.adapters.import_formats import Read, read_file, read_jsonld
from services.opportunities.adapters.import_jsonld import load_context
from services.opportunities.domain.importing import ImportRecord, Problem
from services.opportunities.entrypoints.import_command import import_command
from services.opportunities.service_layer.importing import import_records
from tests.unit.opportunities.conftest import Service

DATA = Path(__file__).resolve().parents[2] / "data"
EXAMPLE = DATA / "example-organisations.jsonld"
PREFIXED = DATA / "jsonld-under-one-sky-prefixed.jsonld"
STANDARD = "https://api.volunteeringdata.io/context/v1"
OUTREACH = "https://id.volunteeringdata.io/686e542f7734eb69b0ec1516#role-1"
SHOP = "https://id.volunteeringdata.io/64103c352a0eedb6aef42d3d#activity-1#role-1"
# Only to write the test inputs: pyld, fed the standard's context from memory.
PYLD = {"documentLoader": load_context}


@pytest.fixture(scope="module")
def vocabularies() -> Vocabularies:
    return load_vocabularies()


def _example() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return document


def _read(document: Any, vocabularies: Vocabularies) -> Read:
    return read_jsonld(copy.deepcopy(document), vocabularies)


def _unordered(read: Read) -> tuple[dict[str, ImportRecord], set[tuple[Any, ...]]]:
    """Records by source id, without their position: a flattened graph has no order."""
    records, problems = read
    by_source = {r.source_id: replace(r, number=0) for r in records}
    return by_source, {(p.source_id, p.field, p.message, p.skipped) for p in problems}


def test_the_example_gives_its_two_roles(vocabularies: Vocabularies) -> None:
    records, problems = _read(_example(), vocabularies)
    assert [(r.number, r.source_id) for r in records] == [(1, OUTREACH), (2, SHOP)]
    outreach, shop = records
    assert (outreach.role["title"], shop.role["title"]) == (
        "Outreach Volunteer",
        "Shop Floor Volunteer",
    )
    assert outreach.organisation.name == "Under One Sky"
    assert outreach.organisation.charity_number is None
    assert outreach.organisation.website == "https://underoneskytogether.com/"
    assert outreach.role["causes"] == ["AntiPoverty"]
    assert outreach.role["skills"] == ["Communication", "EmpathyAndCompassion"]
    assert outreach.role["requirements"] == ["DBSCheck"]
    assert outreach.role["sessions"] == [
        "MondayAfternoon",
        "TuesdayAfternoon",
        "SaturdayMorning",
        "SaturdayAfternoon",
    ]
    assert outreach.role["locations"] == [{"postcode": "SE1 7AE"}]
    assert (outreach.role["remote"], outreach.role["minimum_age"]) == (False, 18)
    assert outreach.role["commitment"] == "regular"  # "One evening per week, 3-hour shift"
    assert outreach.role["apply_url"] == "https://underoneskytogether.com/get-involved/join-us"
    assert outreach.open and shop.open
    assert (shop.organisation.name, shop.organisation.charity_number) == ("Oxfam GB", "202918")
    assert shop.role["causes"] == ["AntiPoverty", "CivilRights"]
    assert shop.role["locations"] == [{"postcode": "LS6 3HG"}]
    assert shop.role["minimum_age"] == 14
    assert len(shop.role["sessions"]) == 12
    # Values the published lists do not hold are left out, with a warning each.
    assert [(p.number, p.field, p.message.split("'")[1], p.skipped) for p in problems] == [
        (1, "rewards", "https://ns.volunteeringdata.io/TrainingProvided", False),
        (1, "rewards", "https://ns.volunteeringdata.io/ExpensesReimbursed", False),
        (2, "skills", "https://ns.volunteeringdata.io/CustomerService", False),
        (2, "skills", "https://ns.volunteeringdata.io/Teamwork", False),
        (2, "rewards", "https://ns.volunteeringdata.io/TrainingProvided", False),
    ]


def _compacted_with_prefix(document: Any) -> Any:
    return jsonld.compact(document, {"vd": "https://ns.volunteeringdata.io/"}, PYLD)


def _expanded(document: Any) -> Any:
    return jsonld.expand(document, PYLD)


def _flattened(document: Any) -> Any:
    return jsonld.flatten(document, None, PYLD)


def _flattened_with_prefix(document: Any) -> Any:
    return jsonld.flatten(document, {"vd": "https://ns.volunteeringdata.io/"}, PYLD)


def _without_context(document: Any) -> Any:
    """Plain JSON with the standard's terms, as the reader accepted before JSON-LD."""
    return {k: v for k, v in document.items() if k != "@context"}


def _context_as(url: str) -> Callable[[Any], Any]:
    return lambda document: {**document, "@context": url}


@pytest.mark.parametrize(
    "form",
    [
        _compacted_with_prefix,
        _expanded,
        _without_context,
        _context_as("http://api.volunteeringdata.io/context/v1/"),
        _context_as("https://api.volunteeringdata.io/context/v1/"),
    ],
)
def test_equivalent_forms_in_order_give_identical_records(
    form: Callable[[Any], Any], vocabularies: Vocabularies
) -> None:
    document = form(_example())
    assert json.dumps(document) != json.dumps(_example())  # the form really differs
    assert _read(document, vocabularies) == _read(_example(), vocabularies)


@pytest.mark.parametrize("form", [_flattened, _flattened_with_prefix])
def test_flattened_forms_give_the_same_records(
    form: Callable[[Any], Any], vocabularies: Vocabularies
) -> None:
    document = form(_example())
    # Really flattened: activities are separate nodes that organisations point at by @id.
    nodes = document if isinstance(document, list) else document["@graph"]
    orgs = [n for n in nodes if "Organisation" in str(n.get("@type"))]
    assert orgs and all(set(a) == {"@id"} for o in orgs for a in _activities(o))
    assert _unordered(_read(document, vocabularies)) == _unordered(_read(_example(), vocabularies))


def _activities(org: dict[str, Any]) -> list[dict[str, Any]]:
    key = next(k for k in org if k.endswith("organisationActivity"))
    value = org[key]
    return value if isinstance(value, list) else [value]


def test_a_single_organisation_object_is_read(vocabularies: Vocabularies) -> None:
    document = {"@context": STANDARD, **_example()["graph"][0]}
    records, _ = _read(document, vocabularies)
    assert records == _read(_example(), vocabularies)[0][:1]


def test_a_hand_written_prefixed_flattened_file_matches_the_example(
    vocabularies: Vocabularies,
) -> None:
    """Prefixes, full IRIs as keys, value objects, a blank role node referenced by its
    label, single values for lists: the first role of the example all the same."""
    records, problems = read_file(PREFIXED, "jsonld", vocabularies)
    example_records, example_problems = _read(_example(), vocabularies)
    assert records == example_records[:1]
    assert problems == [p for p in example_problems if p.number == 1]


def _forbid_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the import went to the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(requests.Session, "request", refuse)


@pytest.mark.parametrize(
    "context",
    [
        "https://contexts.example.org/volunteering.jsonld",
        [STANDARD, "https://contexts.example.org/volunteering.jsonld"],
        {"@import": "https://contexts.example.org/volunteering.jsonld"},
    ],
)
def test_an_unknown_remote_context_is_one_problem_and_no_network(
    context: Any, vocabularies: Vocabularies, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forbid_network(monkeypatch)
    document = {**_example(), "@context": context}
    assert _read(document, vocabularies) == (
        [],
        [
            Problem(
                0,
                None,
                "@context",
                "The remote @context https://contexts.example.org/volunteering.jsonld is not "
                "known; inline it.",
            )
        ],
    )


def test_the_standards_context_needs_no_network(
    vocabularies: Vocabularies, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forbid_network(monkeypatch)
    records, _ = _read(_example(), vocabularies)
    assert [r.source_id for r in records] == [OUTREACH, SHOP]


def test_invalid_json_ld_and_invalid_json_are_problems_of_the_file(
    vocabularies: Vocabularies, tmp_path: Path
) -> None:
    records, problems = _read({"@context": {"vd": 5}, "graph": []}, vocabularies)
    assert records == []
    assert [(p.number, p.field) for p in problems] == [(0, "@context")]
    assert problems[0].message.startswith("This is not valid JSON-LD")
    broken = tmp_path / "broken.jsonld"
    broken.write_text('{"@context": ', encoding="utf-8")
    records, problems = read_file(broken, "jsonld", vocabularies)
    assert (records, [(p.number, p.field) for p in problems]) == ([], [(0, "file")])


def test_the_import_command_refuses_a_file_with_an_unknown_context(
    svc: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forbid_network(monkeypatch)
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({**_example(), "@context": "https://elsewhere.example/ctx"}))
    assert import_command(svc.runtime, [str(path), "--source", "vd"]) == 2
    with svc.runtime.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM opportunities")).scalar() == 0


def test_an_equivalent_form_after_the_example_changes_nothing(svc: Service) -> None:
    vocabularies = svc.runtime.extensions["vocabularies"]
    first = import_records(svc.runtime, "vd", read_file(EXAMPLE, "jsonld", vocabularies)[0])
    again = import_records(svc.runtime, "vd", _read(_flattened(_example()), vocabularies)[0])
    assert (first.created, again.unchanged, again.created, again.updated) == (2, 2, 0, 0)


def _publish(svc: Service, org_id: str, **fields: Any) -> None:
    role = svc.create_role(org_id, causes=["OlderPeople", "Health"], **fields)
    assert svc.act(role["id"], "publish").status_code == 200


def test_our_own_dataset_round_trips_into_a_fresh_database(
    make_service: Callable[..., Service], tmp_path: Path
) -> None:
    """Export -> import elsewhere -> the same roles. Causes are the organisation's in the
    standard, so both roles share theirs; commitment goes through the free-text words."""
    source = make_service()
    org = source.register(name="Riverside Food Bank", charity_number="1123456")
    _publish(
        source,
        org["id"],
        title="Befriender",
        skills=["Communication", "ActiveListening"],
        requirements=["DBSCheck"],
        accessibility=["PhysicalAccessibility"],
        sessions=["MondayMorning", "SaturdayAfternoon"],
        locations=[{"postcode": "SE1 7AE"}],
        minimum_age=16,
        maximum_age=25,
    )
    _publish(
        source,
        org["id"],
        title="Phone buddy",
        skills=[],
        commitment="one_off",
        locations=[],
        remote=True,
        minimum_age=18,
        sessions=[],
    )
    response = source.client.get("/api/v1/open-data/dataset.jsonld")
    assert response.status_code == 200
    dataset = tmp_path / "dataset.jsonld"
    dataset.write_bytes(response.data)

    target = make_service()
    vocabularies = target.runtime.extensions["vocabularies"]
    records, problems = read_file(dataset, "jsonld", vocabularies)
    assert problems == []
    outcome = import_records(target.runtime, "riverside", records)
    assert (outcome.created, outcome.problems) == (2, [])
    assert _roles(target) == {
        "Befriender": (
            ["Health", "OlderPeople"],
            ["Communication", "ActiveListening"],
            ["DBSCheck"],
            ["PhysicalAccessibility"],
            ["MondayMorning", "SaturdayAfternoon"],
            ["SE1 7AE"],
            False,
            16,
            25,
            "regular",
            "published",
        ),
        "Phone buddy": (
            ["Health", "OlderPeople"],
            [],
            [],
            [],
            [],
            [],
            True,
            18,
            None,
            "one_off",
            "published",
        ),
    }
    with target.runtime.engine.connect() as conn:
        orgs = conn.execute(sa.text("SELECT name, charity_number FROM organisations")).all()
    assert [tuple(o) for o in orgs] == [("Riverside Food Bank", "1123456")]


def _roles(svc: Service) -> dict[str, tuple[Any, ...]]:
    sql = (
        "SELECT title, causes, skills, requirements, accessibility, sessions, locations, "
        "remote, minimum_age, maximum_age, commitment, status FROM opportunities"
    )
    with svc.runtime.engine.connect() as conn:
        rows = conn.execute(sa.text(sql)).all()
    return {
        r.title: (
            sorted(json.loads(r.causes)),
            *(json.loads(v) for v in (r.skills, r.requirements, r.accessibility, r.sessions)),
            [place["postcode"] for place in json.loads(r.locations)],
            bool(r.remote),
            r.minimum_age,
            r.maximum_age,
            r.commitment,
            r.status,
        )
        for r in rows
    }
