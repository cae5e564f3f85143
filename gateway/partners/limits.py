"""Fixed-window rate limits and daily quotas, counted in the gateway's database.

A fixed window (the current UTC minute, the current UTC day) is one counter row per caller
per window, shared by every worker. Its known weakness, up to twice the limit across a
window boundary, is acceptable for a public read-only API. Workers count in memory and
write in batches, exactly only near a limit: see ``tally`` for that trade-off.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]  # seconds since the epoch; tests inject their own


@dataclass(frozen=True)
class Limit:
    name: str  # "minute" or "day"
    limit: int
    window_s: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int  # of the limit closest to running out (or the one exceeded)
    remaining: int
    reset_s: int  # seconds until that limit's window ends
    policy: str  # every limit, e.g. "60;w=60, 1000;w=86400"


class Counters(Protocol):
    def hit(self, bucket: str, window_start: int, expires_at: int, limit: int) -> int:
        """Count one hit in the window; the count so far (``limit``: how exact it must be)."""


class RateLimiter:
    def __init__(self, counters: Counters, clock: Clock) -> None:
        self.counters = counters
        self.clock = clock

    def hit(self, caller: str, limits: list[Limit]) -> Verdict:
        """Count one request against each limit in turn; stop at the first one exceeded."""
        now = self.clock()
        policy = ", ".join(f"{limit.limit};w={limit.window_s}" for limit in limits)
        tightest: Verdict | None = None
        for limit in limits:
            start = int(now // limit.window_s) * limit.window_s
            end = start + limit.window_s
            count = self.counters.hit(f"{caller}:{limit.name}", start, end, limit.limit)
            reset = max(1, math.ceil(end - now))
            remaining = max(0, limit.limit - count)
            if count > limit.limit:
                return Verdict(False, limit.limit, 0, reset, policy)
            if tightest is None or remaining < tightest.remaining:
                tightest = Verdict(True, limit.limit, remaining, reset, policy)
        assert tightest is not None, "at least one limit"
        return tightest
