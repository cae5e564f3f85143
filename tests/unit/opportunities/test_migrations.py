"""Migration 0002 on SQLite: existing organisations stay approved; it downgrades cleanly."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from services.common.migrations import alembic_config, upgrade
from services.opportunities.bootstrap import MIGRATIONS


def test_0002_keeps_existing_organisations_approved_and_downgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'opportunities.sqlite'}"
    upgrade(MIGRATIONS, url, "0001")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organisations (id, name, type, description, registered_at) "
                "VALUES ('o1', 'Old Friends', 'charity', '', '2025-01-01 10:00:00')"
            )
        )
    upgrade(MIGRATIONS, url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT moderation, updated_at FROM organisations")).one()
        tables = set(sa.inspect(conn).get_table_names())
    assert row.moderation == "approved" and row.updated_at.startswith("2025-01-01")
    assert {"opportunities", "organisation_members", "recruiting_reminders"} <= tables
    command.downgrade(alembic_config(MIGRATIONS, url), "0001")
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("organisations")}
        tables = set(sa.inspect(conn).get_table_names())
    assert "moderation" not in columns and "opportunities" not in tables
    engine.dispose()
