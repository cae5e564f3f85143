"""``import FILE --source NAME [--format jsonld|csv] [--report report.json]``.

Reads the whole file first (so the bar knows its length), then writes it in batches with a
progress bar; prints the counts and writes every problem to ``--report`` as JSON.
Exit code 0 when every record was imported, 1 when some were skipped, 2 when none could be.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.common.runtime import ServiceRuntime
from services.opportunities.adapters.import_formats import guess_format, read_file
from services.opportunities.service_layer.importing import import_records


def import_command(runtime: ServiceRuntime, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.opportunities.entrypoints.cli import",
        description="Import roles from UK Volunteering Data JSON-LD or the CSV layout "
        "(docs/open-data.md).",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--source", required=True, help="who published the file, e.g. vc-leeds")
    parser.add_argument("--format", choices=("jsonld", "csv"), help="default: by file suffix")
    parser.add_argument("--report", type=Path, help="write the outcome and problems here")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    fmt = args.format or guess_format(args.file)
    records, problems = read_file(args.file, fmt, runtime.extensions["vocabularies"])
    started = time.perf_counter()
    with Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("import", total=len(records))
        outcome = import_records(runtime, args.source, records, lambda n: bar.advance(task, n))
    outcome.problems[:0] = problems
    seconds = time.perf_counter() - started
    summary = {"source": args.source, "format": fmt, "seconds": round(seconds, 3)}
    summary |= outcome.as_dict()
    if args.report:
        args.report.write_text(json.dumps(summary, indent=2))
    counts = {k: v for k, v in summary.items() if k != "problems"}
    print(json.dumps(counts))
    for problem in outcome.problems[:20]:
        console.print(
            f"record {problem.number} ({problem.source_id or '-'}): "
            f"{problem.field}: {problem.message}"
        )
    if not counts["skipped"]:
        return 0
    written = sum(counts[k] for k in ("created", "updated", "merged", "unchanged"))
    return 1 if written else 2
