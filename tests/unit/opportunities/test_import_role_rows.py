"""The import's own row writing stores exactly what SQLAlchemy's insert stores.

``ImportRepository.add_roles`` writes new roles on SQLite through ``SqliteRoleRows`` (its own
JSON text and the dialect's bind processors, once per distinct value) instead of SQLAlchemy's
per-value processing. Rows written both ways are read back as raw text, so any difference in
what is stored (JSON spacing, escaping, times, flags) fails here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from services.common.outbox import insert_many
from services.opportunities.adapters.import_repository import (
    ImportRepository,
    SqliteRoleRows,
    _new_roles,
)
from services.opportunities.adapters.opportunity_repository import new_row
from services.opportunities.adapters.orm import outbox
from services.opportunities.domain.details import (
    Commitment,
    DatedSession,
    Details,
    Location,
    Question,
)
from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.organisation import Organisation, OrganisationType
from services.opportunities.service_layer.unit_of_work import unit_of_work
from tests.unit.opportunities.conftest import START, Service

FULL = Details(
    title="Befriender — café visits",  # not ASCII, as in a question: JSON escapes it there
    summary='Tea, "cake" and a chat\n',
    description="Visit\tweekly",
    causes=("OlderPeople", "Health"),
    skills=("Communication",),
    requirements=("DBSCheck",),
    commitment=Commitment.REGULAR,
    hours_per_week=1.5,
    sessions=("MondayMorning", "FridayEvening"),
    dated_sessions=(DatedSession(dt.date(2027, 1, 4), "10:00", "12:00"),),
    locations=(
        Location("LS6 3HG", 53.8195, -1.5749, "E08000035"),
        Location("SE1 7AE", 51.5, -0.11, None),
    ),
    remote=True,
    minimum_age=16,
    maximum_age=80,
    places=3,
    starts_on=dt.date(2027, 1, 1),
    ends_on=dt.date(2027, 6, 30),
    closes_on=dt.date(2027, 5, 31),
    apply_url="https://example.org/apply",
    questions=(Question("why", "Why the café?", True), Question("when", 'When? "Soon"')),
)
SPARSE = Details(title="Driver", locations=(Location("LS6 3HG", 53.8195, -1.5749),))


def _roles(org_id: str) -> list[Opportunity]:
    """Roles using every kind of value, some sharing times and code lists as a batch does."""
    later = START.astimezone(dt.timezone(dt.timedelta(hours=1))) + dt.timedelta(minutes=5)
    roles = []
    for details in (FULL, SPARSE, FULL.replace(causes=("Health", "OlderPeople")), SPARSE):
        role = Opportunity.create(org_id, details, START)
        roles.append(role)
    roles[0].publish(START, organisation_approved=True)
    roles[2].publish(later, organisation_approved=True)  # a time with an offset
    roles[2].confirm(later + dt.timedelta(seconds=1, microseconds=5))
    return roles


def _origin(role: Opportunity, n: int) -> dict[str, Any]:
    return {"b_id": role.id, "source": "vc", "source_id": f"r{n}", "merge_key": f"key {n}"} | {
        "imported_at": START + dt.timedelta(seconds=n)
    }


def _raw_rows(svc: Service, ids: list[str]) -> list[dict[str, Any]]:
    """Every column as SQLite holds it (no SQLAlchemy types), without the id."""
    with svc.runtime.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM opportunities").mappings().all()
    by_id = {row["id"]: dict(row) for row in rows}
    return [{k: v for k, v in by_id[i].items() if k not in ("id", "change_number")} for i in ids]


def _org(svc: Service) -> str:
    org = Organisation.register(name="Leeds", type_=OrganisationType.CHARITY, now=START)
    with unit_of_work(svc.runtime) as uow:
        ImportRepository(uow.session).add_organisations([org])
    return org.id


def test_add_roles_stores_what_the_sqlalchemy_insert_stores(svc: Service) -> None:
    org_id = _org(svc)
    general, fast = _roles(org_id), _roles(org_id)
    with unit_of_work(svc.runtime) as uow:
        rows = [new_row(r) | _origin(r, n) for n, r in enumerate(general)]
        uow.session.execute(_new_roles.insert(), [_without_b_id(row) for row in rows])
        ImportRepository(uow.session).add_roles(fast, [_origin(r, n) for n, r in enumerate(fast)])
    stored = _raw_rows(svc, [r.id for r in general])
    assert stored == _raw_rows(svc, [r.id for r in fast])
    assert stored[0]["causes"] == '["OlderPeople", "Health"]'  # json.dumps' own spacing
    assert "caf\\u00e9" in stored[0]["questions"]  # and its escaping
    with unit_of_work(svc.runtime) as uow:
        for old, new in zip(general, fast, strict=True):
            read_old, read_new = uow.opportunities.get(old.id), uow.opportunities.get(new.id)
            assert read_new is not None and read_old is not None
            assert dataclasses.replace(read_new, id=old.id) == read_old
            assert read_new.details == new.details


def _without_b_id(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "b_id"}


@pytest.mark.parametrize("details", [FULL, SPARSE])
def test_a_row_holds_new_row_values_as_bound(svc: Service, details: Details) -> None:
    role = Opportunity.create("org", details, START)
    origin = _origin(role, 1)
    dialect = svc.runtime.engine.dialect
    rows = SqliteRoleRows(dialect)
    names = rows.insert.split("(", 1)[1].split(")", 1)[0].split(", ")
    expected = new_row(role) | {k: v for k, v in origin.items() if k != "b_id"}
    expected["change_number"] = 7
    for name, value in zip(names, rows.rows([role], {role.id: origin}, 7)[0], strict=True):
        process = _new_roles.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        assert value == (process(expected[name]) if process else expected[name]), name


def test_equal_times_with_other_offsets_are_not_taken_for_each_other(svc: Service) -> None:
    rows = SqliteRoleRows(svc.runtime.engine.dialect)
    utc, ahead = START, START.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert utc == ahead
    first = {"source": "vc", "source_id": "r", "merge_key": "k", "imported_at": utc}
    role = Opportunity.create("org", SPARSE, START)
    at = rows.insert.split("(", 1)[1].split(")", 1)[0].split(", ").index("imported_at")
    other = Opportunity.create("org", SPARSE, START)
    origins = {role.id: first, other.id: first | {"imported_at": ahead}}
    one, two = rows.rows([role, other], origins, 1)
    assert one[at] != two[at]


def _as_dict_before(details: Details) -> dict[str, Any]:
    """``Details.as_dict`` as it was written first (dataclasses.asdict, then enum values)."""
    out = dataclasses.asdict(details)
    for name, value in out.items():
        if isinstance(value, tuple):
            out[name] = list(value)
    out["commitment"] = details.commitment.value
    return out


@pytest.mark.parametrize("details", [FULL, SPARSE, Details(title="Only a title")])
def test_as_dict_is_what_asdict_gives(details: Details) -> None:
    plain = details.as_dict()
    assert plain == _as_dict_before(details)
    assert list(plain) == list(_as_dict_before(details))
    assert all(type(v) is list for k, v in plain.items() if isinstance(getattr(details, k), tuple))
    plain["causes"].append("Changed")  # a copy: the details stay as they were
    assert "Changed" not in details.causes


def test_insert_many_stores_what_the_sqlalchemy_insert_stores(svc: Service) -> None:
    ahead = START.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    rows = [
        {"event_id": f"{way}{n}", "topic": "t", "key": "k", "payload": '{"a":"é"}'}
        | {"created_at": at}
        for way in ("fast", "general")
        for n, at in enumerate((START, ahead, START + dt.timedelta(microseconds=7)))
    ]
    with unit_of_work(svc.runtime) as uow:
        insert_many(uow.session, outbox, rows[:3])
        uow.session.execute(outbox.insert(), rows[3:])
    with svc.runtime.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT * FROM outbox ORDER BY event_id").all()
    fast, general = stored[:3], stored[3:]
    assert [r[2:] for r in fast] == [r[2:] for r in general]  # all but id and event_id
    assert len({r.created_at for r in fast}) == 3  # equal times, other offsets: kept apart
