"""Several processes migrating one fresh SQLite file at once (gunicorn workers on a new
data folder): every one must succeed, and the schema be made once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import sqlalchemy as sa

from services.common.migrations import upgrade
from services.opportunities.bootstrap import MIGRATIONS

WORKERS = 4


def _migrate(url: str, start: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    upgrade(MIGRATIONS, url)


def test_workers_starting_together_all_migrate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'opportunities.sqlite'}"
    (tmp_path / "data").mkdir()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(WORKERS)
    workers = [context.Process(target=_migrate, args=(url, start)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT * FROM alembic_version_opportunities")).all()
        assert len(versions) == 1
        assert "opportunities" in sa.inspect(conn).get_table_names()
    engine.dispose()
