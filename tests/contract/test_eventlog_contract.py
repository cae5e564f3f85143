"""The event-log contract: publish, consume, commit, replay, dead-letter — on every adapter."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemas.registry import load_registry
from services.common import db
from services.common.consumer import ConsumerRunner, ConsumerSpec
from services.common.deadletter import DEAD_LETTER_TOPIC
from services.common.dlq import dead_letters, replay
from services.common.envelope import Event, encode
from services.common.eventlog import EventLog, OutMessage, Record
from services.search.adapters.index.port import IndexUnavailable
from tests.support import organisation_envelope, sink_metadata, wait_for

TOPIC = "organisations"


def _at_least(items: list, n: int) -> list | None:
    return items if len(items) >= n else None


def _setup(log: EventLog) -> None:
    log.ensure_topics({TOPIC: 3, DEAD_LETTER_TOPIC: 1})


def _poll_all(log: EventLog, group: str, expected: int, commit: bool = True) -> list[Record]:
    sub = log.subscribe(group, [TOPIC])
    got: list[Record] = []
    try:
        wait_for(lambda: got.extend(sub.poll(100, 1.0)) or len(got) >= expected, timeout_s=60)
        if commit:
            sub.commit()
    finally:
        sub.close()
    return got


def test_each_keys_messages_arrive_in_order(event_log: EventLog) -> None:
    _setup(event_log)
    keys = [f"org-{i}" for i in range(5)]
    messages = [OutMessage(TOPIC, k, f"{k}:{n}".encode()) for n in range(20) for k in keys]
    event_log.publish(messages)
    got = _poll_all(event_log, "g-order", len(messages))
    assert len(got) == len(messages)
    for key in keys:
        values = [r.value.decode() for r in got if r.key == key]
        assert values == [f"{key}:{n}" for n in range(20)]


def test_committed_offsets_resume_and_uncommitted_are_redelivered(event_log: EventLog) -> None:
    _setup(event_log)
    event_log.publish([OutMessage(TOPIC, "k", f"first-{i}".encode()) for i in range(10)])
    assert len(_poll_all(event_log, "g-resume", 10, commit=True)) == 10
    event_log.publish([OutMessage(TOPIC, "k", f"second-{i}".encode()) for i in range(5)])
    uncommitted = _poll_all(event_log, "g-resume", 5, commit=False)
    again = _poll_all(event_log, "g-resume", 5, commit=True)
    assert [r.value for r in uncommitted] == [f"second-{i}".encode() for i in range(5)]
    assert [r.value for r in again] == [r.value for r in uncommitted]


def test_every_group_gets_every_message(event_log: EventLog) -> None:
    _setup(event_log)
    event_log.publish([OutMessage(TOPIC, f"k{i}", b"x") for i in range(7)])
    assert len(_poll_all(event_log, "g-a", 7)) == 7
    assert len(_poll_all(event_log, "g-b", 7)) == 7


def test_read_all_replays_the_topic_from_the_start(event_log: EventLog) -> None:
    _setup(event_log)
    sent = [f"v{i}".encode() for i in range(12)]
    event_log.publish([OutMessage(TOPIC, f"k{i % 4}", v) for i, v in enumerate(sent)])
    _poll_all(event_log, "g-consumed", 12)  # consuming must not remove anything
    replayed = wait_for(lambda: _at_least(event_log.read_all(TOPIC), 12))
    assert sorted(r.value for r in replayed) == sorted(sent)


# --- the consumer runner on each adapter -------------------------------------------------


@pytest.fixture
def sink(tmp_path: Path):
    metadata, _outbox, processed, table = sink_metadata()
    engine = db.make_engine(f"sqlite:///{tmp_path / 'sink.sqlite'}")
    metadata.create_all(engine)
    return engine, processed, table


def _runner(event_log: EventLog, sink, fail_names: set[str]) -> ConsumerRunner:
    engine, processed, table = sink

    def handle(session, event: Event) -> None:
        if event.data["name"] in fail_names:
            raise RuntimeError(f"cannot handle {event.data['name']}")
        session.execute(table.insert().values(event_id=event.event_id, organisation_id=event.key))

    spec = ConsumerSpec(group="g-sink", handlers={TOPIC: {"OrganisationRegistered": handle}})
    return ConsumerRunner(
        spec=spec,
        event_log=event_log,
        registry=load_registry(),
        session_factory=db.make_session_factory(engine),
        processed_table=processed,
        service="search",
        retry_delays=(0.01, 0.01),
    )


def _rows(sink) -> list[tuple[str, str]]:
    engine, _processed, table = sink
    with engine.connect() as conn:
        return [
            tuple(r) for r in conn.execute(sa.select(table.c.event_id, table.c.organisation_id))
        ]


def _run_until(runner: ConsumerRunner, predicate, timeout_s: float = 60) -> None:
    wait_for(lambda: runner.run_once(0.5) >= 0 and predicate(), timeout_s=timeout_s, interval_s=0)


def test_duplicate_deliveries_have_one_side_effect(event_log: EventLog, sink) -> None:
    _setup(event_log)
    envelopes = [organisation_envelope() for _ in range(5)]
    payloads = [OutMessage(TOPIC, e["key"], encode(e)) for e in envelopes]
    event_log.publish(payloads + payloads[:3])  # the relay re-sent three after a crash
    runner = _runner(event_log, sink, set())
    _run_until(runner, lambda: len(_rows(sink)) >= 5)
    runner.run_once(1.0)
    assert sorted(r[0] for r in _rows(sink)) == sorted(e["event_id"] for e in envelopes)


def test_bad_messages_are_dead_lettered_and_the_consumer_goes_on(event_log: EventLog, sink) -> None:
    _setup(event_log)
    good = organisation_envelope(name="Good")
    poison = organisation_envelope(name="Poison")
    invalid = organisation_envelope()
    invalid["data"]["type"] = "bank"  # not in the schema's enum
    key = str(uuid.uuid4())  # one key: all in one partition, so "goes on" is ordered
    event_log.publish(
        [
            OutMessage(TOPIC, key, b"{not json"),
            OutMessage(TOPIC, key, encode(invalid)),
            OutMessage(TOPIC, key, encode(poison)),
            OutMessage(TOPIC, key, encode(good)),
        ]
    )
    runner = _runner(event_log, sink, fail_names={"Poison"})
    _run_until(runner, lambda: len(_rows(sink)) >= 1)
    assert [r[0] for r in _rows(sink)] == [good["event_id"]]
    letters = wait_for(lambda: _at_least(dead_letters(event_log, TOPIC), 3))
    kinds = [e["data"]["error_kind"] for _, e in letters]
    assert kinds == ["decode", "schema", "handler"]
    assert "/data/type" in letters[1][1]["data"]["error"]  # the path, never the value
    assert "cannot handle Poison" in letters[2][1]["data"]["error"]
    assert letters[2][1]["data"]["attempts"] == 3
    assert json.loads(letters[2][1]["data"]["original_value"])["event_id"] == poison["event_id"]


def test_replayed_dead_letters_are_processed_once_fixed(event_log: EventLog, sink) -> None:
    _setup(event_log)
    poison = organisation_envelope(name="Poison")
    event_log.publish([OutMessage(TOPIC, poison["key"], encode(poison))])
    failing = _runner(event_log, sink, fail_names={"Poison"})
    letters = wait_for(
        lambda: failing.run_once(0.5) >= 0 and _at_least(dead_letters(event_log, TOPIC), 1)
    )
    assert _rows(sink) == []
    failing.close()  # the fixed consumer takes over the group's partitions
    assert replay(event_log, letters[:1]) == 1
    fixed = _runner(event_log, sink, fail_names=set())
    _run_until(fixed, lambda: len(_rows(sink)) >= 1)
    assert _rows(sink) == [(poison["event_id"], poison["key"])]


def test_an_outage_is_read_again_later_never_dead_lettered(event_log: EventLog, sink) -> None:
    """The search node down for longer than the retries: run() keeps the batch uncommitted
    and reads it again once the dependency is back; nothing goes to the dead letters."""
    _setup(event_log)
    engine, _processed, table = sink
    envelopes = [organisation_envelope() for _ in range(3)]
    key = str(uuid.uuid4())
    event_log.publish([OutMessage(TOPIC, key, encode(e)) for e in envelopes])
    down = threading.Event()
    down.set()
    calls: list[str] = []

    def handle(session, event: Event) -> None:
        calls.append(event.event_id)
        if down.is_set():
            raise IndexUnavailable("the search node is not answering")
        session.execute(table.insert().values(event_id=event.event_id, organisation_id=event.key))

    spec = ConsumerSpec(group="g-outage", handlers={TOPIC: {"OrganisationRegistered": handle}})
    runner = ConsumerRunner(spec=spec, event_log=event_log, registry=load_registry(),
                            session_factory=db.make_session_factory(engine),
                            processed_table=sink[1], service="search",
                            retry_delays=(0.01, 0.01))  # fmt: skip
    stop = threading.Event()
    worker = threading.Thread(target=runner.run, args=(stop, 0.2))
    worker.start()
    try:
        wait_for(lambda: len(calls) >= 6, timeout_s=60)  # two rounds of three attempts at least
        down.clear()  # the node is back
        wait_for(lambda: len(_rows(sink)) >= 3, timeout_s=60)
    finally:
        stop.set()
        worker.join(30)
    assert sorted(r[0] for r in _rows(sink)) == sorted(e["event_id"] for e in envelopes)
    assert dead_letters(event_log, TOPIC) == []


def test_the_log_answers_ping(event_log: EventLog) -> None:
    event_log.ping()  # raises EventLogUnavailable if not
    assert event_log.name in ("kafka", "event-log (embedded)")
