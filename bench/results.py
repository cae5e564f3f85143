"""Where each benchmark leaves its figures (``var/bench/<name>.json``) for ``bench.report``."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "var" / "bench"


def quantiles_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds of timings in seconds."""
    if len(seconds) < 2:
        only = round(1000 * seconds[0], 2) if seconds else 0.0
        return {"p50": only, "p95": only, "p99": only, "max": only, "n": len(seconds)}
    cuts = statistics.quantiles(seconds, n=100)
    return {"p50": round(1000 * cuts[49], 2), "p95": round(1000 * cuts[94], 2),
            "p99": round(1000 * cuts[98], 2), "max": round(1000 * max(seconds), 2),
            "n": len(seconds)}  # fmt: skip


def save(name: str, figures: dict[str, Any]) -> Path:
    path = FOLDER / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    stamped = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **figures}
    path.write_text(json.dumps(stamped, indent=2))
    return path
