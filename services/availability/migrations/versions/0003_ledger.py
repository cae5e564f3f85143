"""The time-credit ledger: accounts, append-only transactions and entries, rates and
exchanges. Triggers make transactions and entries immutable in the database itself, so no
code path (or hand-typed SQL) can edit history: corrections are reversing transactions.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_IMMUTABLE = ("ledger_transactions", "ledger_entries")
_MESSAGE = "ledger history is immutable: post a reversing transaction instead"


def upgrade() -> None:
    _create_accounts()
    _create_transactions()
    _create_entries()
    _create_rates_and_exchanges()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _create_accounts() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_kind", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("lower_limit", sa.BigInteger(), nullable=True),
        sa.Column("upper_limit", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_kind", "owner_id", name="uq_ledger_accounts_owner"),
    )


def _create_transactions() -> None:
    op.create_table(
        "ledger_transactions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reverses", sa.String(length=36), nullable=True),
        sa.Column("memo", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("microtask_id", sa.String(length=36), nullable=True),
        sa.Column("posted_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", name="uq_ledger_transactions_source"),
    )


def _create_entries() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("posted_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["ledger_accounts.id"]),
        sa.ForeignKeyConstraint(["transaction_id"], ["ledger_transactions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ledger_entries_account", "ledger_entries", ["account_id", "id"])
    op.create_index("ix_ledger_entries_transaction", "ledger_entries", ["transaction_id"])


def _create_rates_and_exchanges() -> None:
    op.create_table(
        "ledger_rates",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("organisation_id"),
    )
    op.create_table(
        "ledger_exchanges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("payer_id", sa.String(length=64), nullable=False),
        sa.Column("payee_id", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ledger_exchanges_payer", "ledger_exchanges", ["payer_id", "created_at"])
    op.create_index("ix_ledger_exchanges_payee", "ledger_exchanges", ["payee_id", "created_at"])


# Erasure may pseudonymise who asked for a transaction and blank its note (personal data);
# nothing that says what moved, between which accounts, when or why it exists may change.
_COLUMNS = {
    "ledger_transactions": ("id", "source", "kind", "reverses", "microtask_id", "posted_at"),
    "ledger_entries": (),  # every column
}


def _update_of(table: str) -> str:
    frozen = _COLUMNS[table]
    return f"UPDATE OF {', '.join(frozen)}" if frozen else "UPDATE"


def _sqlite_triggers() -> None:
    for table in _IMMUTABLE:
        for action in (_update_of(table), "DELETE"):
            name = "update" if action.startswith("UPDATE") else "delete"
            op.execute(
                f"CREATE TRIGGER {table}_no_{name} BEFORE {action} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )


def _postgresql_triggers() -> None:
    # No "%" placeholders: the text passes through a pyformat DB-API driver.
    op.execute(
        "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION USING"
        f" MESSAGE = '{_MESSAGE} (' || TG_TABLE_NAME || ')', ERRCODE = 'restrict_violation';"
        " END $$"
    )
    for table in _IMMUTABLE:
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE {_update_of(table)} OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
        )


def downgrade() -> None:
    # Dropping a table drops its triggers (both engines); the PostgreSQL function stays
    # until the tables that use it are gone.
    op.drop_index("ix_ledger_exchanges_payee", table_name="ledger_exchanges")
    op.drop_index("ix_ledger_exchanges_payer", table_name="ledger_exchanges")
    op.drop_table("ledger_exchanges")
    op.drop_table("ledger_rates")
    op.drop_index("ix_ledger_entries_transaction", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_account", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_transactions")
    op.drop_table("ledger_accounts")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION ledger_refuse_change()")
