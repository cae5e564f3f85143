"""Saved searches and their alert items.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("frequency", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_saved_searches_account_id", "saved_searches", ["account_id"])
    op.create_table(
        "alert_items",
        sa.Column("saved_search_id", sa.String(36), primary_key=True),
        sa.Column("opportunity_id", sa.String(36), primary_key=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_alert_items_pending", "alert_items", ["state", "saved_search_id"])


def downgrade() -> None:
    op.drop_index("ix_alert_items_pending", "alert_items")
    op.drop_table("alert_items")
    op.drop_index("ix_saved_searches_account_id", "saved_searches")
    op.drop_table("saved_searches")
