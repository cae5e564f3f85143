"""The consumer runner: poll, validate, hand to a pure handler, dedupe, dead-letter.

Per message: decode -> validate against the topic's schema (unknown versions are rejected)
-> in ONE database transaction: skip if the event id was already processed, else call the
handler and record the event id. Offsets are committed only after the whole batch is done,
so a crash re-delivers, and the processed-events table makes re-delivery harmless. A message
that still fails after retries goes to the dead-letter topic with its error, and the runner
moves on: one bad message must not stop a service.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from schemas.registry import Registry, SchemaError
from services.common import metrics
from services.common.deadletter import DeadLetterWriter
from services.common.envelope import Event, decode, utcnow
from services.common.errors import is_transient
from services.common.eventlog.port import EventLog, Record, Subscription

log = logging.getLogger(__name__)

Handler = Callable[[Session, Event], None]


@dataclass(frozen=True)
class ConsumerSpec:
    """What a consumer group listens to and which handler takes each event type."""

    group: str
    handlers: Mapping[str, Mapping[str, Handler]]  # topic -> event_type -> handler

    @property
    def topics(self) -> list[str]:
        return sorted(self.handlers)


class ConsumerRunner:
    """Runs one consumer group of one service against any ``EventLog`` adapter."""

    def __init__(
        self,
        *,
        spec: ConsumerSpec,
        event_log: EventLog,
        registry: Registry,
        session_factory: sessionmaker[Session],
        processed_table: sa.Table,
        service: str,
        retry_delays: Sequence[float] = (0.1, 0.5, 2.0),
        batch_size: int = 200,
    ) -> None:
        self.spec = spec
        self.event_log = event_log
        self.registry = registry
        self.session_factory = session_factory
        self.processed = processed_table
        self.service = service
        self.retry_delays = tuple(retry_delays)
        self.batch_size = batch_size
        self.dead_letters = DeadLetterWriter(event_log, service, spec.group)
        self._subscription: Subscription | None = None

    def subscription(self) -> Subscription:
        if self._subscription is None:
            self._subscription = self.event_log.subscribe(self.spec.group, self.spec.topics)
        return self._subscription

    def run_once(self, timeout_s: float = 1.0) -> int:
        """Process one polled batch and commit its offsets; returns the batch size."""
        subscription = self.subscription()
        records = subscription.poll(self.batch_size, timeout_s)
        outcomes = Counter(self.process(record) for record in records)
        if records:
            subscription.commit()
            log.info("batch handled", extra={"group": self.spec.group, **outcomes})
        return len(records)

    def run(self, stop: threading.Event, timeout_s: float = 0.5) -> None:
        while not stop.is_set():
            try:
                self.run_once(timeout_s)
            except Exception:
                # Anything escaping process() is infrastructure (log or database down):
                # nothing was committed, so wait and re-read the same batch.
                log.exception("consumer batch failed; retrying", extra={"group": self.spec.group})
                self._drop_subscription()
                stop.wait(2.0)
        self._drop_subscription()

    def close(self) -> None:
        """Leave the consumer group (a member that stays but never polls keeps partitions)."""
        self._drop_subscription()

    def _drop_subscription(self) -> None:
        if self._subscription is not None:
            try:
                self._subscription.close()
            finally:
                self._subscription = None

    def process(self, record: Record) -> str:
        """Handle one record; returns the outcome (processed, duplicate, ignored, dead-lettered)."""
        try:
            event = self._parse(record)
        except (SchemaError, KeyError) as exc:  # KeyError: a topic the registry lacks
            return self._dead_letter(record, "schema", str(exc), attempts=1)
        except ValueError as exc:  # not UTF-8, not JSON, or not a JSON object
            return self._dead_letter(record, "decode", str(exc), attempts=1)
        handler = self.spec.handlers.get(record.topic, {}).get(event.event_type)
        if handler is None:
            return self._count(record, "ignored")  # a type this group does not care about
        return self._handle_with_retries(record, event, handler)

    def _parse(self, record: Record) -> Event:
        envelope = decode(record.value)
        self.registry.validate(record.topic, envelope)
        return Event.from_envelope(record.topic, envelope)

    def _handle_with_retries(self, record: Record, event: Event, handler: Handler) -> str:
        attempts = 0
        while True:
            attempts += 1
            try:
                return self._count(record, self._apply(event, handler))
            except Exception as exc:
                if attempts > len(self.retry_delays) and is_transient(exc):
                    # An outage, not a bad message: nothing of this batch is committed, so
                    # run() reads it again once the dependency is back. Nothing is lost.
                    raise
                if attempts > len(self.retry_delays):
                    log.warning(
                        "handler failed %d times; dead-lettering",
                        attempts,
                        extra=self._ids(record, event),
                    )
                    return self._dead_letter(record, "handler", repr(exc), attempts)
                time.sleep(self.retry_delays[attempts - 1])

    def _apply(self, event: Event, handler: Handler) -> str:
        with self.session_factory() as session, session.begin():
            seen = session.execute(
                sa.select(self.processed.c.event_id).where(
                    self.processed.c.consumer_group == self.spec.group,
                    self.processed.c.event_id == event.event_id,
                )
            ).first()
            if seen:
                return "duplicate"
            handler(session, event)
            session.execute(
                self.processed.insert().values(
                    consumer_group=self.spec.group, event_id=event.event_id, processed_at=utcnow()
                )
            )
        return "processed"

    def _dead_letter(self, record: Record, kind: str, error: str, attempts: int) -> str:
        self.dead_letters.send(record, kind, error, attempts)
        return self._count(record, "dead_lettered")

    def _count(self, record: Record, outcome: str) -> str:
        metrics.EVENTS_CONSUMED.labels(self.service, self.spec.group, record.topic, outcome).inc()
        return outcome

    def _ids(self, record: Record, event: Event) -> dict[str, object]:
        return {
            "event_id": event.event_id,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "group": self.spec.group,
        }
