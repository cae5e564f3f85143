"""Alembic, shared: each service keeps its own migration scripts and calls these helpers.

Keeping env.py logic here means four services do not carry four copies of it.
"""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config as AlembicConfig


def alembic_config(script_location: Path, url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def upgrade(script_location: Path, url: str, revision: str = "head") -> None:
    """Bring a service's database up to date (run at start-up and by ``cli migrate``)."""
    with _sqlite_file_lock(url):
        command.upgrade(alembic_config(script_location, url), revision)


@contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    """One migration at a time on a SQLite file. PostgreSQL has its advisory lock
    (``run_env``); SQLite has none, so gunicorn workers starting together on a fresh data
    folder each created the same tables and all but one failed. The later ones now wait,
    then find nothing to do."""
    parsed = sa.engine.make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock = Path(f"{database}.migrating")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_env(target_metadata: sa.MetaData, service: str) -> None:
    """The body of every service's ``migrations/env.py`` (online mode only)."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set"
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Several gunicorn workers or replicas start at once; one migrates, others wait.
            lock_id = zlib.crc32(f"vmp-migrate-{service}".encode())
            connection.execute(sa.text("SELECT pg_advisory_lock(:id)"), {"id": lock_id})
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            version_table=f"alembic_version_{service}",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_plumbing_tables() -> None:
    """Initial migration step every service shares: outbox and processed events.

    Spelled out rather than derived from ``db.plumbing_tables``: a migration is a frozen
    record of what version 1 created, and must not change when the live model does.
    """
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        sqlite_where=sa.text("published_at IS NULL"),
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer_group", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )


def drop_plumbing_tables() -> None:
    op.drop_table("processed_events")
    op.drop_table("outbox")
