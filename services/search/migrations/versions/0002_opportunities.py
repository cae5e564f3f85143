"""Opportunity snapshots and organisation moderation state.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(
            sa.Column("moderation", sa.String(10), nullable=False, server_default="approved")
        )
    op.create_table(
        "opportunities",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_opportunities_organisation_id", "opportunities", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_opportunities_organisation_id", "opportunities")
    op.drop_table("opportunities")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("moderation")
