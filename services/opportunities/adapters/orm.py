"""Tables of the opportunities service (its own database). Migrations create them."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import plumbing_tables

metadata = sa.MetaData()
outbox, processed_events = plumbing_tables(metadata)

organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(30), nullable=False),
    sa.Column("postcode", sa.String(10), nullable=True),
    sa.Column("website", sa.String(500), nullable=True),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    # 0002
    sa.Column("charity_number", sa.String(12), nullable=True),
    sa.Column("district_code", sa.String(9), nullable=True),
    sa.Column("outward_code", sa.String(4), nullable=True, index=True),
    sa.Column("moderation", sa.String(10), nullable=False, server_default="approved", index=True),
    sa.Column("moderation_reason", sa.Text, nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("catchment_outward_codes", sa.JSON, nullable=True),
    sa.Column("catchment_districts", sa.JSON, nullable=True),
)

organisation_members = sa.Table(
    "organisation_members",
    metadata,
    sa.Column(
        "organisation_id",
        sa.String(36),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Index("ix_organisation_members_account", "account_id"),
)

opportunities = sa.Table(
    "opportunities",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("title", sa.String(150), nullable=False),
    sa.Column("summary", sa.String(500), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("causes", sa.JSON, nullable=False),
    sa.Column("skills", sa.JSON, nullable=False),
    sa.Column("requirements", sa.JSON, nullable=False),
    sa.Column("rewards", sa.JSON, nullable=False),
    sa.Column("accessibility", sa.JSON, nullable=False),
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
    sa.Index("ix_opportunities_organisation", "organisation_id"),
    sa.Index("ix_opportunities_status", "status"),
)

recruiting_reminders = sa.Table(
    "recruiting_reminders",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("opportunity_id", sa.String(36), sa.ForeignKey("opportunities.id"), nullable=False),
    sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Index("ix_recruiting_reminders_opportunity", "opportunity_id", "asked_at"),
)
