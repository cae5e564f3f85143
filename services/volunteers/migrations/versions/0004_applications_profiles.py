"""Volunteer profiles, and applications with the response-time guarantee's reminders.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("opportunity_id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("volunteer_id", sa.String(64), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("share_adjustments", sa.Boolean, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("reminders", sa.JSON, nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_to", sa.String(36), nullable=True),
    )
    for column in ("opportunity_id", "organisation_id", "volunteer_id"):
        op.create_index(f"ix_applications_{column}", "applications", [column])
    op.create_table(
        "profiles",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("postcode", sa.String(8), nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("travel_km", sa.Float, nullable=False),
        sa.Column("causes", sa.JSON, nullable=False),
        sa.Column("skills", sa.JSON, nullable=False),
        sa.Column("availability", sa.JSON, nullable=False),
        sa.Column("commitments", sa.JSON, nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("accessibility_needs", sa.Text, nullable=False),
        sa.Column("contact_channels", sa.JSON, nullable=False),
        sa.Column("phone", sa.String(30), nullable=True),
        sa.Column("consents", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("profiles")
    for column in ("opportunity_id", "organisation_id", "volunteer_id"):
        op.drop_index(f"ix_applications_{column}", "applications")
    op.drop_table("applications")
