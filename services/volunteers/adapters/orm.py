"""Tables of the volunteers service (its own database). Migrations create them."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import plumbing_tables
from services.common.mail import mail_outbox_table

metadata = sa.MetaData()
outbox, processed_events = plumbing_tables(metadata)

# 0002: accounts, their one-time links and sessions, sign-in attempts, the mail outbox.
accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
    # The address case-folded: "Jane@x.org" and "jane@x.org" are one account.
    sa.Column("email_key", sa.String(254), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("account_type", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("email_verified", sa.Boolean, nullable=False),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

account_tokens = sa.Table(
    "account_tokens",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),  # SHA-256 of the emailed secret
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),  # the address it verifies
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_account_tokens_account", "account_id", "purpose"),
)

account_sessions = sa.Table(
    "account_sessions",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),  # SHA-256 of the cookie's value
    sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
)

# Sign-in (and reset, registration) attempts, kept a day: lockouts and per-IP limits are
# counted here so that they hold across gunicorn workers and processes.
auth_attempts = sa.Table(
    "auth_attempts",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("email_key", sa.String(254), nullable=True),
    sa.Column("ip", sa.String(45), nullable=True),
    sa.Column("outcome", sa.String(10), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Index("ix_auth_attempts_email", "kind", "email_key", "id"),
    sa.Index("ix_auth_attempts_ip", "kind", "ip", "at"),
)

outbox_mail = mail_outbox_table(metadata)
