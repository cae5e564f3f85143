"""The bulk import's fast paths give exactly what the general ones do.

Each shortcut (flat snapshot conversion, one JSON encoder, remembered date-time checks, one
statement for organisations, provenance written with the role) is compared with the path it
replaces, so a change to either side that makes them differ fails here.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import json
from typing import Any

import pytest
import sqlalchemy as sa

from schemas.registry import SchemaError
from services.common.envelope import encode
from services.common.outbox import _BATCH_ENCODER
from services.opportunities.adapters.import_formats import read_csv
from services.opportunities.adapters.import_repository import ImportRepository
from services.opportunities.domain.details import (
    Commitment,
    DatedSession,
    Details,
    Location,
    Question,
)
from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.organisation import Organisation, OrganisationType
from services.opportunities.service_layer.import_batch import batch_envelopes
from services.opportunities.service_layer.importing import import_records
from services.opportunities.service_layer.messagebus import envelopes
from services.opportunities.service_layer.unit_of_work import unit_of_work
from tests.unit.opportunities.conftest import START, Service

ORG_ID = "7d0c4a52-8a53-4a8e-9f0e-3c2b9d1e6f10"
HEADER = (
    "source_id,organisation_name,charity_number,organisation_postcode,title,description,"
    "causes,skills,postcode,remote,commitment,minimum_age,maximum_age,closes_on,status"
)


def _full_role() -> Opportunity:
    """A role using every kind of value a snapshot holds, through several changes."""
    details = Details(
        title="Befriender — café visits",  # not ASCII: the encoder must keep it as it is
        summary="Tea and a chat",
        causes=("OlderPeople", "Health"),
        skills=("Communication",),
        commitment=Commitment.REGULAR,
        hours_per_week=1.5,
        sessions=("MondayMorning",),
        dated_sessions=(DatedSession(dt.date(2027, 1, 4), "10:00", "12:00"),),
        locations=(Location("LS6 3HG", 53.8195, -1.5749, "E08000035"),),
        minimum_age=16,
        places=3,
        starts_on=dt.date(2027, 1, 1),
        closes_on=dt.date(2027, 12, 31),
        apply_url="https://example.org/apply",
        questions=(Question("why", "Why would you like to help?", True),),
    )
    role = Opportunity.create(ORG_ID, details, START)
    role.publish(START, organisation_approved=True)
    role.update({"summary": "Tea, cake and a chat"}, START + dt.timedelta(minutes=5))
    role.close(START + dt.timedelta(hours=1), "The source says the role is no longer open.")
    return role


def _without_ids(pairs: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    return [(topic, {**envelope, "event_id": "-"}) for topic, envelope in pairs]


def test_batch_envelopes_are_the_message_bus_envelopes() -> None:
    org = Organisation.register(
        name="Leeds Food Share", type_=OrganisationType.CHARITY, now=START, postcode="LS6 3HG"
    )
    events = [*org.events, *_full_role().events]
    fast, general = batch_envelopes(events, START), envelopes(events, START)
    assert [e["event_type"] for _, e in fast] == [
        "OrganisationRegistered",
        "OpportunityCreated",
        "OpportunityPublished",
        "OpportunityUpdated",
        "OpportunityClosed",
    ]
    assert _without_ids(fast) == _without_ids(general)
    # Same text on the wire too: key order and every value's JSON form.
    assert [encode(e) for _, e in _without_ids(fast)] == [
        encode(e) for _, e in _without_ids(general)
    ]


def test_the_batch_encoder_writes_what_encode_writes() -> None:
    for _, envelope in envelopes(_full_role().events, START):
        assert _BATCH_ENCODER.encode(envelope) == encode(envelope).decode()


def test_validate_many_passes_what_validate_passes_and_refuses_the_same(svc: Service) -> None:
    registry = svc.runtime.registry
    items = envelopes(_full_role().events, START)
    registry.validate_many(items)  # valid: no error
    for change, path in [
        (lambda e: e["data"]["opportunity"].update(updated_at="2027-02-30T10:00:00Z"), None),
        (lambda e: e.update(occurred_at="yesterday"), None),
        (lambda e: e["data"]["opportunity"].update(title=""), None),
        (lambda e: e.update(event_version="1"), "/event_version"),
    ]:
        broken = copy.deepcopy(items)
        change(broken[2][1])
        with pytest.raises(SchemaError) as alone:
            registry.validate(*broken[2])
        with pytest.raises(SchemaError) as batched:
            registry.validate_many(broken)
        assert (batched.value.message, batched.value.path) == (
            alone.value.message,
            alone.value.path,
        )
        assert path is None or batched.value.path == path


def test_organisations_in_one_statement_are_stored_as_one_at_a_time(svc: Service) -> None:
    def register(name: str, owner: str | None) -> Organisation:
        return Organisation.register(
            name=name, type_=OrganisationType.CHARITY, now=START, owner_id=owner,
            postcode="LS6 3HG", district_code="E08000035", charity_number="1012345",
        )  # fmt: skip

    alone, batched = register("One", "owner-1"), register("Two", "owner-2")
    with unit_of_work(svc.runtime) as uow:
        uow.organisations.add(alone)
        ImportRepository(uow.session).add_organisations([batched])
    with unit_of_work(svc.runtime) as uow:
        one, two = uow.organisations.get(alone.id), uow.organisations.get(batched.id)
    assert one is not None and two is not None
    assert one.members == {"owner-1": alone.members["owner-1"]}
    assert two.members == {"owner-2": batched.members["owner-2"]}
    same = {"id": one.id, "name": one.name, "members": one.members, "events": one.events}
    assert two.__dict__ | same == one.__dict__


def test_a_new_role_and_its_provenance_take_one_change_number(svc: Service) -> None:
    lines = [HEADER] + [
        f"r{n},Leeds Food Share,,LS6 3HG,Driver {n},Drive,,,LS6 3HG,,,,,,open" for n in range(3)
    ]
    records, problems = read_csv(lines, svc.runtime.extensions["vocabularies"])
    assert not problems
    assert import_records(svc.runtime, "vc-leeds", records).created == 3
    with svc.runtime.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT source, source_id, merge_key, imported_at, change_number"
                    " FROM opportunities ORDER BY change_number")
        ).all()  # fmt: skip
    assert [(r.source, r.source_id) for r in rows] == [("vc-leeds", f"r{n}") for n in range(3)]
    assert all(r.merge_key and r.imported_at for r in rows)
    assert [r.change_number for r in rows] == [1, 2, 3]  # insert then update gave 4, 5, 6


def test_the_import_gives_the_garbage_collector_back_as_it_found_it(svc: Service) -> None:
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    lines = [HEADER, "r1,Leeds Food Share,,LS6 3HG,Driver,Drive,,,LS6 3HG,,,,,,open"]
    records, _ = read_csv(lines, svc.runtime.extensions["vocabularies"])
    import_records(svc.runtime, "vc-leeds", records)
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)


def test_outbox_rows_of_a_batch_hold_the_envelopes_as_encoded(svc: Service) -> None:
    lines = [HEADER, "r1,Leeds Food Share,,LS6 3HG,Driver,Drive,,,LS6 3HG,,,,,,open"]
    records, _ = read_csv(lines, svc.runtime.extensions["vocabularies"])
    import_records(svc.runtime, "vc-leeds", records)
    with svc.runtime.engine.connect() as conn:
        payloads = conn.execute(sa.text("SELECT payload FROM outbox ORDER BY id")).scalars()
        for payload in payloads:
            assert encode(json.loads(payload)).decode() == payload
