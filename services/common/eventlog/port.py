"""The event-log port: what services need from Kafka, and nothing Kafka-specific.

Two adapters implement it: ``KafkaEventLog`` (scale-out) and ``SqliteEventLog`` (embedded).
One contract test suite runs against both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from services.common.errors import Unavailable


class EventLogUnavailable(Unavailable):
    """The log cannot be reached or did not acknowledge a write in time."""


@dataclass(frozen=True)
class OutMessage:
    """A message to append. ``key`` is the aggregate id: one key's messages stay in order."""

    topic: str
    key: str
    value: bytes


@dataclass(frozen=True)
class Record:
    """A message read back, with its position in the log."""

    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes


class Subscription(Protocol):
    """A consumer-group member. Positions advance on ``poll``; ``commit`` makes them durable."""

    def poll(self, max_records: int, timeout_s: float) -> list[Record]: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


class EventLog(Protocol):
    """Durable, ordered-per-key, replayable log of events."""

    name: str

    def publish(self, messages: Sequence[OutMessage]) -> None:
        """Append all messages; returns once each is durably acknowledged, else raises."""

    def subscribe(self, group: str, topics: Sequence[str]) -> Subscription: ...

    def read_all(self, topic: str, timeout_s: float = 5.0) -> list[Record]:
        """Every message currently in ``topic`` from the start (operator tools, tests)."""

    def ensure_topics(self, topics: dict[str, int]) -> None:
        """Create missing topics with the given partition counts."""

    def ping(self) -> None:
        """Raise ``EventLogUnavailable`` unless the log answers now."""

    def close(self) -> None: ...
