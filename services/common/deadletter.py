"""Dead letters: messages a consumer could not handle, kept with their error for replay."""

from __future__ import annotations

import base64
import logging
from typing import Any

from services.common.envelope import encode, new_envelope
from services.common.eventlog.port import EventLog, OutMessage, Record

log = logging.getLogger(__name__)

DEAD_LETTER_TOPIC = "dead-letters"


def dead_letter_data(record: Record, group: str, kind: str, error: str, attempts: int) -> dict:
    try:
        original, encoding = record.value.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        original, encoding = base64.b64encode(record.value).decode(), "base64"
    return {
        "source_topic": record.topic,
        "source_partition": record.partition,
        "source_offset": record.offset,
        "consumer_group": group,
        "error": error[:2000],
        "error_kind": kind,
        "attempts": attempts,
        "original_key": record.key,
        "original_value": original,
        "original_encoding": encoding,
    }


class DeadLetterWriter:
    """Publishes a failed record to the dead-letter topic (directly: there is no domain change
    to keep it atomic with, and the offset is not committed until this returns)."""

    def __init__(self, event_log: EventLog, service: str, group: str) -> None:
        self.event_log = event_log
        self.service = service
        self.group = group

    def send(self, record: Record, kind: str, error: str, attempts: int) -> None:
        data = dead_letter_data(record, self.group, kind, error, attempts)
        data["failed_at"] = None
        envelope = new_envelope(
            event_type="MessageDeadLettered",
            version=1,
            producer=self.service,
            key=record.topic,
            data=data,
        )
        envelope["data"]["failed_at"] = envelope["occurred_at"]
        log.warning(
            "dead-lettered a message",
            extra={"topic": record.topic, "offset": record.offset, "kind": kind},
        )
        self.event_log.publish([OutMessage(DEAD_LETTER_TOPIC, record.topic, encode(envelope))])


def original_bytes(data: dict[str, Any]) -> bytes:
    if data["original_encoding"] == "base64":
        return base64.b64decode(data["original_value"])
    return str(data["original_value"]).encode()
