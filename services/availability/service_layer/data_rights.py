"""Data rights in the availability service: export what it holds about a person, and forget
them when the volunteers service erases their account (``AccountErased`` on ``accounts``).

What it holds: micro-volunteering settings (home postcode, date of birth, windows), the
credentials wallet and whom it is shared with, bookings, hours, and the person's time-credit
account and exchanges. Settings, windows and the wallet are deleted. Bookings, hours and the
ledger are kept, because organisations' counts and the time bank's books must still add up,
but under a fresh random pseudonym, with free text (notes, reasons, memos) blanked. Ledger
entries are immutable; only the account's owner id and a transaction's "asked by" and note
may change (the migration's triggers allow exactly those).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.availability.adapters import task_repository
from services.availability.adapters.ledger_tables import (
    ledger_accounts,
    ledger_entries,
    ledger_exchanges,
    ledger_rates,
    ledger_transactions,
)
from services.availability.adapters.tables import (
    availability_windows,
    bookings,
    credential_shares,
    credentials,
    hours,
    memberships,
    micro_volunteers,
    microtasks,
)
from services.availability.domain.model import BookingStatus
from services.common.consumer import ConsumerSpec
from services.common.envelope import Event, to_jsonable
from services.common.runtime import ServiceRuntime

ERASURE_GROUP = "availability-erasure"
_OWNED = (micro_volunteers, availability_windows, credentials, credential_shares, memberships)


def export(runtime: ServiceRuntime, account_id: str) -> dict[str, Any]:
    with runtime.session_factory() as session:
        part = {
            "micro_volunteering": _rows(session, micro_volunteers, account_id),
            "availability_windows": _rows(session, availability_windows, account_id),
            "credentials": _rows(session, credentials, account_id),
            "credential_shares": _rows(session, credential_shares, account_id),
            "bookings": _bookings(session, account_id),
            "hours": _rows(session, hours, account_id),
            "time_credits": _ledger(session, account_id),
        }
    result: dict[str, Any] = to_jsonable(part)
    return result


def _rows(session: Session, table: sa.Table, account_id: str) -> list[dict[str, Any]]:
    query = sa.select(table).where(table.c.account_id == account_id)
    return [dict(row) for row in session.execute(query).mappings()]


def _bookings(session: Session, account_id: str) -> list[dict[str, Any]]:
    query = (
        sa.select(bookings, microtasks.c.title, microtasks.c.task_type)
        .join(microtasks, microtasks.c.id == bookings.c.task_id)
        .where(bookings.c.account_id == account_id)
    )
    return [dict(row) for row in session.execute(query).mappings()]


def _ledger(session: Session, account_id: str) -> dict[str, Any]:
    account = (
        session.execute(
            sa.select(ledger_accounts).where(
                ledger_accounts.c.owner_kind == "volunteer",
                ledger_accounts.c.owner_id == account_id,
            )
        )
        .mappings()
        .first()
    )
    entries: list[dict[str, Any]] = []
    if account is not None:
        query = (
            sa.select(ledger_entries, ledger_transactions.c.kind, ledger_transactions.c.memo)
            .join(ledger_transactions, ledger_transactions.c.id == ledger_entries.c.transaction_id)
            .where(ledger_entries.c.account_id == account["id"])
            .order_by(ledger_entries.c.id)
        )
        entries = [dict(row) for row in session.execute(query).mappings()]
    parties = sa.or_(ledger_exchanges.c.payer_id == account_id,
                     ledger_exchanges.c.payee_id == account_id)  # fmt: skip
    exchanges = [
        dict(r) for r in session.execute(sa.select(ledger_exchanges).where(parties)).mappings()
    ]
    return {
        "account": dict(account) if account else None,
        "entries": entries,
        "exchanges": exchanges,
    }


def forget_account(session: Session, account_id: str, now: dt.datetime) -> None:
    """Idempotent: a second time finds nothing left to forget."""
    pseudonym = f"erased-{uuid.uuid4()}"
    _withdraw(session, account_id, now)
    for table in _OWNED:
        session.execute(sa.delete(table).where(table.c.account_id == account_id))
    _rename(session, bookings, ["account_id"], account_id, pseudonym)
    session.execute(
        sa.update(hours).where(hours.c.account_id == account_id).values(note="", reason=None)
    )
    _rename(session, hours, ["account_id", "reported_by", "decided_by"], account_id, pseudonym)
    _rename(session, microtasks, ["created_by"], account_id, pseudonym)
    _rename(session, credentials, ["verified_by"], account_id, pseudonym)
    _rename(session, ledger_rates, ["updated_by"], account_id, pseudonym)
    session.execute(
        sa.update(ledger_accounts)
        .where(
            ledger_accounts.c.owner_kind == "volunteer", ledger_accounts.c.owner_id == account_id
        )
        .values(owner_id=pseudonym)
    )
    session.execute(
        sa.update(ledger_transactions)
        .where(ledger_transactions.c.created_by == account_id)
        .values(created_by=pseudonym, memo="")
    )
    _forget_exchanges(session, account_id, pseudonym)


def _withdraw(session: Session, account_id: str, now: dt.datetime) -> None:
    """An erased person cannot come: their open offers lapse, and tasks they accepted that
    have not started get the place back and are offered again at once (no events: they
    would carry the id being forgotten)."""
    mine = bookings.c.account_id == account_id
    future = sa.and_(mine, bookings.c.status == BookingStatus.ACCEPTED, bookings.c.starts_at > now)
    tasks = list(session.execute(sa.select(bookings.c.task_id).where(future)).scalars())
    for task_id in tasks:
        task_repository.give_back_place(session, task_id, now)
        task_repository.update_task(session, task_id, next_round_at=now)  # the job offers it
    open_offer = sa.and_(mine, bookings.c.status == BookingStatus.OFFERED)
    session.execute(
        sa.update(bookings)
        .where(sa.or_(future, open_offer))
        .values(status=BookingStatus.LAPSED, lapse_reason="withdrawn", responded_at=now)
    )


def _forget_exchanges(session: Session, account_id: str, pseudonym: str) -> None:
    parties = sa.or_(
        ledger_exchanges.c.payer_id == account_id,
        ledger_exchanges.c.payee_id == account_id,
        ledger_exchanges.c.proposed_by == account_id,
    )
    linked = sa.select(ledger_exchanges.c.transaction_id).where(
        parties, ledger_exchanges.c.transaction_id.is_not(None)
    )
    session.execute(
        sa.update(ledger_transactions).where(ledger_transactions.c.id.in_(linked)).values(memo="")
    )
    session.execute(sa.update(ledger_exchanges).where(parties).values(reason=""))
    columns = ["payer_id", "payee_id", "proposed_by", "decided_by"]
    _rename(session, ledger_exchanges, columns, account_id, pseudonym)


def _rename(session: Session, table: sa.Table, columns: Iterable[str], old: str, new: str) -> None:
    for column in columns:
        session.execute(sa.update(table).where(table.c[column] == old).values({column: new}))


def erasure_spec() -> ConsumerSpec:
    def on_account_erased(session: Session, event: Event) -> None:
        # The erasure's own moment, not the wall clock: a consumer catching up late (or a
        # replay) must withdraw the same bookings, those starting after the person left.
        erased_at = event.data.get("erased_at")
        when = dt.datetime.fromisoformat(erased_at) if erased_at else dt.datetime.now(dt.UTC)
        forget_account(session, event.data["account_id"], when.astimezone(dt.UTC))

    return ConsumerSpec(
        group=ERASURE_GROUP, handlers={"accounts": {"AccountErased": on_account_erased}}
    )
