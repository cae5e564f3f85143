"""Tables of the search service: plumbing and the projections it builds from events."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import plumbing_tables

metadata = sa.MetaData()
outbox, processed_events = plumbing_tables(metadata)

# Organisation names shown on search results, kept in step from the organisations topic.
organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(30), nullable=False),
    sa.Column("postcode", sa.String(10), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
