"""Bulk import: roles per second for a generated Volunteer Centre CSV.

    python -m bench.import_rate --rows 5000                 # SQLite in a temporary folder
    python -m bench.import_rate --rows 5000 --profile 25    # and the 25 costliest functions

Rows are roles of ``rows / 10`` organisations at real postcodes (districts weighted by their
number of postcodes), with coded lists from the standard, a tenth remote. The file is
imported through the ``import`` command's own path (read, check, write in batches with the
outbox), then imported again unchanged (which must change nothing: checked). Issue 8's target
is 5,000 roles/s. Also printed per second of this process's CPU time, steadier than the wall
clock when other work shares the machine. Writes ``var/bench/import.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import functools
import io
import json
import pstats
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress

from services.common.config import Config
from services.common.geo.paths import default_db_path
from services.common.service import runtime_of
from services.common.vocab.vocabularies import load_vocabularies
from services.opportunities.adapters.import_formats import read_csv
from services.opportunities.definition import SERVICE
from services.opportunities.service_layer.importing import import_records
from tests.unit.availability.generate import Places

ROOT = Path(__file__).resolve().parent.parent
console = Console()
COLUMNS = ("source_id", "organisation_name", "organisation_postcode", "title", "summary",
           "description", "causes", "skills", "postcode", "remote", "commitment",
           "minimum_age", "closes_on", "status")  # fmt: skip
TITLES = ("Befriender", "Food bank driver", "Charity shop assistant", "Gardening volunteer",
          "Reading helper", "Trustee", "Walk leader", "Phone buddy", "Event steward")  # fmt: skip


def generate(rows: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    places = Places(default_db_path(), rng)
    vocab = load_vocabularies()
    causes, skills = vocab.get("causes").codes, vocab.get("skills").codes
    orgs = [(f"Community Trust {n}", places.in_district(places.district()[0]).postcode)
            for n in range(max(1, rows // 10))]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n in range(rows):
        name, org_postcode = rng.choice(orgs)
        remote = rng.random() < 0.1
        where = "remote" if remote else places.in_district(places.district()[0]).postcode
        title = f"{rng.choice(TITLES)} {n}"
        writer.writerow([
            f"gen-{n}", name, org_postcode, title, f"{title}: a few hours a week.",
            f"Help our team as a {title.lower()}. Training given.",
            ";".join(rng.sample(causes, 2)), ";".join(rng.sample(skills, 2)), where,
            "yes" if remote else "no", rng.choice(("regular", "one_off", "flexible")),
            rng.choice(("16", "18", "")), "2027-12-31", "open",
        ])  # fmt: skip
    places.close()
    return out.getvalue().splitlines()


def run(args: argparse.Namespace) -> dict[str, Any]:
    lines = generate(args.rows, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="vmp-import-"))
    try:
        return _measure(args, lines, folder)
    finally:  # a run left its database behind: hundreds of them filled /tmp
        shutil.rmtree(folder, ignore_errors=True)


def _measure(args: argparse.Namespace, lines: list[str], folder: Path) -> dict[str, Any]:
    config = Config(service="opportunities", data_dir=folder,
                    event_log_path=folder / "eventlog.sqlite",
                    database_url=f"sqlite:///{folder / 'opportunities.sqlite'}",
                    postcodes_db=default_db_path())  # fmt: skip
    runtime = runtime_of(SERVICE.create_app(config))
    records, problems = read_csv(lines, runtime.extensions["vocabularies"])
    assert not problems, problems[:3]
    timings, cpu = {}, {}
    profiler = cProfile.Profile() if args.profile else None
    for attempt in ("first", "again"):
        with Progress(console=console) as bar:
            task = bar.add_task(f"import ({attempt})", total=len(records))
            advance = functools.partial(bar.advance, task)
            before = _state(runtime)
            started, started_cpu = time.perf_counter(), time.process_time()
            if profiler and attempt == "first":
                profiler.enable()
            outcome = import_records(runtime, "bench", records, progress=advance)
            if profiler and attempt == "first":
                profiler.disable()
            timings[attempt] = time.perf_counter() - started
            cpu[attempt] = time.process_time() - started_cpu
        counts = outcome.as_dict()
        console.print(f"{attempt}: {timings[attempt]:.2f} s, "
                      f"{len(records) / timings[attempt]:,.0f} roles/s "
                      f"({len(records) / cpu[attempt]:,.0f} per CPU second), {counts}")  # fmt: skip
    # Idempotency: the unchanged second import must not touch a role, a revision, a change
    # number or the outbox (``before`` is the state the first import left).
    if _state(runtime) != before or outcome.unchanged != len(records):
        raise SystemExit(f"the second import changed something: {before} -> {_state(runtime)}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    result = {"rows": args.rows, "seconds": timings["first"],
              "roles_per_s": args.rows / timings["first"], "cpu_s": cpu["first"],
              "again_s": timings["again"]}  # fmt: skip
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    runtime.close()
    return result


def _state(runtime: Any) -> tuple[Any, ...]:
    """What a second, unchanged import must leave as it was."""
    with runtime.engine.connect() as conn:
        return tuple(conn.execute(sa.text(
            "SELECT (SELECT COUNT(*) || '/' || SUM(revision) || '/' || MAX(change_number)"
            " FROM opportunities), (SELECT COUNT(*) FROM outbox),"
            " (SELECT COUNT(*) FROM organisations), (SELECT COUNT(*) FROM import_records)"
        )).one())  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest calls")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "import.json")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
