"""Micro-volunteering's concurrency and history guarantees on real PostgreSQL (READ
COMMITTED, row locks, plpgsql triggers), with the same tests the unit suite runs on SQLite:
50 accepts for 3 places from two processes, one volunteer's overlapping accepts, 1,000
concurrent transfers with a replay, immutable ledger history, and erasure."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from services.availability.definition import SERVICE
from services.common.config import Config
from services.common.runtime import ServiceRuntime
from tests.unit.availability import (
    test_accept_concurrency,
    test_data_rights,
    test_ledger_concurrency,
)
from tests.unit.availability.conftest import SECRET, Clock, Orgs
from tests.unit.conftest import POSTCODES


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(tmp_path: Path, pg_url: Callable[[str], str], clock: Clock) -> Iterator[Flask]:
    config = Config(
        service="availability",
        data_dir=tmp_path,
        postcodes_db=POSTCODES,
        database_url=pg_url("availability"),
        event_log_path=tmp_path / "eventlog.sqlite",
        auth_secret=SECRET,
    )
    app = SERVICE.create_app(config)
    app.extensions["runtime"].extensions["clock"] = clock
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def runtime(app: Flask) -> ServiceRuntime:
    found: ServiceRuntime = app.extensions["runtime"]
    assert found.engine.dialect.name == "postgresql"
    return found


@pytest.fixture
def orgs(runtime: ServiceRuntime) -> Orgs:
    return Orgs(runtime)


def test_fifty_accepts_for_three_places(
    app: Flask, runtime: ServiceRuntime, orgs: Orgs, clock: Clock, tmp_path: Path
) -> None:
    test_accept_concurrency.test_fifty_accepts_for_three_places(
        app.test_client(), runtime, orgs, clock, tmp_path
    )


def test_one_volunteer_two_overlapping_tasks_at_once(
    app: Flask, runtime: ServiceRuntime, orgs: Orgs, clock: Clock
) -> None:
    test_accept_concurrency.test_one_volunteer_two_overlapping_tasks_at_once(
        app.test_client(), runtime, orgs, clock
    )


def test_concurrent_transfers_keep_the_books(runtime: ServiceRuntime, orgs: Orgs) -> None:
    test_ledger_concurrency.test_concurrent_transfers_keep_the_books_and_a_replay_changes_nothing(
        runtime, orgs
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET amount = amount + 1",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_transactions SET kind = 'earn'",
        "DELETE FROM ledger_transactions",
        "TRUNCATE ledger_entries",
    ],
)
def test_postgresql_refuses_to_edit_history(
    runtime: ServiceRuntime, orgs: Orgs, statement: str
) -> None:
    test_ledger_concurrency._hours(runtime, [orgs.create("owner-1")], random.Random(1))
    with pytest.raises(sa.exc.DBAPIError, match="immutable"), runtime.engine.begin() as conn:
        conn.execute(sa.text(statement))


def test_export_then_erasure(app: Flask, runtime: ServiceRuntime, orgs: Orgs, clock: Clock) -> None:
    test_data_rights.test_export_then_erasure(app.test_client(), runtime, orgs, clock)
