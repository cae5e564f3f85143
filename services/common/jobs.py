"""Periodic jobs (expiry sweeps, reminders): one loop per job, in a thread or its own process.

A job must be safe to run twice at once (two scheduler replicas, or a manual run beside the
scheduled one): the use cases it calls take row locks and are idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval_s: float
    run: Callable[[], object]


def run_periodic(job: PeriodicJob, stop: threading.Event) -> None:
    """Run ``job`` now and then every ``interval_s`` until ``stop``; failures are logged."""
    while not stop.is_set():
        try:
            outcome = job.run()
            # Frequent jobs (the mail relay, every second) mostly find nothing to do.
            level = logging.INFO if outcome else logging.DEBUG
            log.log(level, "job ran", extra={"job": job.name, "outcome": str(outcome)})
        except Exception:
            log.exception("job failed", extra={"job": job.name})
        stop.wait(job.interval_s)


def run_all_periodic(jobs: list[PeriodicJob], stop: threading.Event) -> None:
    threads = [
        threading.Thread(target=run_periodic, args=(job, stop), name=job.name, daemon=True)
        for job in jobs
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
