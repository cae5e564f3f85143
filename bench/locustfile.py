"""locust users for ``bench/search_scale.py``: each asks for ``BENCH_PATH`` without pause,
with the next query of the mix (``BENCH_QUERIES``) when the path is the search API."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

from locust import FastHttpUser, task

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
