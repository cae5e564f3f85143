"""A small run of `make bench`'s search benchmark, so the harness cannot rot unnoticed:
both adapters load the same generated catalogue through their bulk path, the gateway runs
under gunicorn, the client times the query mix (and the raw Elasticsearch bodies), locust
measures throughput, and the report renders its tables and chart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZE, QUERIES = 1500, 60


@pytest.mark.elasticsearch
def test_the_search_benchmark_runs_on_both_adapters_and_reports(
    tmp_path: Path, elasticsearch_engine: object
) -> None:
    results = tmp_path / "results"
    run = [sys.executable, "-m", "bench.search_scale", "--sizes", str(SIZE), "--queries",
           str(QUERIES), "--warm", "10", "--rate-seconds", "3", "--users", "4",
           "--es-url", elasticsearch_engine.url,  # type: ignore[attr-defined]
           "--json", str(results / "search_scale.json")]  # fmt: skip
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    figures = json.loads((results / "search_scale.json").read_text())["results"]
    assert [(r["adapter"], r["size"]) for r in figures] == [
        ("embedded", SIZE), ("elasticsearch", SIZE)
    ]  # fmt: skip
    for run_ in figures:
        assert run_["gateway_ms"]["n"] == QUERIES
        assert 0 < run_["gateway_ms"]["p50"] <= run_["gateway_ms"]["p95"]
        assert run_["searches_per_s"] > 0 and run_["trivial_per_s"] > 0
        assert run_["failed_searches"] == 0 and run_["failed_trivial"] == 0
        assert run_["failed_timed"] == 0
    raw = figures[1]["raw_es_ms"]
    assert raw["n"] == QUERIES and raw["p95"] > 0
    assert figures[1]["overhead_p95"] == round(figures[1]["gateway_ms"]["p95"] / raw["p95"], 2)

    docs = tmp_path / "docs"
    docs.mkdir()
    report = [sys.executable, "-m", "bench.report", "--results", str(results), "--docs",
              str(docs)]  # fmt: skip
    subprocess.run(report, cwd=ROOT, check=True, capture_output=True, timeout=120)
    page = (docs / "benchmarks.md").read_text()
    assert f"| embedded | {SIZE:,} |" in page and f"| elasticsearch | {SIZE:,} |" in page
    assert (docs / "benchmarks" / "latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
