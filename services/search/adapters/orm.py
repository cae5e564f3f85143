"""Tables of the search service: plumbing and the projections it builds from events."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import plumbing_tables

metadata = sa.MetaData()
outbox, processed_events = plumbing_tables(metadata)

# Organisation names and moderation state, kept in step from the organisations topic.
organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(30), nullable=False),
    sa.Column("postcode", sa.String(10), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # approved | pending | rejected; v1 events had no moderation, which means approved.
    sa.Column("moderation", sa.String(10), nullable=False, server_default="approved"),
)

# The latest snapshot of every role, from the opportunities topic: what the index is built
# from when an organisation changes (rename, approval) and by `reindex --from projection`.
opportunities = sa.Table(
    "opportunities",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("snapshot", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Roles to match against saved searches: the indexer adds one in the same transaction as it
# makes the role searchable; the percolation job takes them off in its own time, so alerts
# never slow indexing down. One row per role: a role changed twice is matched once.
percolation_queue = sa.Table(
    "percolation_queue",
    metadata,
    sa.Column("opportunity_id", sa.String(36), primary_key=True),
    sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False, index=True),
)
