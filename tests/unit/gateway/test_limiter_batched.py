"""The limiter's in-memory counting (``gateway.partners.tally``): few writes far from a
limit, exact counts near it, every hit written eventually, shared between workers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gateway.partners.limits import Limit, RateLimiter
from gateway.partners.store import PartnerStore
from gateway.partners.tally import BatchedCounters
from services.common.db import make_engine


class RecordingCounters:
    """The store's counters in a dict, recording each write (one per transaction)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, int], int] = {}
        self.writes: list[list[tuple[str, int, int, int]]] = []
        self.fail = False

    def increment(self, bucket: str, window_start: int, expires_at: int, amount: int = 1) -> int:
        return self.increment_many([(bucket, window_start, expires_at, amount)])[0]

    def increment_many(self, rows: Sequence[tuple[str, int, int, int]]) -> list[int]:
        if self.fail:
            raise RuntimeError("database down")
        self.writes.append(list(rows))
        out = []
        for bucket, start, _, amount in rows:
            key = (bucket, start)
            self.counts[key] = self.counts.get(key, 0) + amount
            out.append(self.counts[key])
        return out


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _tally(shared: RecordingCounters, ticks: Ticks) -> BatchedCounters:
    return BatchedCounters(shared, flush_s=1.0, monotonic=ticks)


def test_far_from_the_limit_only_the_first_hit_is_written_at_once() -> None:
    shared, ticks = RecordingCounters(), Ticks()
    tally = _tally(shared, ticks)
    counts = [tally.hit("ip:a:minute", 60, 120, 1000) for _ in range(100)]
    assert counts == list(range(1, 101))
    assert len(shared.writes) == 1  # the first sighting, to learn the shared count
    ticks.now = 1.0
    assert tally.hit("ip:a:minute", 60, 120, 1000) == 101
    # The flush wrote the 100 counted in memory in one transaction.
    assert shared.counts[("ip:a:minute", 60)] == 101 and len(shared.writes) == 2


def test_the_upper_half_of_a_limit_is_counted_in_the_store_hit_by_hit() -> None:
    shared, ticks = RecordingCounters(), Ticks()
    tally = _tally(shared, ticks)
    for _ in range(5):
        tally.hit("key:k:minute", 60, 120, 10)
    writes_before = len(shared.writes)
    assert [tally.hit("key:k:minute", 60, 120, 10) for _ in range(6)] == list(range(6, 12))
    assert len(shared.writes) == writes_before + 6
    assert shared.counts[("key:k:minute", 60)] == 11


def test_two_workers_see_each_others_hits_near_the_limit() -> None:
    shared, ticks = RecordingCounters(), Ticks()
    one, two = _tally(shared, ticks), _tally(shared, ticks)
    limiter_one, limiter_two = RateLimiter(one, lambda: 75.0), RateLimiter(two, lambda: 75.0)
    limits = [Limit("minute", 4, 60)]
    allowed = [
        limiter.hit("ip:a", limits).allowed
        for limiter in (limiter_one, limiter_two, limiter_one, limiter_two, limiter_one)
    ]
    # Four across both workers, then refused: nothing counted only in memory at the end.
    assert allowed == [True, True, True, True, False]


def test_a_failed_flush_keeps_the_hits_for_the_next_one() -> None:
    shared, ticks = RecordingCounters(), Ticks()
    tally = _tally(shared, ticks)
    for _ in range(10):
        tally.hit("ip:a:minute", 60, 120, 1000)
    shared.fail, ticks.now = True, 1.0
    with pytest.raises(RuntimeError):
        tally.flush()
    shared.fail, ticks.now = False, 2.0
    tally.flush()
    assert shared.counts[("ip:a:minute", 60)] == 10


def test_ended_windows_are_forgotten_once_written() -> None:
    shared, ticks = RecordingCounters(), Ticks()
    tally = _tally(shared, ticks)
    for _ in range(3):
        tally.hit("ip:a:minute", 60, 120, 1000)
    tally.hit("ip:a:minute", 120, 180, 1000)  # the next minute
    ticks.now = 1.0
    tally.flush()
    assert shared.counts[("ip:a:minute", 60)] == 3
    assert [start for _, start in tally._windows] == [120]


def test_the_store_adds_a_batch_in_one_transaction(tmp_path: object) -> None:
    store = PartnerStore(make_engine(f"sqlite:///{tmp_path}/gateway.sqlite"))
    from gateway.partners.store import metadata

    metadata.create_all(store.engine)
    assert store.increment("a", 60, 120) == 1
    assert store.increment_many([("a", 60, 120, 5), ("b", 60, 120, 2)]) == [6, 2]
    # A new window clears the windows that ended before it.
    assert store.increment_many([("a", 180, 240, 1)]) == [1]
    assert store.increment("a", 60, 120) == 1
