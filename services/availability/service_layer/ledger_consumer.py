"""The ledger's consumer (group ``availability-ledger``): approved hours earn credits, and
every posted transaction is known to be in the ledger.

- ``HoursApproved`` (micro-volunteering): the organisation pays the volunteer at its rate,
  source ``hours:<hours_id>``. If that would pass the organisation's limit the handler
  fails and the event is dead-lettered after retries: raise the limit, then replay it.
- ``TransactionPosted`` (time-credits, our own): records the transaction unless its source
  is already posted, so a database restored from a backup catches up from the log, and a
  replay of everything changes nothing.

Both are idempotent on the source, whatever the event id: the runner's processed-events
check is a second line, not the only one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.availability.service_layer import ledger
from services.availability.service_layer.unit_of_work import CREDITS, MICRO, UnitOfWork, clock
from services.common.consumer import ConsumerSpec, Handler
from services.common.envelope import Event
from services.common.runtime import ServiceRuntime

LEDGER_GROUP = "availability-ledger"


def ledger_spec(runtime: ServiceRuntime) -> ConsumerSpec:
    return ConsumerSpec(
        group=LEDGER_GROUP,
        handlers={
            MICRO: {"HoursApproved": on_hours_approved(runtime)},
            CREDITS: {"TransactionPosted": on_transaction_posted(runtime)},
        },
    )


def on_hours_approved(runtime: ServiceRuntime) -> Handler:
    def handle(session: Session, event: Event) -> None:
        ledger.earn_for_hours(UnitOfWork(runtime, session, clock(runtime)), event.data)

    return handle


def on_transaction_posted(runtime: ServiceRuntime) -> Handler:
    def handle(session: Session, event: Event) -> None:
        ledger.ensure_posted(UnitOfWork(runtime, session, clock(runtime)), event.data)

    return handle
