"""Copies of roles, organisations and memberships, kept from other services' events.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "role_copies",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
    )
    op.create_index("ix_role_copies_organisation_id", "role_copies", ["organisation_id"])
    op.create_table(
        "organisation_copies",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("moderation", sa.String(10), nullable=False),
        sa.Column("outward_code", sa.String(4), nullable=True),
        sa.Column("district_code", sa.String(9), nullable=True),
        sa.Column("catchment", sa.JSON, nullable=True),
    )
    op.create_table(
        "memberships",
        sa.Column("organisation_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(10), nullable=False),
    )
    op.create_index("ix_memberships_account_id", "memberships", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_memberships_account_id", "memberships")
    op.drop_table("memberships")
    op.drop_table("organisation_copies")
    op.drop_index("ix_role_copies_organisation_id", "role_copies")
    op.drop_table("role_copies")
