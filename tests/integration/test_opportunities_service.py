"""The opportunities service on real PostgreSQL: migration 0002 both ways, JSON columns,
row locks, moderation, the lifecycle, the sweep and the export."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from services.common.config import Config
from services.common.migrations import alembic_config, upgrade
from services.common.service import runtime_of
from services.opportunities.bootstrap import MIGRATIONS
from services.opportunities.definition import SERVICE
from services.opportunities.service_layer.sweep import sweep
from tests.unit.conftest import POSTCODES
from tests.unit.opportunities.conftest import FakeClock, Service
from tests.unit.opportunities.test_import_numbers import (
    check_import_numbers,
    check_numbered_inserts,
)

pytestmark = [pytest.mark.postgres]


def _service(tmp_path: Path, url: str) -> Service:
    config = Config(
        service="opportunities",
        data_dir=tmp_path,
        event_log_path=tmp_path / "eventlog.sqlite",
        database_url=url,
        postcodes_db=POSTCODES,
        moderation_required=True,
    )
    app = SERVICE.create_app(config)
    clock = FakeClock()
    runtime_of(app).extensions["clock"] = clock
    return Service(app, clock)


def test_a_role_lives_its_whole_life_on_postgresql(pg_url, tmp_path: Path) -> None:
    svc = _service(tmp_path, pg_url("opps"))
    try:
        org_id = svc.register(charity_number="1123456-1")["id"]
        approve = svc.call(
            "POST", f"/api/v1/organisations/{org_id}/approve", "root", claims={"roles": ["admin"]}
        )
        assert approve.status_code == 200
        role = svc.create_role(
            org_id,
            closes_on=None,
            dated_sessions=[{"date": "2027-01-09", "starts": "10:00", "ends": "12:00"}],
            questions=[{"id": "why", "text": "Why us?", "required": True}],
        )
        assert svc.act(role["id"], "publish").status_code == 200
        patched = svc.call(
            "PATCH", f"/api/v1/opportunities/{role['id']}", "owner-1", json={"skills": []}
        )
        assert patched.get_json()["dated_sessions"][0]["date"] == "2027-01-09"
        svc.clock.advance(days=90)
        assert sweep(svc.runtime).asked == [role["id"]]
        svc.clock.advance(days=7)
        assert sweep(svc.runtime).paused == [role["id"]]
        export = svc.call(
            "GET", "/api/v1/opportunities/export", "search", claims={"roles": ["service"]}
        ).get_json()
        [item] = export["items"]
        assert (item["revision"], item["opportunity"]["status"]) == (4, "paused")
        assert [e["event_type"] for e in svc.events("organisations")] == [
            "OrganisationRegistered",
            "MembershipChanged",  # its registrant became the owner
            "OrganisationApproved",
        ]
    finally:
        svc.runtime.close()


def test_migration_0002_downgrades_and_upgrades_again(pg_url) -> None:
    url = pg_url("mig")
    upgrade(MIGRATIONS, url)
    command.downgrade(alembic_config(MIGRATIONS, url), "0001")
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert "opportunities" not in sa.inspect(conn).get_table_names()
    upgrade(MIGRATIONS, url)
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("organisations")}
    assert {"moderation", "catchment_outward_codes", "district_code"} <= columns
    engine.dispose()


def test_numbered_inserts_on_postgresql(pg_url) -> None:
    check_numbered_inserts(pg_url("numbers"))


def test_an_import_numbers_its_roles_on_postgresql(pg_url, tmp_path: Path) -> None:
    svc = _service(tmp_path, pg_url("import_numbers"))
    try:
        check_import_numbers(svc)
    finally:
        svc.runtime.close()
