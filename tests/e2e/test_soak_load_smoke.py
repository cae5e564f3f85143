"""A short run of `make soak`'s load soak (issue 9), so the harness cannot rot unnoticed:
the catalogue is loaded, the gateway runs under gunicorn with its workers beside it, locust
keeps a constant search rate while roles are posted through the API, and every posted role
must turn up in search."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RATE, WRITES_PER_S, SECONDS, WINDOW_S = 20, 1, 30, 10


@pytest.mark.slow
def test_the_load_soak_holds_its_rate_without_errors_and_indexes_every_write(
    tmp_path: Path,
) -> None:
    out = tmp_path / "soak_load.json"
    run = [sys.executable, "-m", "bench.soak_load", "--roles", "2000",
           "--minutes", str(SECONDS / 60), "--rate", str(RATE),
           "--writes-per-s", str(WRITES_PER_S), "--window-s", str(WINDOW_S),
           "--json", str(out)]  # fmt: skip
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    (result,) = json.loads(out.read_text())["results"]
    overall = result["overall"]
    assert overall["search_errors"] == 0 and overall["other_errors"] == []
    assert overall["error_rate"] == 0
    assert abs(overall["searches_per_s"] - RATE) <= 0.2 * RATE, overall["searches_per_s"]
    assert overall["searches"] >= 0.8 * RATE * SECONDS
    assert 0 < overall["latency_ms"]["p50"] <= overall["latency_ms"]["p95"]

    assert overall["writes"] >= 0.8 * WRITES_PER_S * SECONDS
    assert overall["indexed"] == overall["writes"], "a posted role never became searchable"
    assert overall["seen_searchable"] == overall["writes"]
    assert 0 < overall["post_to_searchable_ms"]["p95"] < 30_000

    windows = result["windows"]
    assert [(w["from_s"], w["to_s"]) for w in windows] == [(0, 10), (10, 20), (20, 30)]
    assert sum(w["errors"] for w in windows) == 0
    assert sum(w["writes"] for w in windows) == overall["writes"]
    p95s = [w["latency_ms"]["p95"] for w in windows]
    assert overall["p95_stability"] == round(max(p95s) / min(p95s), 2)
