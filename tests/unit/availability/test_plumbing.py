"""The availability service starts, migrates to tables that match its metadata, and keeps
copies of organisations and members from their events."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.availability.adapters.orm import metadata
from services.availability.adapters.tables import memberships
from services.availability.bootstrap import MIGRATIONS
from services.common.migrations import alembic_config, upgrade
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import Orgs


def test_migrations_match_the_tables_and_downgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'availability.sqlite'}"
    upgrade(MIGRATIONS, url)
    engine = sa.create_engine(url)

    def ours(name: str | None, kind: str, _parent: object) -> bool:
        return kind != "table" or not (name or "").startswith("alembic_version")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": ours})
        assert compare_metadata(context, metadata) == []  # columns, types and indexes agree
    command.downgrade(alembic_config(MIGRATIONS, url), "0001")
    with engine.connect() as conn:
        left = set(sa.inspect(conn).get_table_names())
    assert left == {"alembic_version_availability", "outbox", "processed_events"}
    engine.dispose()


def test_members_are_copied_and_removed(runtime: ServiceRuntime, orgs: Orgs) -> None:
    org_id = orgs.create("owner-1")
    orgs.member(org_id, "editor-2", "editor")
    orgs.member(org_id, "owner-1", None)
    with runtime.engine.connect() as conn:
        rows = conn.execute(sa.select(memberships.c.account_id, memberships.c.role)).all()
    assert [tuple(r) for r in rows] == [("editor-2", "editor")]
