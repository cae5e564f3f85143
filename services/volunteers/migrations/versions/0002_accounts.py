"""Accounts, one-time links (digests only), sessions, sign-in attempts and the mail outbox.

Revision ID: 0002
Revises: 0001

Spelled out rather than derived from adapters/orm.py: a migration is a frozen record of what
it created.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _big_id() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)


def _account_id(index: bool = False) -> sa.Column:
    return sa.Column(
        "account_id",
        sa.String(36),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=index,
    )


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("account_type", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("email_verified", sa.Boolean, nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_table(
        "account_tokens",
        sa.Column("digest", sa.String(64), primary_key=True),
        _account_id(),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
    )
    op.create_index("ix_account_tokens_expires_at", "account_tokens", ["expires_at"])
    op.create_index("ix_account_tokens_account", "account_tokens", ["account_id", "purpose"])
    op.create_table(
        "account_sessions",
        sa.Column("digest", sa.String(64), primary_key=True),
        _account_id(index=True),
        _when("created_at"),
        _when("expires_at"),
        _when("last_seen_at"),
    )
    op.create_index("ix_account_sessions_expires_at", "account_sessions", ["expires_at"])
    _create_attempts_and_mail()


def _create_attempts_and_mail() -> None:
    op.create_table(
        "auth_attempts",
        _big_id(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=True),
        sa.Column("ip", sa.String(45), nullable=True),
        sa.Column("outcome", sa.String(10), nullable=False),
        _when("at"),
    )
    op.create_index("ix_auth_attempts_at", "auth_attempts", ["at"])
    op.create_index("ix_auth_attempts_email", "auth_attempts", ["kind", "email_key", "id"])
    op.create_index("ix_auth_attempts_ip", "auth_attempts", ["kind", "ip", "at"])
    op.create_table(
        "outbox_mail",
        _big_id(),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("html", sa.Text, nullable=True),
        sa.Column("headers", sa.JSON, nullable=False),
        _when("created_at"),
        sa.Column("attempts", sa.Integer, nullable=False),
        _when("next_attempt_at"),
        _when("sent_at", nullable=True),
        _when("failed_at", nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
    )
    op.create_index("ix_outbox_mail_pending", "outbox_mail", ["next_attempt_at", "id"])


def downgrade() -> None:
    op.drop_table("outbox_mail")
    op.drop_table("auth_attempts")
    op.drop_table("account_sessions")
    op.drop_table("account_tokens")
    op.drop_table("accounts")
