"""locust users for ``bench/search_scale.py``: each asks for ``BENCH_PATH`` without pause,
with the next query of the mix (``BENCH_QUERIES``) when the path is the search API."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

from locust import FastHttpUser, constant_throughput, events, task

PATH = os.environ.get("BENCH_PATH", "/api/v1/search")
QUERIES = json.loads(Path(os.environ["BENCH_QUERIES"]).read_text())
_next = itertools.cycle(QUERIES)


class Searcher(FastHttpUser):
    # No wait_time: closed loop, each user sends its next request as soon as one answers.
    @task
    def ask(self) -> None:
        params = next(_next) if PATH == "/api/v1/search" else None
        with self.client.get(PATH, params=params, name=PATH, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")


# bench/soak_load.py: searches at a steady rate (open-loop-like: a slow answer does not slow
# the arrivals as long as it fits in a user's period), each one logged for per-minute figures.
# Defined only when asked for, because locust runs every user class of the file unless told
# which, and search_scale.py's closed-loop runs must keep running ``Searcher`` alone.
if os.environ.get("BENCH_USER_RATE"):

    class SteadySearcher(Searcher):
        wait_time = constant_throughput(float(os.environ["BENCH_USER_RATE"]))


if os.environ.get("BENCH_LOG"):
    # Line-buffered so the driver can follow the run live; one line per request:
    # start (epoch s), response time (ms), 1 if it succeeded.
    _log = Path(os.environ["BENCH_LOG"]).open("a", buffering=1)  # noqa: SIM115

    @events.request.add_listener
    def _record(start_time: float, response_time: float, exception: object, **_kw: object) -> None:
        _log.write(f"{start_time:.3f},{response_time:.1f},{0 if exception else 1}\n")
