"""Tables of micro-volunteering: who is free when and where, their wallet of checks and
training, tasks and their bookings, hours given; and copies of organisations and roles.

Times are stored in UTC; availability windows as minutes since UK local midnight.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.availability.adapters.orm import metadata

_TS = sa.DateTime(timezone=True)

# A volunteer's micro-volunteering settings. ``reach_*`` is the box of points within their
# travel distance (a prefilter: the exact distance is checked after it).
micro_volunteers = sa.Table(
    "micro_volunteers",
    metadata,
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("postcode", sa.String(8), nullable=False),
    sa.Column("latitude", sa.Float, nullable=False),
    sa.Column("longitude", sa.Float, nullable=False),
    sa.Column("travel_km", sa.Float, nullable=False),
    sa.Column("task_types", sa.JSON, nullable=False),
    sa.Column("paused", sa.Boolean, nullable=False),
    sa.Column("date_of_birth", sa.Date, nullable=False),
    sa.Column("reach_min_lat", sa.Float, nullable=False),
    sa.Column("reach_max_lat", sa.Float, nullable=False),
    sa.Column("reach_min_lon", sa.Float, nullable=False),
    sa.Column("reach_max_lon", sa.Float, nullable=False),
    # Bumped by every accept: the row lock serialises one volunteer's accepts, so two
    # overlapping tasks accepted at once cannot both be kept.
    sa.Column("lock_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Index("ix_micro_volunteers_reach_lat", "reach_min_lat", "reach_max_lat"),
)

availability_windows = sa.Table(
    "availability_windows",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("weekday", sa.SmallInteger, nullable=True),  # 0 = Monday; NULL for one-off
    sa.Column("on_date", sa.Date, nullable=True),  # one-off windows only
    sa.Column("start_minute", sa.SmallInteger, nullable=False),
    sa.Column("end_minute", sa.SmallInteger, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=True),
    sa.Column("valid_until", sa.Date, nullable=True),
    # Covering indexes for matching: "windows on this weekday (date) that start early enough
    # and end late enough", answered from the index alone (p95 141 -> 72 ms at 100k people).
    sa.Index(
        "ix_availability_windows_weekly_fit", "weekday", "start_minute", "end_minute", "account_id"
    ),
    sa.Index(
        "ix_availability_windows_one_off_fit", "on_date", "start_minute", "end_minute", "account_id"
    ),
)

credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(12), nullable=False),  # dbs | training | requirement
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("obtained_on", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date, nullable=True),
    sa.Column("dbs_level", sa.String(10), nullable=True),
    sa.Column("dbs_workforce", sa.String(6), nullable=True),
    sa.Column("update_service", sa.Boolean, nullable=False, server_default=sa.false()),
    # Who verified it: an organisation or Volunteer Centre (and the person acting for it).
    sa.Column("verified_by_organisation", sa.String(36), nullable=True),
    sa.Column("verified_by", sa.String(64), nullable=True),
    sa.Column("verified_at", _TS, nullable=True),
    sa.Column("reminded_at", _TS, nullable=True),  # the 30-day expiry reminder
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Index("ix_credentials_expires_on", "expires_on"),
)

# Organisations a volunteer lets see their credentials.
credential_shares = sa.Table(
    "credential_shares",
    metadata,
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("organisation_id", sa.String(36), primary_key=True, index=True),
    sa.Column("granted_at", _TS, nullable=False),
)

microtasks = sa.Table(
    "microtasks",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("task_type", sa.String(40), nullable=False),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("remote", sa.Boolean, nullable=False),
    sa.Column("postcode", sa.String(8), nullable=True),
    sa.Column("latitude", sa.Float, nullable=True),
    sa.Column("longitude", sa.Float, nullable=True),
    sa.Column("starts_at", _TS, nullable=False),
    sa.Column("ends_at", _TS, nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("needs", sa.JSON, nullable=False),
    sa.Column("volunteers_needed", sa.Integer, nullable=False),
    sa.Column("accepted_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("min_age", sa.Integer, nullable=False),
    # The coordinator's own reference for the person helped (never a name): continuity.
    sa.Column("person_ref", sa.String(64), nullable=True),
    sa.Column("offers_per_round", sa.Integer, nullable=False),
    sa.Column("offer_minutes", sa.Integer, nullable=False),
    sa.Column("round", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_round_at", _TS, nullable=True),  # when the current offers lapse
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("posted_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Index("ix_microtasks_open_rounds", "status", "next_round_at"),
    sa.Index("ix_microtasks_status_starts", "status", "starts_at"),
)

bookings = sa.Table(
    "bookings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("task_id", sa.String(36), nullable=False, index=True),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("reasons", sa.JSON, nullable=False),
    # Copied from the task: overlap checks and continuity read bookings alone.
    sa.Column("starts_at", _TS, nullable=False),
    sa.Column("ends_at", _TS, nullable=False),
    sa.Column("person_ref", sa.String(64), nullable=True),
    sa.Column("offered_at", _TS, nullable=False),
    sa.Column("expires_at", _TS, nullable=False),
    sa.Column("responded_at", _TS, nullable=True),
    sa.Column("lapse_reason", sa.String(10), nullable=True),  # expired | filled | cancelled
    sa.Column("attendance_at", _TS, nullable=True),
    sa.UniqueConstraint("task_id", "account_id", name="uq_bookings_task_account"),
    sa.Index("ix_bookings_account_status", "account_id", "status", "starts_at"),
)

hours = sa.Table(
    "hours",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("source", sa.String(6), nullable=False),  # task | role
    sa.Column("task_id", sa.String(36), nullable=True),
    # One record per booking: confirming twice cannot count the hours twice.
    sa.Column("booking_id", sa.String(36), nullable=True, unique=True),
    sa.Column("opportunity_id", sa.String(36), nullable=True),
    sa.Column("worked_on", sa.Date, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # reported | approved | rejected
    sa.Column("reported_by", sa.String(64), nullable=False),
    sa.Column("reported_at", _TS, nullable=False),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("decided_at", _TS, nullable=True),
    sa.Column("note", sa.String(500), nullable=False, server_default=""),
    sa.Column("reason", sa.String(500), nullable=True),
)

# Copies of other services' data, kept from their events.
organisation_copies = sa.Table(
    "organisation_copies",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(30), nullable=False),
    sa.Column("moderation", sa.String(10), nullable=False),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("organisation_id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(64), primary_key=True, index=True),
    sa.Column("role", sa.String(10), nullable=False),
)

role_copies = sa.Table(
    "role_copies",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
)
