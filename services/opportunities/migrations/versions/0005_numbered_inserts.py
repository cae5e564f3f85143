"""Roles inserted with a change number keep it: a bulk insert numbers its rows itself.

Revision ID: 0005
Revises: 0004

0003's insert trigger bumps the counter and stamps each new role with a second write, two
statements for every row: about a tenth of a bulk import's time. A writer that reserves a
block of numbers from the counter, in the same transaction and before it inserts, may now
write them into the rows; the trigger stamps only rows that come without one. Numbers still
become visible in the order they were handed out: the reservation holds the counter row's
lock (PostgreSQL) or the database's write lock (SQLite) until the transaction commits.

Updates are unchanged: every update is stamped, whatever number it writes.

Spelled out rather than derived from the live code: a migration is a frozen record.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BUMP = "UPDATE open_data_sequence SET value = value + 1 WHERE id = 1;"
_STAMP = (
    "UPDATE opportunities SET change_number = "
    "(SELECT value FROM open_data_sequence WHERE id = 1) WHERE id = NEW.id;"
)


def upgrade() -> None:
    _insert_stamp(only_unnumbered=True)


def downgrade() -> None:
    _insert_stamp(only_unnumbered=False)


def _insert_stamp(*, only_unnumbered: bool) -> None:
    """The insert's stamping: of rows without a number only (0005), or of every row (0003)."""
    if op.get_bind().dialect.name == "postgresql":
        keep = (
            "IF TG_OP = 'INSERT' AND NEW.change_number IS NOT NULL THEN RETURN NEW; END IF; "
            if only_unnumbered
            else ""
        )
        op.execute(
            "CREATE OR REPLACE FUNCTION open_data_stamp_role() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {keep}"
            "NEW.change_number := open_data_next_change(); RETURN NEW; END $$"
        )
        return
    when = "WHEN NEW.change_number IS NULL " if only_unnumbered else ""
    op.execute("DROP TRIGGER open_data_role_insert")
    op.execute(
        "CREATE TRIGGER open_data_role_insert AFTER INSERT ON opportunities "
        f"{when}BEGIN {_BUMP} {_STAMP} END"
    )
