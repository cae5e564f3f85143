"""Publication -> alerts queued, end to end, with 100,000 saved searches (embedded platform).

    python -m bench.alerts --saved 100000 --roles 30

The whole embedded platform runs in this process with its background workers, as under
`make run`. Saved searches are the mix of ``bench.percolate`` (real postcodes weighted by
population, codes, text), loaded through the bulk paths: rows into the volunteers service's
table and ``SqlPercolator.add_many`` into the search service's. Then each role is created
and published through the gateway's API; the clock starts when publish answers and stops
(1) when the percolation job has matched it and (2) when the volunteers service has queued
its alert items, then (3) when the digest emails for instant searches are in the mail outbox.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.progress import track

from bench import results
from bench.percolate import Mix, Postcodes
from services.common.auth import issue_token, resolve_secret
from services.common.config import Config
from services.common.geo.paths import default_db_path
from services.common.service import runtime_of
from services.common.vocab.vocabularies import load_vocabularies
from services.search.adapters.orm import opportunities, percolation_queue
from services.search.domain.query import SearchQuery
from services.volunteers.adapters.orm import accounts
from services.volunteers.adapters.saved_search_tables import alert_items, saved_searches

console = Console()
BATCH = 2000
POLL_S = 0.01


def params_of(query: SearchQuery) -> dict[str, str]:
    """The search API's parameters that mean ``query`` (what the volunteers service keeps)."""
    params: dict[str, str] = {"radius_km": str(query.radius_km), "remote": query.remote.value}
    if query.origin is not None:
        params["postcode"] = query.origin.postcode or ""
    if query.text:
        params["q"] = query.text
    if query.age is not None:
        params["age"] = str(query.age)
    names = {"available": "available", "exclude_requirements": "exclude_requirements",
             "causes": "causes", "skills": "skills", "commitment": "commitment",
             "accessibility": "accessibility"}  # fmt: skip
    for field, name in names.items():
        codes = getattr(query, field)
        if codes:
            params[name] = ",".join(sorted(codes))
    return params


def load_saved(platform: dict[str, Any], mix: Mix, count: int) -> None:
    volunteers = runtime_of(platform["volunteers"])
    percolator = runtime_of(platform["search"]).extensions["percolator"]
    now = dt.datetime.now(dt.UTC)
    people = [str(uuid.uuid4()) for _ in range(max(1, count // 5))]  # five searches each
    with volunteers.engine.begin() as conn:
        conn.execute(accounts.insert(), [
            {"id": pid, "email": f"{pid}@bench.invalid", "email_key": f"{pid}@bench.invalid",
             "name": "Bench", "account_type": "volunteer", "password_hash": "-",
             "email_verified": True, "roles": [], "created_at": now, "updated_at": now}
            for pid in people
        ])  # fmt: skip
    for start in track(range(0, count, BATCH), description="saved searches", console=console):
        batch = [(str(uuid.uuid4()), mix.search()) for _ in range(min(BATCH, count - start))]
        rows = [
            {"id": sid, "account_id": people[(start + n) % len(people)], "name": f"Search {n}",
             "params": params_of(q), "frequency": "instant", "created_at": now,
             "updated_at": now, "last_sent_at": now}
            for n, (sid, q) in enumerate(batch)
        ]  # fmt: skip
        with volunteers.engine.begin() as conn:
            conn.execute(saved_searches.insert(), rows)
        percolator.add_many(batch)
    started = time.perf_counter()
    percolator.preload()  # what a percolation worker does as it starts
    console.print(f"preload: {time.perf_counter() - started:.1f} s")


def wait(predicate: Callable[[], bool], timeout_s: float = 60.0) -> float:
    started = time.perf_counter()
    while not predicate():
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError("not within the timeout")
        time.sleep(POLL_S)
    return time.perf_counter()


def run(args: argparse.Namespace) -> None:
    from gateway.wsgi import create_app

    folder = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    config = Config(
        service="gateway",
        data_dir=folder,
        event_log_path=folder / "eventlog.sqlite",
        database_url=f"sqlite:///{folder / 'gateway.sqlite'}",
        postcodes_db=default_db_path(),
    )
    app = create_app(config, start_workers=False)
    platform = app.extensions["platform"].apps
    rng = random.Random(args.seed)
    mix = Mix(rng, Postcodes(default_db_path(), rng), load_vocabularies())
    load_saved(platform, mix, args.saved)
    app.extensions["platform"].start_workers()
    client = app.test_client()
    owner = {"Authorization": f"Bearer {issue_token(resolve_secret(config), 'bench-owner')}"}
    org = client.post("/api/v1/organisations", headers=owner, json={
        "name": "Bench Community Trust", "type": "charity", "postcode": "SE1 7AE"})  # fmt: skip
    org_id = org.get_json()["id"]
    search_db = runtime_of(platform["search"]).engine
    volunteers_db = runtime_of(platform["volunteers"]).engine
    timings: dict[str, list[float]] = {"matched": [], "first queued": [], "all queued": []}
    matches: list[int] = []
    for n in track(range(args.roles), description="roles", console=console):
        doc = mix.role(n)
        body = {"organisation_id": org_id, "title": doc.title, "summary": doc.summary,
                "description": doc.description, "causes": list(doc.causes),
                "skills": list(doc.skills), "commitment": doc.commitment,
                "locations": [{"postcode": p.postcode} for p in doc.locations],
                "remote": doc.remote or not doc.locations, "closes_on": "2099-01-31"}  # fmt: skip
        role_id = client.post("/api/v1/opportunities", headers=owner, json=body).get_json()["id"]
        published = client.post(f"/api/v1/opportunities/{role_id}/publish", headers=owner)
        assert published.status_code == 200, published.get_json()
        start = time.perf_counter()
        _measure(role_id, start, search_db, volunteers_db, timings, matches)
    report(args, timings, matches)
    pending, seconds = drain(volunteers_db)
    app.extensions["platform"].shutdown()
    shutil.rmtree(folder, ignore_errors=True)
    console.print(f"digest emails: {pending:,} instant alerts emailed in {seconds:.1f} s"
                  f" ({pending / max(seconds, 1e-9):,.0f} per second)")  # fmt: skip


def _measure(
    role_id: str,
    start: float,
    search_db: sa.Engine,
    volunteers_db: sa.Engine,
    timings: dict[str, list[float]],
    matches: list[int],
) -> None:
    def count(engine: sa.Engine, query: Any) -> int:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    in_queue = sa.select(sa.func.count()).select_from(percolation_queue).where(
        percolation_queue.c.opportunity_id == role_id)  # fmt: skip
    indexed = sa.select(sa.func.count()).select_from(opportunities).where(
        opportunities.c.id == role_id, opportunities.c.status == "published")  # fmt: skip

    def matched() -> bool:
        # Indexed (so queued in that transaction) and off the queue again: percolated.
        return count(search_db, indexed) == 1 and count(search_db, in_queue) == 0

    timings["matched"].append(wait(matched) - start)
    with search_db.connect() as conn:
        payloads = conn.execute(
            sa.text(
                "SELECT payload FROM outbox WHERE topic = 'alert-matches' AND payload LIKE :id"
            ),
            {"id": f"%{role_id}%"},
        ).scalars()
        expected = sum(len(json.loads(p)["data"]["saved_search_ids"]) for p in payloads)
    matches.append(expected)
    if not expected:
        return
    items = sa.select(sa.func.count()).select_from(alert_items).where(
        alert_items.c.opportunity_id == role_id)  # fmt: skip
    timings["first queued"].append(wait(lambda: count(volunteers_db, items) > 0) - start)
    timings["all queued"].append(wait(lambda: count(volunteers_db, items) == expected) - start)


def drain(volunteers_db: sa.Engine, window_s: float = 60.0) -> tuple[int, float]:
    """Alerts the digest job emails in ``window_s`` seconds (or until none are pending)."""
    pending = sa.select(sa.func.count()).select_from(alert_items).where(
        alert_items.c.state == "pending")  # fmt: skip

    def left() -> int:
        with volunteers_db.connect() as conn:
            return int(conn.execute(pending).scalar_one())

    before, started = left(), time.perf_counter()
    while left() and time.perf_counter() - started < window_s:
        time.sleep(0.5)
    return before - left(), time.perf_counter() - started


def report(args: argparse.Namespace, timings: dict[str, list[float]], matches: list[int]) -> None:
    results.save("alerts", {"saved_searches": args.saved, "roles": args.roles,
                            **{k.replace(" ", "_") + "_ms": results.quantiles_ms(v)
                               for k, v in timings.items() if v}})  # fmt: skip
    console.print(f"\n{args.saved:,} saved searches, {args.roles} roles published (embedded)")
    console.print(
        f"saved searches per role: median {statistics.median(matches):.0f}, max {max(matches)},"
        f" roles with none {matches.count(0)}"
    )
    for label, values in timings.items():
        if not values:
            continue
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        console.print(
            f"publish -> {label:12s} p50 {statistics.median(ordered):6.3f} s  p95 {p95:6.3f} s"
            f"  max {ordered[-1]:6.3f} s  (n={len(ordered)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saved", type=int, default=100_000)
    parser.add_argument("--roles", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
