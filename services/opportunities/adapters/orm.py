"""Tables of the opportunities service (its own database) and their mapping."""

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
)
