"""Roles (opportunities), organisation members, moderation, catchments, recruiting reminders.

Revision ID: 0002
Revises: 0001

Organisations registered before moderation existed are kept ``approved``. Spelled out rather
than derived from adapters/orm.py: a migration is a frozen record of what it created.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NEW_ORGANISATION_COLUMNS = (
    "charity_number",
    "district_code",
    "outward_code",
    "moderation",
    "moderation_reason",
    "decided_at",
    "decided_by",
    "updated_at",
    "catchment_outward_codes",
    "catchment_districts",
)


def upgrade() -> None:
    _extend_organisations()
    _create_members()
    _create_opportunities()
    _create_reminders()


def _extend_organisations() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("charity_number", sa.String(12), nullable=True))
        batch.add_column(sa.Column("district_code", sa.String(9), nullable=True))
        batch.add_column(sa.Column("outward_code", sa.String(4), nullable=True))
        batch.add_column(
            sa.Column("moderation", sa.String(10), nullable=False, server_default="approved")
        )
        batch.add_column(sa.Column("moderation_reason", sa.Text, nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("catchment_outward_codes", sa.JSON, nullable=True))
        batch.add_column(sa.Column("catchment_districts", sa.JSON, nullable=True))
        batch.create_index("ix_organisations_outward_code", ["outward_code"])
        batch.create_index("ix_organisations_moderation", ["moderation"])
    op.execute("UPDATE organisations SET updated_at = registered_at WHERE updated_at IS NULL")


def _create_members() -> None:
    op.create_table(
        "organisation_members",
        sa.Column(
            "organisation_id",
            sa.String(36),
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(10), nullable=False),
    )
    op.create_index("ix_organisation_members_account", "organisation_members", ["account_id"])


def _create_opportunities() -> None:
    op.create_table(
        "opportunities",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "organisation_id", sa.String(36), sa.ForeignKey("organisations.id"), nullable=False
        ),
        sa.Column("title", sa.String(150), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        *[
            sa.Column(name, sa.JSON, nullable=False)
            for name in ("causes", "skills", "requirements", "rewards", "accessibility")
        ],
        sa.Column("commitment", sa.String(10), nullable=False),
        sa.Column("hours_per_week", sa.Float, nullable=True),
        sa.Column("sessions", sa.JSON, nullable=False),
        sa.Column("dated_sessions", sa.JSON, nullable=False),
        sa.Column("locations", sa.JSON, nullable=False),
        sa.Column("remote", sa.Boolean, nullable=False),
        sa.Column("minimum_age", sa.Integer, nullable=True),
        sa.Column("maximum_age", sa.Integer, nullable=True),
        sa.Column("places", sa.Integer, nullable=True),
        sa.Column("starts_on", sa.Date, nullable=True),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("closes_on", sa.Date, nullable=True),
        sa.Column("apply_url", sa.String(500), nullable=True),
        sa.Column("questions", sa.JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_opportunities_organisation", "opportunities", ["organisation_id"])
    op.create_index("ix_opportunities_status", "opportunities", ["status"])


def _create_reminders() -> None:
    op.create_table(
        "recruiting_reminders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column(
            "opportunity_id", sa.String(36), sa.ForeignKey("opportunities.id"), nullable=False
        ),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
    )
    op.create_index(
        "ix_recruiting_reminders_opportunity",
        "recruiting_reminders",
        ["opportunity_id", "asked_at"],
    )


def downgrade() -> None:
    op.drop_table("recruiting_reminders")
    op.drop_table("opportunities")
    op.drop_table("organisation_members")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_index("ix_organisations_moderation")
        batch.drop_index("ix_organisations_outward_code")
        for name in reversed(_NEW_ORGANISATION_COLUMNS):
            batch.drop_column(name)
