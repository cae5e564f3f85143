"""Saved searches for alerts (the SQL percolator's tables) and the queue of roles to match.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KINDS = ("causes", "skills", "commitment", "available", "organisation_ids", "accessibility",
         "exclude_requirements")  # fmt: skip
FLAGS = [f"by_{kind}" for kind in KINDS]


def upgrade() -> None:
    op.create_table(
        "percolator_searches",
        sa.Column("no", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("everywhere", sa.Boolean, nullable=False),
        sa.Column("remote", sa.String(8), nullable=False),
        sa.Column("age", sa.Integer),
        sa.Column("starts_before", sa.Date),
        sa.Column("ends_after", sa.Date),
        *(sa.Column(flag, sa.Boolean, nullable=False) for flag in FLAGS),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "percolator_searches_filters",
        "percolator_searches",
        ["everywhere", "remote", "age", "starts_before", "ends_after", *FLAGS],
    )
    op.create_table(
        "percolator_queries",
        sa.Column(
            "search_no", sa.Integer, sa.ForeignKey("percolator_searches.no"), primary_key=True
        ),
        sa.Column("query_json", sa.Text, nullable=False),
    )
    op.create_table(
        "percolator_cells",
        sa.Column("cell", sa.Integer, primary_key=True),
        sa.Column(
            "search_no", sa.Integer, sa.ForeignKey("percolator_searches.no"), primary_key=True
        ),
        sa.Column("min_lat", sa.Float, nullable=False),
        sa.Column("max_lat", sa.Float, nullable=False),
        sa.Column("min_lon", sa.Float, nullable=False),
        sa.Column("max_lon", sa.Float, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("percolator_cells_by_search", "percolator_cells", ["search_no"])
    op.create_table(
        "percolator_codes",
        sa.Column("kind", sa.String(24), primary_key=True),
        sa.Column("code", sa.String(200), primary_key=True),
        sa.Column(
            "search_no", sa.Integer, sa.ForeignKey("percolator_searches.no"), primary_key=True
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("percolator_codes_by_search", "percolator_codes", ["search_no"])
    op.create_table(
        "percolation_queue",
        sa.Column("opportunity_id", sa.String(36), primary_key=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_percolation_queue_queued_at", "percolation_queue", ["queued_at"])


def downgrade() -> None:
    op.drop_table("percolation_queue")
    for table in ("percolator_codes", "percolator_cells", "percolator_queries"):
        op.drop_table(table)
    op.drop_table("percolator_searches")
