"""The volunteers service's own copies of other services' data, kept from their events.

Applications need the role (published? its questions and places), its organisation (who
may read the inbox; which Volunteer Centre an escalation goes to). Each service owns its
data, so these are copies, rebuilt from the organisations and opportunities topics.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.volunteers.adapters.orm import metadata

role_copies = sa.Table(
    "role_copies",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("snapshot", sa.JSON, nullable=False),
)

organisation_copies = sa.Table(
    "organisation_copies",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(30), nullable=False),
    sa.Column("moderation", sa.String(10), nullable=False),
    sa.Column("outward_code", sa.String(4), nullable=True),
    sa.Column("district_code", sa.String(9), nullable=True),
    # Volunteer Centres: {"outward_codes": [...], "districts": [...]}.
    sa.Column("catchment", sa.JSON, nullable=True),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("organisation_id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(64), primary_key=True, index=True),
    sa.Column("role", sa.String(10), nullable=False),
)
