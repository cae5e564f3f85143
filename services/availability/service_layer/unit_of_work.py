"""One transaction per use case, with the outbox its events go to.

Events are written to the outbox in the same transaction as the change they announce, so
both commit or neither does; the relay publishes them afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.availability.adapters.tables import memberships
from services.availability.domain.errors import Forbidden
from services.common.envelope import new_envelope, utcnow
from services.common.geo.postcodes import Geocoder
from services.common.runtime import ServiceRuntime

PRODUCER = "availability"
MICRO = "micro-volunteering"
CREDITS = "time-credits"
VERSIONS = {MICRO: 2, CREDITS: 1}
Clock = Callable[[], dt.datetime]


def clock(runtime: ServiceRuntime) -> dt.datetime:
    """Now, from ``runtime.extensions["clock"]`` (tests move it), in UTC."""
    now: Clock = runtime.extensions.get("clock", utcnow)
    return now().astimezone(dt.UTC)


def geocoder(runtime: ServiceRuntime) -> Geocoder:
    found: Geocoder = runtime.extensions["geocoder"]
    return found


class UnitOfWork:
    """The session of one transaction, its time, and the outbox."""

    def __init__(self, runtime: ServiceRuntime, session: Session, now: dt.datetime) -> None:
        self.runtime = runtime
        self.session = session
        self.now = now

    def emit(self, topic: str, event_type: str, key: str, data: Mapping[str, Any]) -> None:
        """Queue an event; it is published only if this transaction commits."""
        envelope = new_envelope(
            event_type=event_type,
            version=VERSIONS[topic],
            producer=PRODUCER,
            key=key,
            data=data,
            occurred_at=self.now,
        )
        self.runtime.outbox.add(self.session, topic, envelope)

    def role_in(self, organisation_id: str, account_id: str) -> str | None:
        """The account's role (owner or editor) in an organisation, or None."""
        return self.session.execute(
            sa.select(memberships.c.role).where(
                memberships.c.organisation_id == organisation_id,
                memberships.c.account_id == account_id,
            )
        ).scalar()

    def require_member(self, organisation_id: str, account_id: str, *, admin: bool) -> None:
        if admin or self.role_in(organisation_id, account_id):
            return
        raise Forbidden("Only the organisation's members can do this.")

    def organisations_of(self, account_id: str) -> list[str]:
        return list(
            self.session.execute(
                sa.select(memberships.c.organisation_id).where(
                    memberships.c.account_id == account_id
                )
            ).scalars()
        )


@contextmanager
def unit_of_work(runtime: ServiceRuntime) -> Iterator[UnitOfWork]:
    """Commit on success, roll back on any exception (nothing written, nothing emitted)."""
    with runtime.session_factory() as session, session.begin():
        yield UnitOfWork(runtime, session, clock(runtime))
