"""Tables of the time-credit ledger: accounts, transactions and their entries, each
organisation's rate, and member-to-member exchanges.

Amounts are integers in hundredths of a credit. Transactions and entries are append-only:
the migration adds database triggers that refuse UPDATE and DELETE on them, so a correction
can only be a reversing transaction. ``ledger_accounts.balance`` is the one mutable figure,
kept equal to the sum of the account's entries by the posting transaction, and changed only
by a conditional UPDATE that also checks the account's limits.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.availability.adapters.orm import metadata

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")  # SQLite autoincrements INTEGER only

ledger_accounts = sa.Table(
    "ledger_accounts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner_kind", sa.String(12), nullable=False),  # volunteer | organisation | timebank
    sa.Column("owner_id", sa.String(64), nullable=False),
    sa.Column("balance", sa.BigInteger, nullable=False),
    sa.Column("lower_limit", sa.BigInteger, nullable=True),  # NULL: unlimited
    sa.Column("upper_limit", sa.BigInteger, nullable=True),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.UniqueConstraint("owner_kind", "owner_id", name="uq_ledger_accounts_owner"),
)

ledger_transactions = sa.Table(
    "ledger_transactions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    # What caused it (hours:<id>, exchange:<id>, spend:<account>:<key>, reversal:<id>): unique,
    # so a source is posted once however often its event or request arrives.
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),  # earn | transfer | spend | reversal
    sa.Column("reverses", sa.String(36), nullable=True),
    sa.Column("memo", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_by", sa.String(64), nullable=True),
    sa.Column("microtask_id", sa.String(36), nullable=True),  # what a spend paid for
    sa.Column("posted_at", _TS, nullable=False),
    sa.UniqueConstraint("source", name="uq_ledger_transactions_source"),
)

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),  # statements page by it
    sa.Column(
        "transaction_id", sa.String(36), sa.ForeignKey("ledger_transactions.id"), nullable=False
    ),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("ledger_accounts.id"), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),  # positive credits the account
    sa.Column("balance_after", sa.BigInteger, nullable=False),
    sa.Column("posted_at", _TS, nullable=False),
    sa.Index("ix_ledger_entries_account", "account_id", "id"),
    sa.Index("ix_ledger_entries_transaction", "transaction_id"),
)

# Credits an hour given earns at an organisation, in hundredths (no row: the default 100).
ledger_rates = sa.Table(
    "ledger_rates",
    metadata,
    sa.Column("organisation_id", sa.String(36), primary_key=True),
    sa.Column("rate", sa.Integer, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
)

ledger_exchanges = sa.Table(
    "ledger_exchanges",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("proposed_by", sa.String(64), nullable=False),
    sa.Column("payer_id", sa.String(64), nullable=False),
    sa.Column("payee_id", sa.String(64), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # pending|confirmed|declined|cancelled
    sa.Column("transaction_id", sa.String(36), nullable=True),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("decided_at", _TS, nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Index("ix_ledger_exchanges_payer", "payer_id", "created_at"),
    sa.Index("ix_ledger_exchanges_payee", "payee_id", "created_at"),
)
