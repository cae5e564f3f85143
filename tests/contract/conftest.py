"""Adapter fixtures: every contract test runs once per event-log adapter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.eventlog import EventLog
from services.common.eventlog.embedded import SqliteEventLog
from tests.support import unique_prefix


@pytest.fixture(params=["embedded", pytest.param("kafka", marks=pytest.mark.kafka)])
def event_log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventLog]:
    log: EventLog
    if request.param == "embedded":
        log = SqliteEventLog(tmp_path / "eventlog.sqlite", topic_prefix=unique_prefix())
    else:
        from services.common.eventlog.kafka import KafkaEventLog

        kafka = request.getfixturevalue("kafka_engine")
        log = KafkaEventLog(kafka.bootstrap, topic_prefix=unique_prefix())
    yield log
    log.close()
