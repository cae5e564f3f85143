"""A consumer process for fault tests: ``python -m tests.integration.sink_consumer``.

It runs the platform's real ConsumerRunner on the organisations topic and appends one row
per handled event to a table WITHOUT a unique key, so a duplicate side effect would show.
SINK_DELAY_MS slows each handler down so a test can kill the process mid-batch.
"""

from __future__ import annotations

import os
import time

from schemas.registry import load_registry
from services.common import db
from services.common.config import Config
from services.common.consumer import ConsumerRunner, ConsumerSpec
from services.common.envelope import Event
from services.common.eventlog import open_event_log
from services.common.logs import configure_logging
from services.common.worker import run_until_signalled
from tests.support import sink_metadata


def main() -> None:
    configure_logging("sink")
    metadata, _outbox, processed, sink = sink_metadata()
    engine = db.make_engine(os.environ["SINK_DB_URL"])
    metadata.create_all(engine)
    delay = float(os.environ.get("SINK_DELAY_MS", "0")) / 1000

    def handle(session, event: Event) -> None:
        time.sleep(delay)
        session.execute(sink.insert().values(event_id=event.event_id, organisation_id=event.key))

    spec = ConsumerSpec(
        group="fault-sink", handlers={"organisations": {"OrganisationRegistered": handle}}
    )
    runner = ConsumerRunner(
        spec=spec,
        event_log=open_event_log(Config.from_env("sink")),
        registry=load_registry(),
        session_factory=db.make_session_factory(engine),
        processed_table=processed,
        service="sink",
        batch_size=int(os.environ.get("SINK_BATCH", "100")),
    )
    run_until_signalled(runner.run, "fault sink consumer")


if __name__ == "__main__":
    main()
