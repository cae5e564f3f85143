"""Operator CLI for dead letters: ``python -m services.common.dlq list|replay``.

``replay`` re-publishes the original message to its source topic under its original key.
Consumers skip event ids they have processed, so replaying too much is safe.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from services.common.config import Config
from services.common.deadletter import DEAD_LETTER_TOPIC, original_bytes
from services.common.envelope import decode
from services.common.eventlog import EventLog, OutMessage, Record, open_event_log


def dead_letters(event_log: EventLog, topic: str | None = None, group: str | None = None) -> list:
    """Every dead letter (optionally for one source topic or group), oldest first."""
    letters = []
    for record in event_log.read_all(DEAD_LETTER_TOPIC):
        envelope = decode(record.value)
        data = envelope["data"]
        if topic and data["source_topic"] != topic:
            continue
        if group and data["consumer_group"] != group:
            continue
        letters.append((record, envelope))
    return letters


def replay(event_log: EventLog, letters: Sequence[tuple[Record, dict]]) -> int:
    messages = [
        OutMessage(
            e["data"]["source_topic"], e["data"]["original_key"] or "", original_bytes(e["data"])
        )
        for _, e in letters
    ]
    if messages:
        event_log.publish(messages)
    return len(messages)


def _print(letters: Sequence[tuple[Record, dict]], as_json: bool) -> None:
    if as_json:
        print(json.dumps([{"dlq_offset": r.offset, **e} for r, e in letters], indent=2))
        return
    table = Table("dlq offset", "source", "group", "kind", "attempts", "error")
    for record, env in letters:
        d = env["data"]
        table.add_row(
            f"{record.partition}:{record.offset}",
            f"{d['source_topic']}@{d['source_partition']}:{d['source_offset']}",
            d["consumer_group"],
            d["error_kind"],
            str(d["attempts"]),
            d["error"][:80],
        )
    Console().print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.common.dlq", description=__doc__)
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("--topic", help="only dead letters from this source topic")
    parser.add_argument("--group", help="only dead letters from this consumer group")
    parser.add_argument("--offset", type=int, action="append", help="only these DLQ offsets")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    event_log = open_event_log(Config.from_env("operator"))
    letters = dead_letters(event_log, args.topic, args.group)
    if args.offset:
        letters = [(r, e) for r, e in letters if r.offset in set(args.offset)]
    if args.command == "list":
        _print(letters, args.json)
    else:
        print(f"replayed {replay(event_log, letters)} message(s)")
    event_log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
