"""Events per second through the outbox relay, on the embedded log and on Kafka.

    python -m bench.relay_throughput --events 20000 [--kafka 127.0.0.1:19092]

Fills a service outbox with N valid envelopes (in one transaction, outside the timing), then
times the relay publishing all of them: publish + acknowledgement + marking rows published.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from services.common.config import Config
from services.common.envelope import new_envelope
from services.common.eventlog import EventLog
from services.common.eventlog.embedded import SqliteEventLog
from services.common.runtime import ServiceRuntime
from services.opportunities.bootstrap import bootstrap


def fill_outbox(runtime: ServiceRuntime, count: int) -> None:
    with runtime.session_factory() as session, session.begin():
        for n in range(count):
            org_id = str(uuid.uuid4())
            envelope = new_envelope(
                event_type="OrganisationRenamed",
                version=1,
                producer="opportunities",
                key=org_id,
                data={"organisation_id": org_id, "name": f"Organisation {n}"},
            )
            runtime.outbox.add(session, "organisations", envelope)


def drain(runtime: ServiceRuntime, count: int) -> float:
    relay = runtime.relay()
    started = time.perf_counter()
    with Progress() as progress:
        task = progress.add_task("relaying", total=count)
        done = 0
        while done < count:
            published = relay.publish_pending()
            done += published
            progress.update(task, completed=done)
    return time.perf_counter() - started


def measure(label: str, event_log: EventLog, workdir: Path, count: int) -> float:
    config = Config(
        service="opportunities",
        data_dir=workdir,
        database_url=f"sqlite:///{workdir / (label + '.sqlite')}",
    )
    runtime = bootstrap(config, event_log)
    runtime.ensure_topics()
    fill_outbox(runtime, count)
    seconds = drain(runtime, count)
    runtime.close()
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--kafka", help="bootstrap servers of a running broker")
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        prefix = f"bench{uuid.uuid4().hex[:6]}."
        rate = measure("embedded", SqliteEventLog(work / "log.sqlite", prefix), work, args.events)
        console.print(
            f"embedded log: {rate:,.0f} events/s through the relay ({args.events} events)"
        )
        if args.kafka:
            from services.common.eventlog.kafka import KafkaEventLog

            rate = measure("kafka", KafkaEventLog(args.kafka, prefix), work, args.events)
            console.print(
                f"kafka:        {rate:,.0f} events/s through the relay ({args.events} events)"
            )


if __name__ == "__main__":
    main()
