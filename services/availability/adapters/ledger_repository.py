"""The ledger's SQL, on one session: the same statements run on SQLite and PostgreSQL.

Concurrency rests on three statements, none of which reads a value and writes it back:
- accounts and transactions are inserted with ON CONFLICT DO NOTHING, so two requests
  creating one account, or posting one source, at once leave one row (on PostgreSQL the
  second waits for the first to commit, then sees its row);
- a balance moves by ``UPDATE ... SET balance = balance + :amount WHERE <limit holds>``:
  PostgreSQL re-checks the WHERE on the latest committed row after waiting for its lock,
  and SQLite runs one writer at a time (BEGIN IMMEDIATE), so a limit holds on both.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.availability.adapters.ledger_tables import (
    ledger_accounts,
    ledger_entries,
    ledger_exchanges,
    ledger_rates,
    ledger_transactions,
)
from services.availability.adapters.tables import microtasks, organisation_copies
from services.availability.domain.ledger import Exchange, Leg, Limits, Owner, Posting
from services.common.db import insert_for

Row = dict[str, Any]
accounts, entries, transactions = ledger_accounts, ledger_entries, ledger_transactions
rates, exchanges = ledger_rates, ledger_exchanges


def _row(found: Any) -> Row:
    """A result row as a dict, its times in UTC (SQLite hands them back without a zone)."""
    return {
        key: value.replace(tzinfo=dt.UTC)
        if isinstance(value, dt.datetime) and value.tzinfo is None
        else value
        for key, value in found.items()
    }


class LedgerRepository:
    """Reads and writes the ledger's tables inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert(self, table: sa.Table) -> Any:
        """INSERT with ON CONFLICT (both engines spell it the same, in their own dialect)."""
        return insert_for(self.session, table)

    def _insert_new(self, table: sa.Table) -> Any:
        """INSERT that leaves an existing row (any unique key) alone."""
        return self._insert(table).on_conflict_do_nothing()

    # Accounts

    def ensure_account(
        self, owner: Owner, limits: Limits, now: dt.datetime, account_id: str | None = None
    ) -> Row:
        """The owner's account, opened on first use with the given limits."""
        self.session.execute(
            self._insert_new(accounts).values(
                id=account_id or str(uuid.uuid4()), owner_kind=owner.kind, owner_id=owner.id,
                balance=0, lower_limit=limits.lower, upper_limit=limits.upper,
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        found = self.account_of(owner)
        assert found is not None
        return found

    def account_of(self, owner: Owner) -> Row | None:
        query = sa.select(accounts).where(
            accounts.c.owner_kind == owner.kind, accounts.c.owner_id == owner.id
        )
        row = self.session.execute(query).mappings().first()
        return _row(row) if row else None

    def account(self, account_id: str) -> Row | None:
        row = (
            self.session.execute(sa.select(accounts).where(accounts.c.id == account_id))
            .mappings()
            .first()
        )
        return _row(row) if row else None

    def move(self, account_id: str, amount: int, now: dt.datetime, *, checked: bool) -> int | None:
        """Add ``amount``; the new balance, or None when that would pass the account's limit.

        Only the limit in the direction of travel is checked, so an account left outside
        its limits (limits are never narrowed past a balance, but a replay may) can always
        move back towards them.
        """
        query = sa.update(accounts).where(accounts.c.id == account_id)
        if checked and amount < 0:
            bound = accounts.c.lower_limit
            query = query.where(sa.or_(bound.is_(None), accounts.c.balance + amount >= bound))
        elif checked:
            bound = accounts.c.upper_limit
            query = query.where(sa.or_(bound.is_(None), accounts.c.balance + amount <= bound))
        query = query.values(balance=accounts.c.balance + amount, updated_at=now)
        return self.session.execute(query.returning(accounts.c.balance)).scalar()

    def set_limits(self, account_id: str, limits: Limits, now: dt.datetime) -> bool:
        """New limits, unless the balance is already outside them (False then)."""
        balance = accounts.c.balance
        query = sa.update(accounts).where(accounts.c.id == account_id)
        if limits.lower is not None:
            query = query.where(balance >= limits.lower)
        if limits.upper is not None:
            query = query.where(balance <= limits.upper)
        query = query.values(lower_limit=limits.lower, upper_limit=limits.upper, updated_at=now)
        return bool(getattr(self.session.execute(query), "rowcount", 0))

    # Transactions

    def transaction_by_source(self, source: str) -> Row | None:
        return self._transaction(transactions.c.source == source)

    def transaction(self, transaction_id: str) -> Row | None:
        return self._transaction(transactions.c.id == transaction_id)

    def _transaction(self, condition: sa.ColumnElement[bool]) -> Row | None:
        row = self.session.execute(sa.select(transactions).where(condition)).mappings().first()
        if row is None:
            return None
        return {**_row(row), "entries": self.entries_of(row["id"])}

    def entries_of(self, transaction_id: str) -> list[Row]:
        query = (
            sa.select(
                entries.c.account_id.label("ledger_account_id"), accounts.c.owner_kind,
                accounts.c.owner_id, entries.c.amount,
            )
            .join(accounts, accounts.c.id == entries.c.account_id)
            .where(entries.c.transaction_id == transaction_id)
            .order_by(entries.c.id)
        )  # fmt: skip
        return [dict(r) for r in self.session.execute(query).mappings()]

    def add_transaction(
        self, transaction_id: str, posting: Posting, now: dt.datetime, microtask_id: str | None
    ) -> bool:
        """Claim the posting's source; False if another transaction already holds it."""
        result = self.session.execute(
            self._insert_new(transactions).values(
                id=transaction_id, source=posting.source, kind=posting.kind,
                reverses=posting.reverses, memo=posting.memo, created_by=posting.created_by,
                microtask_id=microtask_id, posted_at=now,
            )
        )  # fmt: skip
        return bool(getattr(result, "rowcount", 0))

    def add_entries(self, transaction_id: str, rows: Iterable[Row], now: dt.datetime) -> None:
        values = [{**r, "transaction_id": transaction_id, "posted_at": now} for r in rows]
        self.session.execute(entries.insert(), values)

    @staticmethod
    def legs_of(transaction: Mapping[str, Any]) -> tuple[Leg, ...]:
        """The legs of a transaction row or of a ``TransactionPosted`` event's data."""
        return tuple(
            Leg(Owner(e["owner_kind"], e["owner_id"]), e["amount"]) for e in transaction["entries"]
        )

    # Statements

    def statement(self, account_id: str, before: int | None, limit: int) -> list[Row]:
        """Entries of one account, newest first, each with its transaction's kind and memo."""
        query = (
            sa.select(
                entries.c.id, entries.c.transaction_id, entries.c.amount, entries.c.balance_after,
                entries.c.posted_at, transactions.c.kind, transactions.c.source,
                transactions.c.memo, transactions.c.reverses,
            )
            .join(transactions, transactions.c.id == entries.c.transaction_id)
            .where(entries.c.account_id == account_id)
            .order_by(entries.c.id.desc())
            .limit(limit)
        )  # fmt: skip
        if before is not None:
            query = query.where(entries.c.id < before)
        rows = [_row(r) for r in self.session.execute(query).mappings()]
        others = self._counterparties([r["transaction_id"] for r in rows], account_id)
        for row in rows:
            row["counterparty"] = others.get(row["transaction_id"])
        return rows

    def _counterparties(self, transaction_ids: Sequence[str], account_id: str) -> dict[str, Row]:
        """The other side of each transaction (its first other entry), organisations named."""
        query = (
            sa.select(
                entries.c.transaction_id, accounts.c.id, accounts.c.owner_kind,
                accounts.c.owner_id, organisation_copies.c.name,
            )
            .join(accounts, accounts.c.id == entries.c.account_id)
            .outerjoin(
                organisation_copies,
                sa.and_(
                    accounts.c.owner_kind == "organisation",
                    organisation_copies.c.id == accounts.c.owner_id,
                ),
            )
            .where(entries.c.transaction_id.in_(transaction_ids))
            .where(entries.c.account_id != account_id)
            .order_by(entries.c.id.desc())
        )  # fmt: skip
        found: dict[str, Row] = {}
        for r in self.session.execute(query).mappings():
            found[r["transaction_id"]] = {
                "ledger_account_id": r["id"], "owner_kind": r["owner_kind"],
                "owner_id": r["owner_id"], "name": r["name"],
            }  # fmt: skip
        return found

    # Rates

    def rate(self, organisation_id: str) -> int | None:
        return self.session.execute(
            sa.select(rates.c.rate).where(rates.c.organisation_id == organisation_id)
        ).scalar()

    def set_rate(self, organisation_id: str, rate: int, by: str, now: dt.datetime) -> None:
        values = {"rate": rate, "updated_by": by, "updated_at": now}
        upsert = self._insert(rates)
        self.session.execute(
            upsert.values(organisation_id=organisation_id, **values).on_conflict_do_update(
                index_elements=["organisation_id"], set_=values
            )
        )

    def organisation_exists(self, organisation_id: str) -> bool:
        query = sa.select(organisation_copies.c.id).where(
            organisation_copies.c.id == organisation_id
        )
        return self.session.execute(query).first() is not None

    def task_exists(self, microtask_id: str, organisation_id: str) -> bool:
        query = sa.select(microtasks.c.id).where(
            microtasks.c.id == microtask_id, microtasks.c.organisation_id == organisation_id
        )
        return self.session.execute(query).first() is not None

    # Exchanges

    def add_exchange(self, exchange: Exchange) -> None:
        self.session.execute(exchanges.insert().values(**vars(exchange)))

    def exchange(self, exchange_id: str) -> Exchange | None:
        row = (
            self.session.execute(sa.select(exchanges).where(exchanges.c.id == exchange_id))
            .mappings()
            .first()
        )
        return Exchange(**_row(row)) if row else None

    def decide(
        self, exchange: Exchange, status: str, by: str, now: dt.datetime, tx: str | None
    ) -> bool:
        """Move a pending exchange on; False if another answer got there first."""
        result = self.session.execute(
            sa.update(exchanges)
            .where(exchanges.c.id == exchange.id, exchanges.c.status == "pending")
            .values(status=status, decided_by=by, decided_at=now, transaction_id=tx)
        )
        return bool(getattr(result, "rowcount", 0))

    def exchanges_of(self, account_id: str, status: str | None) -> list[Exchange]:
        query = (
            sa.select(exchanges)
            .where(sa.or_(exchanges.c.payer_id == account_id, exchanges.c.payee_id == account_id))
            .order_by(exchanges.c.created_at.desc(), exchanges.c.id)
            .limit(200)
        )
        if status:
            query = query.where(exchanges.c.status == status)
        return [Exchange(**_row(r)) for r in self.session.execute(query).mappings()]
