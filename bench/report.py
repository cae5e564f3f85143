"""docs/benchmarks.md and its charts, from the figures the benchmarks left in var/bench/.

    python -m bench.report            # after `make bench` (which runs it last)

The page is generated: edit ``bench/analysis.md`` (the profiling notes and what remains,
included as written) or this file, not docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server
import matplotlib.pyplot as plt

from bench.results import FOLDER, ROOT

DOCS = ROOT / "docs"
CHARTS = DOCS / "benchmarks"
ANALYSIS = ROOT / "bench" / "analysis.md"
_results = FOLDER  # --results (the smoke test points it at its own folder)
LIBRARIES = ("flask", "gunicorn", "elasticsearch", "sqlalchemy", "locust")
COMMANDS = """\
make bench        # everything below, then this report
python -m bench.search_scale --sizes 100000,1000000   # both adapters, side by side
python -m bench.import_rate --rows 20000
python -m bench.post_to_searchable --posts 200 --embedded
python -m bench.post_to_searchable --posts 200         # Kafka + Elasticsearch + PostgreSQL
python -m bench.percolate --saved 100000 --roles 200
python -m bench.candidates --volunteers 100000 --tasks 200
python -m bench.candidates --volunteers 200000 --tasks 200 --json var/bench/candidates_200k.json
python -m bench.relay_throughput --events 20000
python -m bench.report
make soak         # includes python -m bench.soak_load --minutes 10 --rate 200"""


def figures(name: str) -> dict[str, Any] | None:
    path = _results / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def search_runs() -> dict[str, Any] | None:
    """Every ``search_scale*.json`` (a run per size, say) as one, sizes in order."""
    runs = [json.loads(p.read_text()) for p in sorted(_results.glob("search_scale*.json"))]
    if not runs:
        return None
    results = sorted((r | {"when": run["when"], "queries": run["args"]["queries"]}
                      for run in runs for r in run["results"]),
                     key=lambda r: (r["size"], r["adapter"]))  # fmt: skip
    return {"when": max(run["when"] for run in runs), "args": runs[-1]["args"],
            "results": results}  # fmt: skip


def machine() -> list[tuple[str, str]]:
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())  # fmt: skip
    mem_kb = next((int(line.split()[1]) for line in _lines("/proc/meminfo")
                   if line.startswith("MemTotal")), 0)  # fmt: skip
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("Memory", f"{mem_kb / 2**20:.0f} GiB"),
        ("System", f"{platform.system()} {platform.release()}"),
        ("Python", sys.version.split()[0]),
        ("SQLite", sqlite3.sqlite_version),
        ("Elasticsearch", "8.14.1 (elasticsearch-cluster-runner, one node, -Xmx1g)"),
        *((name, metadata.version(name)) for name in LIBRARIES),
    ]


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(out)


def search_section(scale: dict[str, Any]) -> str:
    rows = []
    for r in scale["results"]:
        raw = r.get("raw_es_ms", {})
        rows.append([
            r["adapter"], f"{r['size']:,}", r.get("queries", "-"), f"{r['load_per_s']:,}/s",
            r["gateway_ms"]["p50"], r["gateway_ms"]["p95"], r["gateway_ms"]["p99"],
            raw.get("p95", "-"), r.get("overhead_p95", "-"), r["searches_per_s"],
            r["trivial_per_s"], r.get("failed_timed", 0), r["gateway_rss_mb"],
            r.get("elasticsearch_rss_mb", "-"),
        ])  # fmt: skip
    header = ["Adapter", "Roles", "Timed queries", "Bulk load", "p50 ms", "p95 ms", "p99 ms",
              "Raw ES p95 ms", "Gateway / raw p95", "Searches/s", "Trivial req/s", "Failed",
              "Gateway RSS MB", "ES RSS MB"]  # fmt: skip
    args = scale["args"]
    return (
        f"Last measured {scale['when']}. Timed queries one at a time after a tenth as many "
        f"untimed; throughput with locust, {args['users']} users for {args['rate_seconds']} s; "
        "the gateway under gunicorn, 2 workers x 4 threads.\n\n" + table(header, rows) + "\n\n"
        "![p95 latency against corpus size](benchmarks/latency.png)\n"
    )


def latency_chart(scale: dict[str, Any]) -> None:
    CHARTS.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 4))
    for adapter in sorted({r["adapter"] for r in scale["results"]}):
        runs = sorted((r for r in scale["results"] if r["adapter"] == adapter),
                      key=lambda r: r["size"])  # fmt: skip
        sizes = [r["size"] for r in runs]
        for cut, style in (("p95", "-o"), ("p50", "--.")):
            ax.plot(sizes, [r["gateway_ms"][cut] for r in runs], style,
                    label=f"{adapter} {cut} (gateway)")  # fmt: skip
        if any("raw_es_ms" in r for r in runs):
            ax.plot(sizes, [r["raw_es_ms"]["p95"] for r in runs], ":s",
                    label=f"{adapter} p95 (raw)")  # fmt: skip
    ax.axhline(50, color="grey", linewidth=0.8)
    ax.text(ax.get_xlim()[0], 51, " target p95 50 ms", color="grey", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")  # the embedded adapter is two orders of magnitude above
    ax.set_xlabel("roles in the index")
    ax.set_ylabel("milliseconds")
    ax.set_title("Search latency against corpus size")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(CHARTS / "latency.png", dpi=110)
    plt.close(fig)


def targets() -> list[list[Any]]:
    """(target, measured, met) for each of issue 8's targets that has a figure."""
    rows: list[list[Any]] = []
    scale = search_runs()

    def add(name: str, limit: float, value: float | None, unit: str,
            better: Callable[[float, float], bool] = lambda v, lim: v <= lim) -> None:  # fmt: skip
        if value is not None:
            rows.append([name, f"{limit:g} {unit}", f"{value:g} {unit}",
                         "yes" if better(value, limit) else "**no**"])  # fmt: skip

    if scale:
        for adapter in sorted({r["adapter"] for r in scale["results"]}):
            biggest = max(r["size"] for r in scale["results"] if r["adapter"] == adapter)
            r = next(r for r in scale["results"]
                     if r["adapter"] == adapter and r["size"] == biggest)  # fmt: skip
            add(f"search p95, {r['adapter']}, {biggest:,} roles", 50, r["gateway_ms"]["p95"], "ms")
            add(f"searches per second, {r['adapter']}, {biggest:,} roles", 300,
                r["searches_per_s"], "/s", lambda v, lim: v >= lim)  # fmt: skip
            if "overhead_p95" in r:
                add("gateway / raw Elasticsearch p95", 1.5, r["overhead_p95"], "x")
            smaller = [s for s in scale["results"] if s["adapter"] == r["adapter"]
                       and s["size"] * 10 == biggest]  # fmt: skip
            if smaller:
                ratio = round(r["gateway_ms"]["p95"] / smaller[0]["gateway_ms"]["p95"], 2)
                add(f"p95 at {biggest:,} / p95 at {smaller[0]['size']:,}, {r['adapter']}",
                    2, ratio, "x")  # fmt: skip
    for mode in ("embedded", "scaled"):
        found = figures(f"post_to_searchable_{mode}")
        if found:
            add(f"post -> searchable p95, {mode}", 2000, found["latency_ms"]["p95"], "ms")
    found = figures("import")
    if found:
        add("bulk import", 5000, round(found["roles_per_s"]), "roles/s", lambda v, lim: v >= lim)
    found = figures("percolate")
    if found:
        add(f"alert matching p95, {found['saved_searches']:,} saved searches", 1000,
            found["warm_ms"]["p95"], "ms")  # fmt: skip
    found = figures("candidates")
    if found:
        add("micro-task candidates p95, 100k volunteers", 100, found["p95_ms"], "ms")
    return rows


def candidates_section(whole: dict[str, Any]) -> str:
    """The candidates benchmark at the generator's full 200,000 volunteers (the target is
    set at 100,000): how the same query grows."""
    rows = [[part, whole[part]["tasks"], whole[part]["p50_ms"], whole[part]["p95_ms"],
             whole[part]["max_ms"], whole[part]["candidates_mean"]]
            for part in ("local", "remote")]  # fmt: skip
    rows.insert(0, ["all", whole["tasks"], whole["p50_ms"], whole["p95_ms"], whole["max_ms"],
                    whole["candidates_mean"]])  # fmt: skip
    return (
        f"## Micro-task candidates among {whole['volunteers']:,} volunteers\n\n"
        f"The generator's whole population ({whole['windows']:,} availability windows, "
        f"{whole['credentials']:,} checks and training records, {whole['bookings']:,} "
        "bookings); the target above is for 100,000.\n\n"
        + table(["Tasks", "Count", "p50 ms", "p95 ms", "max ms", "Candidates (mean)"], rows)
        + "\n"
    )


def soak_section(soak: dict[str, Any]) -> str:
    """``bench.soak_load``: searches at a constant rate with writes, window by window."""
    args = soak["args"]
    parts = [
        f"Last measured {soak['when']}. `python -m bench.soak_load --minutes {args['minutes']:g}"
        f" --rate {args['rate']:g} --writes-per-s {args['writes_per_s']:g}`"
        f" ({args['roles']:,} roles, windows of {args['window_s']:g} s).\n"
    ]
    for run in soak["results"]:
        rows = [
            [f"{w['from_s']:g}-{w['to_s']:g} s", w["searches_per_s"], w["latency_ms"]["p50"],
             w["latency_ms"]["p95"], w["errors"], w["writes"]]
            for w in run["windows"]
        ]  # fmt: skip
        total = run["overall"]
        parts += [
            f"**{run['adapter']}**: {total['searches']:,} searches at {total['searches_per_s']}/s"
            f" (target {run['target_per_s']:g}/s), error rate {total['error_rate']:g},"
            f" p95 {total['latency_ms']['p95']} ms, p95 stability (worst / best window)"
            f" {total['p95_stability']}; {total['writes']} roles posted, {total['indexed']}"
            f" indexed, post -> searchable p95 {total['post_to_searchable_ms']['p95']} ms.\n",
            table(["Window", "Searches/s", "p50 ms", "p95 ms", "Errors", "Writes"], rows) + "\n",
        ]
    return "\n".join(parts)


def render() -> str:
    parts = [
        "# Benchmarks\n",
        "Generated by `python -m bench.report` from `var/bench/*.json` (run by `make bench`). "
        "Do not edit by hand: the notes come from `bench/analysis.md`.\n",
        "## Machine\n", table(["", ""], [list(row) for row in machine()]) + "\n",
        "## Commands\n", f"```\n{COMMANDS}\n```\n",
        "## Targets (issue 8)\n",
        table(["Target", "Limit", "Measured", "Met"], targets()) + "\n",
    ]  # fmt: skip
    scale = search_runs()
    if scale:
        latency_chart(scale)
        parts += ["## Search, side by side\n", search_section(scale)]
    whole = figures("candidates_200k")
    if whole:
        parts += [candidates_section(whole)]
    soak = figures("soak_load")
    if soak:
        parts += ["## Searches and writes together (soak)\n", soak_section(soak)]
    if ANALYSIS.exists():
        parts += [ANALYSIS.read_text()]
    return "\n".join(parts)


def main() -> None:
    global _results, CHARTS
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--results", type=Path, default=FOLDER, help="the benchmarks' JSON")
    parser.add_argument("--docs", type=Path, default=DOCS, help="where the page goes")
    args = parser.parse_args()
    _results, CHARTS = args.results, args.docs / "benchmarks"
    page = args.docs / "benchmarks.md"
    page.write_text(render())
    print(f"written {page}")


if __name__ == "__main__":
    main()
