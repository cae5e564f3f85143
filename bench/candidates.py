"""Matching: time to find the ranked candidates for one micro-task among 100,000 volunteers.

    python -m bench.candidates --volunteers 100000 --tasks 200          # SQLite in a temp dir
    python -m bench.candidates --database-url postgresql+psycopg://…    # an empty database

Volunteers live at real postcodes, districts drawn in proportion to their postcode count
(cities are dense), with the mix of ``tests/unit/availability/generate.py``: weekly and
one-off windows, 1-100 km travel, 1-5 of the platform's task types, DBS checks and
training, some paused, some with bookings. Tasks are drawn the same way: an eighth remote
(only types that can be done from home), a third needing credentials. ``--mix dense`` uses
the acceptance test's five task types instead: pools about twice as big, a stress case.

The database is made by the service's own migrations, so the indexes are production's.
Each ``find_candidates`` call runs in its own session, as a request would, and finds
every eligible volunteer, ranked (no limit).

Prints p50/p95/max per task (all, local, remote) and writes them as JSON (``--json``,
default ``var/bench/candidates.json``). Issue 8's target: p95 <= 100 ms on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.progress import track

from services.availability.adapters.task_rows import task_from_row
from services.availability.bootstrap import MIGRATIONS
from services.availability.service_layer.matching import find_candidates
from services.common.db import make_engine, make_session_factory
from services.common.geo.paths import default_db_path
from services.common.migrations import upgrade
from tests.unit.availability.generate import Mix, Places, Rows, insert

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2027, 3, 20, 9, 0, tzinfo=dt.UTC)  # the day before the tasks' fortnight
BATCH = 2000
console = Console()


@dataclass
class Loaded:
    tasks: list[dict[str, Any]]
    counts: dict[str, int]


def load(engine: sa.Engine, mix: Mix, volunteers: int, tasks: int) -> Loaded:
    """Insert the volunteers in batches (with a progress bar), then tasks and bookings."""
    counts = {"volunteers": volunteers, "windows": 0, "credentials": 0}
    accounts: list[str] = []
    for start in track(range(0, volunteers, BATCH), description="volunteers", console=console):
        rows = Rows()
        for n in range(start, min(start + BATCH, volunteers)):
            rows.extend(mix.volunteer(n))
        with engine.begin() as conn:
            insert(conn, rows)
        accounts += [v["account_id"] for v in rows.volunteers]
        counts["windows"] += len(rows.windows)
        counts["credentials"] += len(rows.credentials)
    made = Rows(tasks=[mix.task(n) for n in range(tasks)])
    made.bookings = mix.bookings(accounts, made.tasks, share=0.3)
    with engine.begin() as conn:
        insert(conn, made)
    counts["bookings"] = len(made.bookings)
    console.print("loaded " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
    return Loaded(made.tasks, counts)


def measure(engine: sa.Engine, tasks: Sequence[dict[str, Any]]) -> tuple[list[float], list[int]]:
    sessions = make_session_factory(engine)
    waits, found = [], []
    for row in track(tasks, description="find_candidates", console=console):
        task = task_from_row(row)
        with sessions() as session:
            started = time.perf_counter()
            candidates = find_candidates(session, task, NOW)
            waits.append(time.perf_counter() - started)
        found.append(len(candidates))
    return waits, found


def summary(waits: Sequence[float], found: Sequence[int]) -> dict[str, Any]:
    cuts = (
        statistics.quantiles(waits, n=100, method="inclusive")
        if len(waits) > 1
        else [waits[0]] * 99
    )
    return {
        "tasks": len(waits),
        "p50_ms": round(1000 * cuts[49], 1),
        "p95_ms": round(1000 * cuts[94], 1),
        "max_ms": round(1000 * max(waits), 1),
        "candidates_p50": statistics.median(found),
        "candidates_mean": round(statistics.mean(found), 1),
        "candidates_max": max(found),
        "tasks_without_candidates": sum(1 for n in found if n == 0),
    }


def report(args: argparse.Namespace, url: str, loaded: Loaded, waits: list[float],
           found: list[int]) -> dict[str, Any]:  # fmt: skip
    remote = [bool(row["remote"]) for row in loaded.tasks]
    parts = {
        "all": summary(waits, found),
        "local": summary(*_where(waits, found, [not r for r in remote])),
        "remote": summary(*_where(waits, found, remote)),
    }
    for name, part in parts.items():
        console.print(
            f"[bold]find_candidates, {name}[/]: {part['tasks']} tasks among "
            f"{args.volunteers:,} volunteers; p50 {part['p50_ms']} ms, p95 {part['p95_ms']} ms, "
            f"max {part['max_ms']} ms; candidates per task p50 {part['candidates_p50']:.0f}, "
            f"mean {part['candidates_mean']}, max {part['candidates_max']:,} "
            f"({part['tasks_without_candidates']} with none)"
        )
    return {
        "bench": "candidates",
        "database": url.split(":", 1)[0],
        "mix": args.mix,
        **loaded.counts,
        **parts["all"],
        "local": parts["local"],
        "remote": parts["remote"],
        "seed": args.seed,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _where(waits: list[float], found: list[int], keep: list[bool]) -> tuple[list, list]:
    return [w for w, k in zip(waits, keep, strict=True) if k], [
        f for f, k in zip(found, keep, strict=True) if k
    ]


def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    path = default_db_path()
    places = Places(path if path.is_absolute() else ROOT / path, random.Random(args.seed))
    mix = Mix(places, random.Random(args.seed + 1), hubs=None, realistic=args.mix == "realistic")
    upgrade(MIGRATIONS, url)
    engine = make_engine(url)
    try:
        loaded = load(engine, mix, args.volunteers, args.tasks)
        waits, found = measure(engine, loaded.tasks)
        return report(args, url, loaded, waits, found)
    finally:
        engine.dispose()
        places.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20270328)
    parser.add_argument("--mix", choices=("realistic", "dense"), default="realistic")
    parser.add_argument("--database-url", help="an empty database; default: SQLite, temporary")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "candidates.json")
    args: Any = parser.parse_args(argv)
    if args.database_url:
        result = run(args, args.database_url)
    else:
        with tempfile.TemporaryDirectory(prefix="candidates-bench-") as tmp:
            result = run(args, f"sqlite:///{Path(tmp) / 'availability.sqlite'}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    console.print(f"results in {args.json}")


if __name__ == "__main__":
    main()
