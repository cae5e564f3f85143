"""Change numbers for the open-data change feed (RPDE): a counter bumped by triggers.

Revision ID: 0003
Revises: 0002

Every insert or update of a role, and every change of an organisation that its roles'
public view depends on (name, moderation, ...), stamps the affected roles with the next
value of a one-row counter, in the same transaction as the change. Triggers rather than
application code so that no write path (API, sweep, a one-off script) can forget it.

Why a counter row rather than a sequence or the clock: a transaction holds the counter
row's lock from its first bump until it commits, so numbers become visible in the order
they were handed out and a partner who has read up to N never later finds a new N-1
(PostgreSQL sequences and clocks give no such promise). On SQLite writers are serialised
already (BEGIN IMMEDIATE).

Beware: on SQLite a later migration that rebuilds ``opportunities`` or ``organisations``
in batch mode (copy-and-rename) drops these triggers; it must create them again
(``create_triggers``). tests/unit/opportunities/test_open_data.py fails if they are gone.

Spelled out rather than derived from the live code: a migration is a frozen record.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Organisation columns the roles' public views (JSON-LD, JobPosting, change feed) show.
ORGANISATION_COLUMNS = ("name", "type", "postcode", "website", "description", "moderation")


def upgrade() -> None:
    op.create_table(
        "open_data_sequence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.add_column("opportunities", sa.Column("change_number", sa.BigInteger, nullable=True))
    # Existing roles get numbers in a stable order, so the first read of the feed sees them.
    op.execute(
        "UPDATE opportunities SET change_number = "
        "(SELECT COUNT(*) FROM opportunities AS earlier WHERE earlier.id <= opportunities.id)"
    )
    op.execute(
        "INSERT INTO open_data_sequence (id, value) "
        "SELECT 1, COALESCE(MAX(change_number), 0) FROM opportunities"
    )
    op.create_index(
        "ix_opportunities_change", "opportunities", ["change_number", "id"], unique=False
    )
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    op.drop_index("ix_opportunities_change", table_name="opportunities")
    with op.batch_alter_table("opportunities") as batch:
        batch.drop_column("change_number")
    op.drop_table("open_data_sequence")


def create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRESQL:
            op.execute(statement)
    else:
        for statement in _sqlite():
            op.execute(statement)


def drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS organisations_open_data ON organisations")
        op.execute("DROP TRIGGER IF EXISTS opportunities_open_data ON opportunities")
        op.execute("DROP FUNCTION IF EXISTS open_data_touch_roles()")
        op.execute("DROP FUNCTION IF EXISTS open_data_stamp_role()")
        op.execute("DROP FUNCTION IF EXISTS open_data_next_change()")
    else:
        for name in ("open_data_role_insert", "open_data_role_update", "open_data_organisation"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


# An organisation's change only alters the public view of its *published* roles: others are
# out of the catalogue whatever the organisation does.
def _changed(old: str, new: str, distinct: str) -> str:
    return " OR ".join(f"{old}.{c} {distinct} {new}.{c}" for c in ORGANISATION_COLUMNS)


_BUMP_SQLITE = "UPDATE open_data_sequence SET value = value + 1 WHERE id = 1;"
_NEXT_SQLITE = "(SELECT value FROM open_data_sequence WHERE id = 1)"


def _sqlite() -> list[str]:
    # Nested updates do not re-fire the same trigger (recursive_triggers is off), and the
    # WHEN clause skips the stamping update itself.
    stamp_one = f"UPDATE opportunities SET change_number = {_NEXT_SQLITE} WHERE id = NEW.id;"
    return [
        f"CREATE TRIGGER open_data_role_insert AFTER INSERT ON opportunities "
        f"BEGIN {_BUMP_SQLITE} {stamp_one} END",
        f"CREATE TRIGGER open_data_role_update AFTER UPDATE ON opportunities "
        f"WHEN NEW.change_number IS OLD.change_number "
        f"BEGIN {_BUMP_SQLITE} {stamp_one} END",
        f"CREATE TRIGGER open_data_organisation AFTER UPDATE ON organisations "
        f"WHEN {_changed('OLD', 'NEW', 'IS NOT')} "
        f"BEGIN {_BUMP_SQLITE} UPDATE opportunities SET change_number = {_NEXT_SQLITE} "
        f"WHERE organisation_id = NEW.id AND status = 'published'; END",
    ]


_POSTGRESQL = [
    "CREATE FUNCTION open_data_next_change() RETURNS bigint LANGUAGE sql AS $$ "
    "UPDATE open_data_sequence SET value = value + 1 WHERE id = 1 RETURNING value $$",
    "CREATE FUNCTION open_data_stamp_role() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN NEW.change_number := open_data_next_change(); RETURN NEW; END $$",
    "CREATE TRIGGER opportunities_open_data BEFORE INSERT OR UPDATE ON opportunities "
    "FOR EACH ROW EXECUTE FUNCTION open_data_stamp_role()",
    # Touching the roles re-fires the role trigger above, which stamps each of them.
    "CREATE FUNCTION open_data_touch_roles() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE opportunities SET change_number = NULL "
    "WHERE organisation_id = NEW.id AND status = 'published'; RETURN NULL; END $$",
    "CREATE TRIGGER organisations_open_data AFTER UPDATE ON organisations FOR EACH ROW "
    f"WHEN ({_changed('OLD', 'NEW', 'IS DISTINCT FROM')}) "
    "EXECUTE FUNCTION open_data_touch_roles()",
]
