"""One transaction per use case: repositories on one session; events and mail in its outboxes.

Events go to the event outbox and emails to the mail outbox inside the same transaction as the
change they announce, so all commit or none do; relays send them afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from services.common.envelope import new_envelope, utcnow
from services.common.mail import Mailer, MailRelay, Message, enqueue
from services.common.runtime import ServiceRuntime
from services.volunteers.adapters.accounts_repository import (
    AccountRepository,
    AttemptLog,
    SessionRepository,
    TokenRepository,
)
from services.volunteers.adapters.orm import outbox_mail
from services.volunteers.domain.accounts import Account, AccountEmailVerified, AccountEvent
from services.volunteers.domain.passwords import Passwords

Clock = Callable[[], dt.datetime]
PRODUCER = "volunteers"
ACCOUNTS = ("accounts", 2)


def clock(runtime: ServiceRuntime) -> dt.datetime:
    """Now, from ``runtime.extensions["clock"]`` (tests move it), in UTC."""
    now: Clock = runtime.extensions.get("clock", utcnow)
    return now().astimezone(dt.UTC)


def passwords(runtime: ServiceRuntime) -> Passwords:
    found: Passwords = runtime.extensions["passwords"]
    return found


class UnitOfWork:
    """The repositories of one transaction and the outboxes its events and emails go to."""

    def __init__(self, runtime: ServiceRuntime, session: Session, now: dt.datetime) -> None:
        self.session = session
        self.runtime = runtime
        self.now = now
        self.accounts = AccountRepository(session)
        self.tokens = TokenRepository(session)
        self.sessions = SessionRepository(session)
        self.attempts = AttemptLog(session)

    def publish(self, account: Account) -> None:
        """Move the account's pending events into the outbox (this transaction)."""
        for event in account.events:
            self.runtime.outbox.add(self.session, ACCOUNTS[0], _envelope(event, self.now))
        account.events.clear()

    def send(self, message: Message) -> None:
        """Queue an email; it leaves only if this transaction commits."""
        enqueue(self.session, outbox_mail, message, self.now, self.runtime.config.mail_from)


def _envelope(event: AccountEvent, now: dt.datetime) -> dict[str, object]:
    return new_envelope(
        event_type=type(event).__name__,
        version=ACCOUNTS[1],
        producer=PRODUCER,
        key=event.account_id,
        data=_data(event),
        occurred_at=now,
    )


def _data(event: AccountEvent) -> dict[str, object]:
    if isinstance(event, AccountEmailVerified):
        return {"account_id": event.account_id, "verified_at": event.verified_at}
    return {
        "account_id": event.account_id,
        "account_type": event.account_type,
        "registered_at": event.registered_at,
    }


@contextmanager
def unit_of_work(runtime: ServiceRuntime) -> Iterator[UnitOfWork]:
    """Commit on success, roll back on any exception (nothing written, nothing emitted)."""
    with runtime.session_factory() as session, session.begin():
        yield UnitOfWork(runtime, session, clock(runtime))


def mail_relay(runtime: ServiceRuntime) -> MailRelay:
    """The relay for this service's mail outbox, with the current mailer and clock."""
    mailer: Mailer = runtime.extensions["mailer"]
    return MailRelay(runtime.session_factory, outbox_mail, mailer, clock=lambda: clock(runtime))
