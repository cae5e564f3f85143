"""Provenance of imported roles: where each came from, and which sources contributed.

Revision ID: 0004
Revises: 0003

``opportunities`` gains the source that first brought a role in, that source's id for it,
when an import last changed it, and the normalised (organisation, title, postcode) key that
records from other sources are merged on. ``import_records`` holds one row per (source,
source id) with a hash of the record last applied, so importing the same file again changes
nothing, and so a role merged from several sources lists all of them.

Plain ``add_column`` rather than batch mode: on SQLite a batch rebuild of ``opportunities``
would drop the open-data triggers of 0003. Spelled out rather than derived from the live
code: a migration is a frozen record.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ROLE_COLUMNS = ("source", "source_id", "imported_at", "merge_key")


def upgrade() -> None:
    op.add_column("opportunities", sa.Column("source", sa.String(100), nullable=True))
    op.add_column("opportunities", sa.Column("source_id", sa.String(300), nullable=True))
    op.add_column(
        "opportunities", sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("opportunities", sa.Column("merge_key", sa.String(400), nullable=True))
    op.create_index("ix_opportunities_merge_key", "opportunities", ["merge_key"])
    op.create_table(
        "import_records",
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("source_id", sa.String(300), primary_key=True),
        sa.Column(
            "opportunity_id", sa.String(36), sa.ForeignKey("opportunities.id"), nullable=False
        ),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_import_records_opportunity", "opportunity_id"),
    )


def downgrade() -> None:
    op.drop_table("import_records")
    op.drop_index("ix_opportunities_merge_key", table_name="opportunities")
    # SQLite (3.35+) drops a plain column in place, so 0003's triggers survive.
    for name in reversed(_ROLE_COLUMNS):
        op.drop_column("opportunities", name)
