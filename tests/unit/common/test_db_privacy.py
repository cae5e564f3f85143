"""What the database layer keeps out of logs and files: statement parameters in error
messages (they end up in logs and dead letters), deleted rows in SQLite's free pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.common.db import make_engine

ADDRESS = "zephyrine.quillfeather@example.org"


def _table(tmp_path: Path) -> tuple[sa.Engine, sa.Table]:
    engine = make_engine(f"sqlite:///{tmp_path / 'private.sqlite'}")
    metadata = sa.MetaData()
    people = sa.Table("people", metadata, sa.Column("email", sa.String, primary_key=True))
    metadata.create_all(engine)
    return engine, people


def test_a_failed_statement_does_not_quote_its_parameters(tmp_path: Path) -> None:
    engine, people = _table(tmp_path)
    with engine.begin() as conn:
        conn.execute(people.insert().values(email=ADDRESS))
    with pytest.raises(sa.exc.IntegrityError) as caught, engine.begin() as conn:
        conn.execute(people.insert().values(email=ADDRESS))
    assert "UNIQUE constraint failed" in str(caught.value)
    assert ADDRESS not in str(caught.value)
    engine.dispose()


def test_deleted_rows_leave_no_trace_in_the_file(tmp_path: Path) -> None:
    engine, people = _table(tmp_path)
    with engine.begin() as conn:
        conn.execute(people.insert(), [{"email": f"{n}-{ADDRESS}"} for n in range(50)])
    with engine.begin() as conn:
        conn.execute(people.delete())
    with engine.connect() as conn:  # on whatever the SQLite build's default is
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    engine.dispose()
    with sqlite3.connect(tmp_path / "private.sqlite") as conn:  # the WAL into the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert ADDRESS.encode() not in (tmp_path / "private.sqlite").read_bytes()
