"""Micro-volunteering: availability, the credentials wallet, tasks, bookings, hours and
copies of organisations, memberships and roles.

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
    op.create_table(
        "availability_windows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("start_minute", sa.SmallInteger(), nullable=False),
        sa.Column("end_minute", sa.SmallInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_availability_windows_account_id"),
        "availability_windows",
        ["account_id"],
        unique=False,
    )
    op.create_index(
        "ix_availability_windows_one_off_fit",
        "availability_windows",
        ["on_date", "start_minute", "end_minute", "account_id"],
    )
    op.create_index(
        "ix_availability_windows_weekly_fit",
        "availability_windows",
        ["weekday", "start_minute", "end_minute", "account_id"],
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_ref", sa.String(length=64), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lapse_reason", sa.String(length=10), nullable=True),
        sa.Column("attendance_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "account_id", name="uq_bookings_task_account"),
    )
    op.create_index(
        "ix_bookings_account_status",
        "bookings",
        ["account_id", "status", "starts_at"],
        unique=False,
    )
    op.create_index(op.f("ix_bookings_task_id"), "bookings", ["task_id"], unique=False)
    op.create_table(
        "credential_shares",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "organisation_id"),
    )
    op.create_index(
        op.f("ix_credential_shares_organisation_id"),
        "credential_shares",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("obtained_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("dbs_level", sa.String(length=10), nullable=True),
        sa.Column("dbs_workforce", sa.String(length=6), nullable=True),
        sa.Column("update_service", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("verified_by_organisation", sa.String(length=36), nullable=True),
        sa.Column("verified_by", sa.String(length=64), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_credentials_account_id"), "credentials", ["account_id"], unique=False)
    op.create_index("ix_credentials_expires_on", "credentials", ["expires_on"], unique=False)
    op.create_table(
        "hours",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=6), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("booking_id", sa.String(length=36), nullable=True),
        sa.Column("opportunity_id", sa.String(length=36), nullable=True),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("booking_id"),
    )
    op.create_index(op.f("ix_hours_account_id"), "hours", ["account_id"], unique=False)
    op.create_index(op.f("ix_hours_organisation_id"), "hours", ["organisation_id"], unique=False)
    op.create_table(
        "memberships",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "account_id"),
    )
    op.create_index(op.f("ix_memberships_account_id"), "memberships", ["account_id"], unique=False)
    op.create_table(
        "micro_volunteers",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("travel_km", sa.Float(), nullable=False),
        sa.Column("task_types", sa.JSON(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("reach_min_lat", sa.Float(), nullable=False),
        sa.Column("reach_max_lat", sa.Float(), nullable=False),
        sa.Column("reach_min_lon", sa.Float(), nullable=False),
        sa.Column("reach_max_lon", sa.Float(), nullable=False),
        sa.Column("lock_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_index(
        "ix_micro_volunteers_reach_lat",
        "micro_volunteers",
        ["reach_min_lat", "reach_max_lat"],
        unique=False,
    )
    op.create_table(
        "microtasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("task_type", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("remote", sa.Boolean(), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("volunteers_needed", sa.Integer(), nullable=False),
        sa.Column("accepted_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("person_ref", sa.String(length=64), nullable=True),
        sa.Column("offers_per_round", sa.Integer(), nullable=False),
        sa.Column("offer_minutes", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_round_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_microtasks_open_rounds", "microtasks", ["status", "next_round_at"], unique=False
    )
    op.create_index(
        op.f("ix_microtasks_organisation_id"), "microtasks", ["organisation_id"], unique=False
    )
    op.create_index(
        "ix_microtasks_status_starts", "microtasks", ["status", "starts_at"], unique=False
    )
    op.create_table(
        "organisation_copies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("moderation", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "role_copies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_role_copies_organisation_id"), "role_copies", ["organisation_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_role_copies_organisation_id"), table_name="role_copies")
    op.drop_table("role_copies")
    op.drop_table("organisation_copies")
    op.drop_index("ix_microtasks_status_starts", table_name="microtasks")
    op.drop_index(op.f("ix_microtasks_organisation_id"), table_name="microtasks")
    op.drop_index("ix_microtasks_open_rounds", table_name="microtasks")
    op.drop_table("microtasks")
    op.drop_index("ix_micro_volunteers_reach_lat", table_name="micro_volunteers")
    op.drop_table("micro_volunteers")
    op.drop_index(op.f("ix_memberships_account_id"), table_name="memberships")
    op.drop_table("memberships")
    op.drop_index(op.f("ix_hours_organisation_id"), table_name="hours")
    op.drop_index(op.f("ix_hours_account_id"), table_name="hours")
    op.drop_table("hours")
    op.drop_index("ix_credentials_expires_on", table_name="credentials")
    op.drop_index(op.f("ix_credentials_account_id"), table_name="credentials")
    op.drop_table("credentials")
    op.drop_index(op.f("ix_credential_shares_organisation_id"), table_name="credential_shares")
    op.drop_table("credential_shares")
    op.drop_index(op.f("ix_bookings_task_id"), table_name="bookings")
    op.drop_index("ix_bookings_account_status", table_name="bookings")
    op.drop_table("bookings")
    op.drop_index("ix_availability_windows_weekly_fit", table_name="availability_windows")
    op.drop_index("ix_availability_windows_one_off_fit", table_name="availability_windows")
    op.drop_index(op.f("ix_availability_windows_account_id"), table_name="availability_windows")
    op.drop_table("availability_windows")
