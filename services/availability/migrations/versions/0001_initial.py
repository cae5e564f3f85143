"""Initial tables: the shared plumbing (outbox, processed events).

Revision ID: 0001
Revises:
"""

from services.common.migrations import create_plumbing_tables, drop_plumbing_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plumbing_tables()


def downgrade() -> None:
    drop_plumbing_tables()
