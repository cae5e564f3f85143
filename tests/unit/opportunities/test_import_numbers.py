"""Change numbers of bulk-inserted roles (migration 0005): reserved as a block, in order.

``check_numbered_inserts`` runs the migration's rules in plain SQL on any database URL, so
tests/integration/test_opportunities_service.py runs it on PostgreSQL too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command

from services.common.migrations import alembic_config, upgrade
from services.opportunities.adapters.import_formats import read_csv
from services.opportunities.bootstrap import MIGRATIONS
from services.opportunities.service_layer.importing import import_records
from tests.unit.opportunities.conftest import Service
from tests.unit.opportunities.test_import import HEADER, _rows

OPEN = "/api/v1/open-data"


def _counter(svc: Service) -> int:
    return int(_rows(svc, "SELECT value FROM open_data_sequence")[0][0])


def test_imported_roles_take_the_next_numbers_in_file_order(svc: Service) -> None:
    org = svc.register()
    earlier = svc.create_role(org["id"])
    assert svc.act(earlier["id"], "publish").status_code == 200
    in_file = check_import_numbers(svc)
    # A later change still goes to the back of the feed.
    patched = svc.call(
        "PATCH", f"/api/v1/opportunities/{earlier['id']}", "owner-1", json={"places": 4}
    )
    assert patched.status_code == 200
    (number,) = _rows(svc, f"SELECT change_number FROM opportunities WHERE id = '{earlier['id']}'")
    assert number[0] == in_file[-1].change_number + 1 == _counter(svc)
    feed = svc.client.get(f"{OPEN}/changes").get_json()["items"]
    assert [i["id"] for i in feed[-6:]] == [*(r.id for r in in_file), earlier["id"]]


def check_import_numbers(svc: Service) -> list[Any]:
    """Import five roles in two batches: they take the counter's next five numbers, in the
    file's order. Their rows (title, change_number, id), in that order."""
    before = _counter(svc)
    lines = [
        HEADER,
        *(f"r-{n},Leeds Food Share,,LS6 3HG,Role {n},Help,,,LS6 3HG,,,,,," for n in range(5)),
    ]
    records, problems = read_csv(lines, svc.runtime.extensions["vocabularies"])
    assert not problems
    outcome = import_records(svc.runtime, "vc-leeds", records, batch_size=3)
    assert outcome.created == 5
    numbered = _rows(
        svc, "SELECT title, change_number, id FROM opportunities WHERE source = 'vc-leeds'"
    )
    by_title = {r.title: r for r in numbered}
    in_file = [by_title[f"Role {n}"] for n in range(5)]
    assert [r.change_number for r in in_file] == list(range(before + 1, before + 6))
    assert _counter(svc) == before + 5  # nothing taken twice, nothing left unused
    return in_file


def check_numbered_inserts(url: str) -> None:
    """After 0005 a role inserted with a reserved number keeps it and one inserted without
    is stamped; after a downgrade to 0004 every insert is stamped again."""
    upgrade(MIGRATIONS, url)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(_ORGANISATION)
            conn.execute(_ROLE, {"id": "r1", "number": None})
            reserved = conn.execute(_RESERVE, {"count": 2}).scalar_one()
            conn.execute(
                _ROLE, [{"id": "r2", "number": reserved - 1}, {"id": "r3", "number": reserved}]
            )
            conn.execute(sa.text("UPDATE opportunities SET places = 2 WHERE id = 'r2'"))
        assert _numbers(engine) == {"r1": 1, "r2": 4, "r3": 3}
        command.downgrade(alembic_config(MIGRATIONS, url), "0004")
        with engine.begin() as conn:
            conn.execute(_ROLE, {"id": "r4", "number": 99})
        assert _numbers(engine)["r4"] == 5
        upgrade(MIGRATIONS, url)
        with engine.begin() as conn:
            conn.execute(_ROLE, {"id": "r5", "number": 6})
            conn.execute(sa.text("UPDATE open_data_sequence SET value = 6"))
        assert _numbers(engine)["r5"] == 6
    finally:
        engine.dispose()


def _numbers(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, change_number FROM opportunities")).all()
    return {r.id: r.change_number for r in rows}


def test_numbered_inserts_on_sqlite(tmp_path: Path) -> None:
    check_numbered_inserts(f"sqlite:///{tmp_path / 'opportunities.sqlite'}")


_ORGANISATION = sa.text(
    "INSERT INTO organisations (id, name, type, description, registered_at) "
    "VALUES ('o1', 'Old Friends', 'charity', '', '2025-01-01 10:00:00')"
)
_ROLE = sa.text(
    "INSERT INTO opportunities (id, organisation_id, title, summary, description, causes, "
    "skills, requirements, rewards, accessibility, commitment, sessions, dated_sessions, "
    "locations, remote, questions, status, revision, created_at, updated_at, published_at, "
    "change_number) "
    "VALUES (:id, 'o1', 't', '', '', '[]', '[]', '[]', '[]', '[]', 'regular', '[]', '[]', "
    "'[]', false, '[]', 'published', 2, '2025-01-01', '2025-01-01', '2025-01-01', :number)"
)
_RESERVE = sa.text(
    "UPDATE open_data_sequence SET value = value + :count WHERE id = 1 RETURNING value"
)
