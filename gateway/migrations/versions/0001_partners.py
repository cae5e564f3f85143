"""Partners, their managers, API keys (hashed) and rate-limit counters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("contact_email", sa.String(320), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "partner_managers",
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), primary_key=True),
        sa.Column("account_id", sa.String(36), primary_key=True),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(12), primary_key=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("per_minute", sa.Integer, nullable=False),
        sa.Column("daily_quota", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_api_keys_partner_id", "api_keys", ["partner_id"])
    op.create_table(
        "api_key_origins",
        sa.Column("key_id", sa.String(12), sa.ForeignKey("api_keys.id"), primary_key=True),
        sa.Column("origin", sa.String(300), primary_key=True),
    )
    op.create_index("ix_api_key_origins_origin", "api_key_origins", ["origin"])
    op.create_table(
        "rate_counters",
        sa.Column("bucket", sa.String(200), primary_key=True),
        sa.Column("window_start", sa.BigInteger, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_rate_counters_expires_at", "rate_counters", ["expires_at"])


def downgrade() -> None:
    op.drop_table("rate_counters")
    op.drop_table("api_key_origins")
    op.drop_table("api_keys")
    op.drop_table("partner_managers")
    op.drop_table("partners")
