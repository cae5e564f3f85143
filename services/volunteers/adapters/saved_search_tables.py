"""Saved searches and the alerts queued for them (the volunteers service's database)."""

from __future__ import annotations

import sqlalchemy as sa

from services.volunteers.adapters.orm import metadata

saved_searches = sa.Table(
    "saved_searches",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    # The search API's parameters as given (checked by its schema), minus paging.
    sa.Column("params", sa.JSON, nullable=False),
    # instant | daily | weekly | off (unsubscribed: kept, but no alerts).
    sa.Column("frequency", sa.String(8), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # When the last digest went (or would have gone, had it anything in it).
    sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
)

# One row per (saved search, role) ever matched: the primary key is what makes an alert
# never go twice for the same role and saved search, whatever the events redeliver.
alert_items = sa.Table(
    "alert_items",
    metadata,
    sa.Column("saved_search_id", sa.String(36), primary_key=True),
    sa.Column("opportunity_id", sa.String(36), primary_key=True),
    sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
    # pending -> sent | dropped (role no longer published when the digest went).
    sa.Column("state", sa.String(8), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_alert_items_pending", "state", "saved_search_id"),
)
