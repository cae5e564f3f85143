"""Tables of applications (the volunteers service's database)."""

from __future__ import annotations

import sqlalchemy as sa

from services.volunteers.adapters.orm import metadata

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("opportunity_id", sa.String(36), nullable=False, index=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("volunteer_id", sa.String(64), nullable=False, index=True),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("share_adjustments", sa.Boolean, nullable=False, default=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    # The response-time guarantee: reminders sent (2, 5 working days) and the escalation.
    sa.Column("reminders", sa.JSON, nullable=False, default=list),
    sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("escalated_to", sa.String(36), nullable=True),
)
