"""Fan-out booking under contention: 50 volunteers accept one task needing 3 at the same
moment from threads in two processes; and one volunteer accepts two overlapping tasks at
once from two processes. Exactly 3 places are taken and one of the overlapping pair kept."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskClient

from services.availability.adapters.tables import bookings, microtasks
from services.availability.definition import SERVICE
from services.common.config import Config
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import Clock, Orgs, bearer
from tests.unit.availability.helpers import add_volunteer

VOLUNTEERS = 50


def _accept_all(
    config: Config, task_ids: list[str], accounts: list[str], start: object, out: object
) -> None:
    """In a separate process: its own app, engine and connections; threads accept at once."""
    app = SERVICE.create_app(config)

    def one(pair: tuple[str, str]) -> int:
        task_id, account = pair
        client = app.test_client()
        headers = bearer(account)
        start.wait(timeout=60)  # type: ignore[attr-defined]  # every thread, both processes
        return client.post(f"/api/v1/microtasks/{task_id}/accept", headers=headers).status_code

    pairs = list(zip(task_ids, accounts, strict=True))
    with ThreadPoolExecutor(max_workers=len(pairs)) as pool:
        codes = list(pool.map(one, pairs))
    app.extensions["runtime"].close()
    out.put(codes)  # type: ignore[attr-defined]


def _run_in_two_processes(config: Config, jobs: list[tuple[list[str], list[str]]]) -> list[int]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(sum(len(accounts) for _, accounts in jobs))
    out = context.Queue()
    processes = [
        context.Process(target=_accept_all, args=(config, tasks, accounts, barrier, out))
        for tasks, accounts in jobs
    ]
    for process in processes:
        process.start()
    codes = [code for _ in processes for code in out.get(timeout=180)]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    return codes


def _post(client: FlaskClient, org_id: str, starts: dt.datetime, **extra: object) -> str:
    response = client.post("/api/v1/microtasks", headers=bearer("coord-1"), json={
        "organisation_id": org_id, "task_type": "EventHelp", "title": "Stewarding the fair",
        "postcode": "SE1 7PB", "starts_at": starts.isoformat(), "duration_minutes": 120,
        **extra,
    })  # fmt: skip
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def _config(runtime: ServiceRuntime) -> Config:
    return runtime.config


def test_fifty_accepts_for_three_places(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs, clock: Clock, tmp_path: Path
) -> None:
    clock.now = dt.datetime.now(dt.UTC)  # the other processes run on the real clock
    accounts = [f"vol-{i:02d}" for i in range(VOLUNTEERS)]
    for account in accounts:
        add_volunteer(runtime, account)
    org_id = orgs.create("coord-1")
    task_id = _post(client, org_id, clock.now + dt.timedelta(days=2), volunteers_needed=3,
                    offers_per_round=VOLUNTEERS)  # fmt: skip
    half = VOLUNTEERS // 2
    codes = _run_in_two_processes(_config(runtime), [
        ([task_id] * half, accounts[:half]),
        ([task_id] * (VOLUNTEERS - half), accounts[half:]),
    ])  # fmt: skip
    assert sorted(codes).count(200) == 3 and sorted(codes).count(409) == VOLUNTEERS - 3
    with runtime.engine.connect() as conn:
        accepted = conn.execute(
            sa.select(sa.func.count()).where(bookings.c.task_id == task_id,
                                             bookings.c.status == "accepted")
        ).scalar()  # fmt: skip
        task = (
            conn.execute(sa.select(microtasks).where(microtasks.c.id == task_id)).mappings().one()
        )
    assert accepted == 3 and task["accepted_count"] == 3 and task["status"] == "filled"


def test_one_volunteer_two_overlapping_tasks_at_once(
    client: FlaskClient, runtime: ServiceRuntime, orgs: Orgs, clock: Clock
) -> None:
    clock.now = dt.datetime.now(dt.UTC)
    add_volunteer(runtime, "vol-x")
    org_id = orgs.create("coord-1")
    starts = clock.now + dt.timedelta(days=3)
    first = _post(client, org_id, starts)
    second = _post(client, org_id, starts + dt.timedelta(minutes=60))
    for _ in range(5):  # several rounds: the race must be lost the same way every time
        codes = _run_in_two_processes(
            _config(runtime), [([first], ["vol-x"]), ([second], ["vol-x"])]
        )
        assert sorted(codes) == [200, 409]
        with runtime.engine.begin() as conn:
            kept = conn.execute(
                sa.select(bookings.c.task_id).where(bookings.c.account_id == "vol-x",
                                                    bookings.c.status == "accepted")
            ).scalars().all()  # fmt: skip
            assert len(kept) == 1
            # Reset for the next round: both offers open again, no places taken.
            conn.execute(sa.update(bookings).values(status="offered", responded_at=None))
            conn.execute(sa.update(microtasks).values(accepted_count=0, status="open"))
