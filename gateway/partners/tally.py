"""Rate-limit counting in worker memory, written to the shared counters in batches.

Why: the limiter used to write one counter row per public request, and under SQLite every
write takes the database's single write lock (``BEGIN IMMEDIATE``), so all gunicorn
workers and threads queued on it for every search. Now each worker counts in memory and
writes what it counted since the last write, in one transaction, at most once a
``flush_s`` (one second). Far from a limit nothing is written on the request path.

The trade-off, and why it is bounded:

- *Exact near a limit.* Once a caller's count in this worker reaches the upper half of a
  limit (``EXACT_FROM``), each of its hits is written at once with the atomic increment,
  as before: the count is then the shared one, so a caller at the limit is refused on the
  hit that crosses it, by any worker.
- *A worker's first hit of a caller in a window is written at once too*, so a worker
  learns what the others have already counted before it counts on its own.
- *Approximate far from it.* Between writes a worker does not see the other workers'
  latest hits. A caller spread over W workers can therefore get up to about half a limit
  more per other worker in one window in the worst case (bursts that land on a worker
  which then sits idle, holding its unwritten hits). For a public read-only API whose
  fixed windows already allow twice a limit across a boundary, that is acceptable.
- In one worker (and in the tests) counting stays exact: shared count + own unwritten.
- A worker that stops loses its unwritten hits (at most about a second's worth): they
  only ever made a caller's count too low, never refused anyone.

Revocation is not affected: keys are looked up on every request, not cached here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

FLUSH_S = 1.0
# The fraction of a limit below which hits are only counted in memory.
EXACT_FROM = 0.5


class SharedCounters(Protocol):
    """The store's atomic counters, shared by every worker."""

    def increment(self, bucket: str, window_start: int, expires_at: int, amount: int = 1) -> int:
        """Add ``amount``; the new shared count."""

    def increment_many(self, rows: Sequence[tuple[str, int, int, int]]) -> list[int]:
        """``increment`` for each ``(bucket, window_start, expires_at, amount)``, in one
        transaction; the new counts in the same order."""


@dataclass
class _Window:
    expires_at: int
    known: int = 0  # the shared count when this worker last wrote or read it
    pending: int = 0  # this worker's hits since then, not yet written


class BatchedCounters:
    """One per worker process (and app); safe for the worker's threads."""

    def __init__(
        self,
        shared: SharedCounters,
        flush_s: float = FLUSH_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shared = shared
        self.flush_s = flush_s
        self.monotonic = monotonic
        self._windows: dict[tuple[str, int], _Window] = {}
        self._lock = threading.Lock()
        self._last_flush = monotonic()
        self._latest_start = 0

    def hit(self, bucket: str, window_start: int, expires_at: int, limit: int) -> int:
        """Count one hit; the caller's count in this window as best known here."""
        key = (bucket, window_start)
        with self._lock:
            self._latest_start = max(self._latest_start, window_start)
            window = self._windows.get(key)
            if window is not None and window.known + window.pending < limit * EXACT_FROM:
                window.pending += 1
                count = window.known + window.pending
                write_now = 0
            else:
                window = window or self._windows.setdefault(key, _Window(expires_at))
                write_now, window.pending, count = window.pending + 1, 0, 0
            due = self.monotonic() - self._last_flush >= self.flush_s
        if write_now:
            count = self.shared.increment(bucket, window_start, expires_at, write_now)
            self._learn(key, count)
        if due:
            self.flush()
        return count

    def flush(self) -> None:
        """Write every window's unwritten hits in one transaction (and forget old ones)."""
        with self._lock:
            self._last_flush = self.monotonic()
            batch = [(key, w) for key, w in self._windows.items() if w.pending]
            rows = [(b, start, w.expires_at, w.pending) for (b, start), w in batch]
            for _, window in batch:
                window.pending = 0
            self._forget_ended()
        if not rows:
            return
        try:
            counts = self.shared.increment_many(rows)
        except BaseException:
            self._restore(batch, rows)
            raise
        for (key, _), count in zip(batch, counts, strict=True):
            self._learn(key, count)

    def _learn(self, key: tuple[str, int], count: int) -> None:
        # Counts only grow: of two writes finishing out of order, the larger is the later.
        with self._lock:
            window = self._windows.get(key)
            if window is not None:
                window.known = max(window.known, count)

    def _restore(self, batch: list, rows: list[tuple[str, int, int, int]]) -> None:
        # The write failed: keep the hits for the next flush rather than lose them.
        with self._lock:
            for (_, window), row in zip(batch, rows, strict=True):
                window.pending += row[3]

    def _forget_ended(self) -> None:
        # A window that ended before the newest one started is never counted again.
        ended = [
            key
            for key, w in self._windows.items()
            if w.expires_at <= self._latest_start and not w.pending
        ]
        for key in ended:
            del self._windows[key]
