"""Data rights in the opportunities service: export what it holds about a person, and forget
them when the volunteers service erases their account (``AccountErased`` on ``accounts``).

What it holds about a person is their account id: in memberships, and on the moderation
decisions they made. Memberships are removed (with ``MembershipChanged`` events, so the copies
other services keep follow), even a last owner's: erasure is not optional, and an admin can
give the organisation a new owner. Decisions keep a random pseudonym instead of the id, so
the record still shows that one person decided them.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.common.consumer import ConsumerSpec
from services.common.envelope import Event
from services.common.runtime import ServiceRuntime
from services.opportunities.adapters.personal_data import PersonalData
from services.opportunities.domain.organisation import MembershipChanged
from services.opportunities.service_layer.messagebus import record_events
from services.opportunities.service_layer.unit_of_work import clock

log = logging.getLogger(__name__)
ERASURE_GROUP = "opportunities-erasure"


def export(runtime: ServiceRuntime, account_id: str) -> dict[str, Any]:
    with runtime.session_factory() as session:
        data = PersonalData(session)
        return {
            "memberships": data.memberships(account_id),
            "moderation_decisions": data.decisions(account_id),
        }


def forget_account(
    runtime: ServiceRuntime, session: Session, account_id: str, now: dt.datetime
) -> None:
    """Idempotent: a second time finds nothing left to forget."""
    data = PersonalData(session)
    left = data.forget(account_id, pseudonym=str(uuid.uuid4()))
    events = [MembershipChanged(org_id, account_id, None) for org_id in left]
    record_events(session, runtime.outbox, events, now)
    for org_id in data.ownerless(left):
        log.warning("organisation has no owner after an erasure", extra={"organisation_id": org_id})


def erasure_spec(runtime: ServiceRuntime) -> ConsumerSpec:
    def on_account_erased(session: Session, event: Event) -> None:
        forget_account(runtime, session, event.data["account_id"], clock(runtime))

    return ConsumerSpec(
        group=ERASURE_GROUP, handlers={"accounts": {"AccountErased": on_account_erased}}
    )
