"""Provenance of imported roles (migration 0004) and the look-ups a bulk import needs.

The provenance columns are read and written only here, through a light table of their
own, so the role repository and its domain objects stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.opportunities.adapters.orm import organisations
from services.opportunities.domain.importing import compact_postcode, normalise

_meta = sa.MetaData()
import_records = sa.Table(
    "import_records",
    _meta,
    sa.Column("source", sa.String(100), primary_key=True),
    sa.Column("source_id", sa.String(300), primary_key=True),
    sa.Column("opportunity_id", sa.String(36), nullable=False),
    sa.Column("record_hash", sa.String(64), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
)
provenance = sa.Table(
    "opportunities",
    _meta,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(10)),
    sa.Column("source", sa.String(100)),
    sa.Column("source_id", sa.String(300)),
    sa.Column("imported_at", sa.DateTime(timezone=True)),
    sa.Column("merge_key", sa.String(400)),
)


@dataclass(frozen=True)
class Link:
    opportunity_id: str
    record_hash: str


@dataclass(frozen=True)
class Provenance:
    source: str | None
    source_id: str | None
    imported_at: dt.datetime | None
    merge_key: str | None
    sources: tuple[tuple[str, str], ...]  # every (source, source id) merged into the role


_FIRST = ("source", "source_id", "merge_key", "imported_at")


@dataclass
class Pending:
    """Provenance rows of one batch, written together at its end."""

    new_links: list[dict[str, Any]] = field(default_factory=list)
    changed_links: list[dict[str, Any]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)  # b_id and _FIRST
    touched: list[dict[str, Any]] = field(default_factory=list)  # b_id, imported_at


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def links(self, source: str, source_ids: Iterable[str]) -> dict[str, Link]:
        t = import_records
        query = sa.select(t.c.source_id, t.c.opportunity_id, t.c.record_hash).where(
            t.c.source == source, t.c.source_id.in_(sorted(set(source_ids)))
        )
        return {
            r.source_id: Link(r.opportunity_id, r.record_hash) for r in self.session.execute(query)
        }

    def merge_keys(self) -> dict[str, str]:
        """Imported roles not deleted, by merge key (API-created roles are never merged into)."""
        t = provenance
        query = sa.select(t.c.merge_key, t.c.id).where(
            t.c.merge_key.is_not(None), t.c.status != "deleted"
        )
        return {r.merge_key: r.id for r in self.session.execute(query.order_by(t.c.id))}

    def organisation_keys(self) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
        """Every organisation by charity number, and by (normalised name, compact postcode)."""
        o = organisations
        by_number: dict[str, str] = {}
        by_name: dict[tuple[str, str], str] = {}
        query = sa.select(o.c.id, o.c.name, o.c.postcode, o.c.charity_number).order_by(o.c.id)
        for row in self.session.execute(query):
            if row.charity_number:
                by_number.setdefault(row.charity_number, row.id)
            by_name.setdefault((normalise(row.name), compact_postcode(row.postcode)), row.id)
        return by_number, by_name

    def write(self, pending: Pending) -> None:
        """A batch's provenance in a few statements (executemany) rather than several a role."""
        t, p = import_records, provenance
        if pending.new_links:
            self.session.execute(t.insert(), pending.new_links)
        if pending.changed_links:
            where = (t.c.source == sa.bindparam("b_source")) & (
                t.c.source_id == sa.bindparam("b_source_id")
            )
            self.session.execute(
                t.update()
                .where(where)
                .values(
                    opportunity_id=sa.bindparam("opportunity_id"),
                    record_hash=sa.bindparam("record_hash"),
                    imported_at=sa.bindparam("imported_at"),
                ),
                [
                    {"b_source": r["source"], "b_source_id": r["source_id"], **r}
                    for r in pending.changed_links
                ],
            )
        for rows, columns in ((pending.created, _FIRST), (pending.touched, ("imported_at",))):
            if rows:
                values: dict[str, Any] = {c: sa.bindparam(c) for c in columns}
                statement = p.update().where(p.c.id == sa.bindparam("b_id")).values(values)
                self.session.execute(statement, rows)

    def provenance(self, opportunity_id: str) -> Provenance | None:
        t = provenance
        row = self.session.execute(sa.select(t).where(t.c.id == opportunity_id)).first()
        if row is None:
            return None
        r = import_records
        sources = self.session.execute(
            sa.select(r.c.source, r.c.source_id)
            .where(r.c.opportunity_id == opportunity_id)
            .order_by(r.c.imported_at, r.c.source)
        ).all()
        return Provenance(
            row.source,
            row.source_id,
            row.imported_at,
            row.merge_key,
            tuple((s.source, s.source_id) for s in sources),
        )
