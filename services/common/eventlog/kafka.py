"""Kafka adapter of the event-log port (kafka-python >= 3.0.12).

Writes use acks=all and the idempotent producer so a retried batch is not duplicated by the
broker; messages are keyed by aggregate id so one entity's events stay in one partition, in
order. Reads use consumer groups with offsets committed only after processing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CommitFailedError, KafkaError, TopicAlreadyExistsError

from services.common.eventlog.port import EventLogUnavailable, OutMessage, Record

log = logging.getLogger(__name__)

# Heartbeats every 2 s and a 6 s session keep group joins quick on a small machine;
# the defaults make a join take ~23 s here.
CONSUMER_DEFAULTS: dict[str, Any] = {
    "enable_auto_commit": False,
    "auto_offset_reset": "earliest",
    "session_timeout_ms": 6000,
    "heartbeat_interval_ms": 2000,
    "max_poll_interval_ms": 300000,
}


class KafkaEventLog:
    """The ``EventLog`` port on an Apache Kafka cluster."""

    name = "kafka"

    def __init__(
        self,
        bootstrap: str,
        topic_prefix: str = "",
        client_id: str = "vmp",
        delivery_timeout_ms: int = 30000,
    ) -> None:
        self.bootstrap = bootstrap
        self.prefix = topic_prefix
        self.client_id = client_id
        self.delivery_timeout_ms = delivery_timeout_ms
        self._producer: KafkaProducer | None = None
        self._admin: KafkaAdminClient | None = None
        self._lock = threading.Lock()

    def physical(self, topic: str) -> str:
        return self.prefix + topic

    def logical(self, physical: str) -> str:
        return physical[len(self.prefix) :] if physical.startswith(self.prefix) else physical

    def _get_producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = KafkaProducer(
                bootstrap_servers=self.bootstrap,
                client_id=self.client_id,
                acks="all",
                enable_idempotence=True,
                linger_ms=5,
                # Kafka requires delivery timeout > linger + request timeout.
                request_timeout_ms=min(10000, self.delivery_timeout_ms // 2),
                max_block_ms=min(10000, self.delivery_timeout_ms),
                delivery_timeout_ms=self.delivery_timeout_ms,
            )
        return self._producer

    def publish(self, messages: Sequence[OutMessage]) -> None:
        with self._lock:
            try:
                producer = self._get_producer()
                futures = [
                    producer.send(self.physical(m.topic), key=m.key.encode(), value=m.value)
                    for m in messages
                ]
                producer.flush(timeout=self.delivery_timeout_ms / 1000 + 5)
                for future in futures:
                    future.get(timeout=1)
            except (KafkaError, OSError) as exc:
                # A producer that failed mid-batch may hold stale sequence state; a fresh one
                # is the simplest safe recovery. Consumers dedupe anything sent twice.
                self._reset_producer()
                raise EventLogUnavailable(f"Kafka did not acknowledge the batch: {exc!r}") from exc

    def _reset_producer(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=1)
            except Exception:
                log.debug("ignoring error while closing a failed producer", exc_info=True)
            self._producer = None

    def subscribe(self, group: str, topics: Sequence[str]) -> KafkaSubscription:
        consumer = KafkaConsumer(
            *[self.physical(t) for t in topics],
            bootstrap_servers=self.bootstrap,
            client_id=self.client_id,
            group_id=self.physical(group),
            **CONSUMER_DEFAULTS,
        )
        return KafkaSubscription(self, consumer)

    def read_all(self, topic: str, timeout_s: float = 5.0) -> list[Record]:
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        try:
            return _drain(consumer, self.physical(topic), topic, timeout_s)
        finally:
            consumer.close()

    def _admin_client(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap, client_id=self.client_id, request_timeout_ms=3000
            )
        return self._admin

    def ensure_topics(self, topics: dict[str, int]) -> None:
        admin = self._admin_client()
        existing = set(admin.list_topics())
        wanted = {
            self.physical(name): {"num_partitions": parts, "replication_factor": 1}
            for name, parts in topics.items()
            if self.physical(name) not in existing
        }
        if not wanted:
            return
        # Another process may create them between our list and create: that is fine.
        with contextlib.suppress(TopicAlreadyExistsError):
            admin.create_topics(wanted, wait_for_metadata=True)

    def ping(self) -> None:
        try:
            self._admin_client().list_topics()
        except Exception as exc:
            self._close_admin()
            raise EventLogUnavailable(f"Kafka at {self.bootstrap} is unreachable: {exc!r}") from exc

    def _close_admin(self) -> None:
        if self._admin is not None:
            try:
                self._admin.close()
            except Exception:
                log.debug("ignoring error while closing admin client", exc_info=True)
            self._admin = None

    def close(self) -> None:
        self._reset_producer()
        self._close_admin()


class KafkaSubscription:
    """A consumer-group member; commit() stores the positions of everything polled."""

    def __init__(self, log_: KafkaEventLog, consumer: KafkaConsumer) -> None:
        self.log = log_
        self.consumer = consumer

    def poll(self, max_records: int, timeout_s: float) -> list[Record]:
        batches = self.consumer.poll(timeout_ms=int(timeout_s * 1000), max_records=max_records)
        records = []
        for tp, messages in batches.items():
            topic = self.log.logical(tp.topic)
            for m in messages:
                key = m.key.decode() if m.key is not None else None
                records.append(Record(topic, tp.partition, m.offset, key, m.value))
        return records

    def commit(self) -> None:
        try:
            self.consumer.commit()
        except CommitFailedError:
            # The group rebalanced mid-batch: another member will re-read these messages and
            # skip them by event_id, so losing this commit is safe.
            log.warning("offset commit failed after a rebalance; messages will be re-read")

    def close(self) -> None:
        self.consumer.close(autocommit=False)


def _drain(consumer: KafkaConsumer, physical: str, topic: str, timeout_s: float) -> list[Record]:
    partitions = consumer.partitions_for_topic(physical) or set()
    tps = [TopicPartition(physical, p) for p in sorted(partitions)]
    if not tps:
        return []
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    end = consumer.end_offsets(tps)
    records: list[Record] = []
    deadline = time.monotonic() + timeout_s
    while any(consumer.position(tp) < end[tp] for tp in tps) and time.monotonic() < deadline:
        for tp, messages in consumer.poll(timeout_ms=500).items():
            for m in messages:
                key = m.key.decode() if m.key is not None else None
                records.append(Record(topic, tp.partition, m.offset, key, m.value))
    return records
