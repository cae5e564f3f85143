"""Event-log port and its adapters; ``open_event_log`` picks one from the configuration."""

from __future__ import annotations

from services.common.config import Config
from services.common.eventlog.port import (
    EventLog,
    EventLogUnavailable,
    OutMessage,
    Record,
    Subscription,
)

__all__ = [
    "EventLog",
    "EventLogUnavailable",
    "OutMessage",
    "Record",
    "Subscription",
    "open_event_log",
]


def open_event_log(config: Config) -> EventLog:
    """The composition roots call this; nothing else chooses an adapter."""
    if config.event_log == "kafka":
        from services.common.eventlog.kafka import KafkaEventLog

        return KafkaEventLog(
            config.kafka_bootstrap,
            topic_prefix=config.topic_prefix,
            client_id=config.service,
            delivery_timeout_ms=config.kafka_delivery_timeout_ms,
        )
    from services.common.eventlog.embedded import SqliteEventLog

    return SqliteEventLog(config.event_log_path, topic_prefix=config.topic_prefix)
