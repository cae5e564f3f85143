"""Provenance of imported roles (migration 0004) and the look-ups a bulk import needs.

The provenance columns are read and written only here, through a light table of their
own, so the role repository and its domain objects stay as they were.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.envelope import to_jsonable
from services.common.outbox import RememberedProcessor, insert_many, sqlite_insert_sql
from services.opportunities.adapters.opportunity_repository import new_row
from services.opportunities.adapters.orm import opportunities, organisation_members, organisations
from services.opportunities.adapters.repository import _columns as organisation_columns
from services.opportunities.domain.details import CODED_FIELDS, Details, plain_value
from services.opportunities.domain.importing import compact_postcode, normalise
from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.organisation import Organisation

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

# A new imported role's row and its provenance, inserted together (names and types only: the
# table is the real one, this is just a statement's view of it).
_new_roles = sa.Table(
    "opportunities",
    sa.MetaData(),
    *(sa.Column(c.name, c.type) for c in opportunities.columns),
    *(sa.Column(c.name, c.type) for c in provenance.columns if c.name not in opportunities.c),
    sa.Column("change_number", sa.BigInteger),  # reserved by the import (migration 0005)
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
WAL_PAGES = 10_000  # about 40 MB of log between checkpoints during an import
_RESERVE = sa.text(
    "UPDATE open_data_sequence SET value = value + :count WHERE id = 1 RETURNING value"
)
_JSON_COLUMNS = frozenset(c.name for c in opportunities.columns if isinstance(c.type, sa.JSON))


@dataclass
class Pending:
    """Provenance rows of one batch, written together at its end."""

    new_links: list[dict[str, Any]] = field(default_factory=list)
    changed_links: list[dict[str, Any]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)  # b_id and _FIRST, see add_roles
    touched: list[dict[str, Any]] = field(default_factory=list)  # b_id, imported_at


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def bulk_writes(self) -> None:
        """Let the write-ahead log grow further between checkpoints on this connection
        (SQLite; pages in 4 KiB, default 1,000). A batch rewrites the same index pages as the
        last one, and each checkpoint copies them back into the database with an fsync: at
        the default nearly every commit did, half of the commits' time. The setting stays
        with the pooled connection, which only the import command's own process uses."""
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")

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

    def add_organisations(self, orgs: Iterable[Organisation]) -> None:
        """New organisations and their members in one executemany each: the repository's
        ``add`` builds a statement per organisation (``.values``), compiled every time, which
        cost an import with an organisation per ten roles about 8 % of its time."""
        orgs = list(orgs)
        if not orgs:
            return
        self.session.execute(
            organisations.insert(), [{"id": o.id, **organisation_columns(o)} for o in orgs]
        )
        members = [
            {"organisation_id": o.id, "account_id": account, "role": role.value}
            for o in orgs
            for account, role in o.members.items()
        ]
        if members:
            self.session.execute(organisation_members.insert(), members)

    def add_roles(self, roles: Iterable[Opportunity], origins: Iterable[Mapping[str, Any]]) -> None:
        """New roles with their provenance (``origins``: b_id and the first source's columns)
        in one executemany. Inserting and then updating the provenance cost a statement per
        role and, through the open-data trigger, a second change number."""
        first = {o["b_id"]: {c: o[c] for c in _FIRST} for o in origins}
        roles = list(roles)
        if not roles:
            return
        number = self._reserve(len(roles))
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            writer = sqlite_role_rows(connection.dialect)
            connection.exec_driver_sql(writer.insert, writer.rows(roles, first, number))
        else:  # PostgreSQL: SQLAlchemy's own binding (JSON columns, psycopg's types)
            rows = [
                new_row(r) | first[r.id] | {"change_number": number + n}
                for n, r in enumerate(roles)
            ]
            self.session.execute(_new_roles.insert(), rows)

    def _reserve(self, count: int) -> int:
        """The first of ``count`` open-data change numbers taken from the counter for rows
        about to be inserted. The insert trigger would take them one at a time, with two
        more writes a row (migration 0005); the counter stays locked until commit, so the
        numbers still become visible in order."""
        last = self.session.execute(_RESERVE, {"count": count}).scalar_one()
        return int(last) - count + 1

    def write(self, pending: Pending) -> None:
        """A batch's provenance in a few statements (executemany) rather than several a role."""
        t, p = import_records, provenance
        if pending.new_links:
            insert_many(self.session, t, pending.new_links)
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
        # pending.created went in with the roles' rows (add_roles).
        if pending.touched:
            statement = p.update().where(p.c.id == sa.bindparam("b_id"))
            statement = statement.values(imported_at=sa.bindparam("imported_at"))
            self.session.execute(statement, pending.touched)

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


class SqliteRoleRows:
    """New roles' rows as SQLite stores them, for an executemany with no SQLAlchemy per value.

    SQLAlchemy runs a bind processor per value of every row (JSON columns: ``to_jsonable``
    then ``json.dumps``), which cost a bulk import a fifth of its time. Here each column's
    processor is the dialect's own, so the stored text is the same
    (tests/unit/opportunities/test_import_role_rows.py reads both back), but it runs once per
    distinct value: a batch's roles share their times (``uow.now``) and flags, and an
    import's roles the same few code lists (remembered across batches, a bounded number).
    """

    def __init__(self, dialect: sa.Dialect) -> None:
        # Columns in the order ``rows`` reads them: the role's details, the role, provenance.
        names = (*_DETAILS, *_ROLE, *_FIRST, "change_number")
        assert sorted(names) == sorted(c.name for c in _new_roles.columns)
        self.insert = sqlite_insert_sql(dialect, _new_roles, names)
        self.json: list[tuple[int, _JsonText]] = []
        self.other: list[tuple[int, Callable[[Any], Any]]] = []
        for index, name in enumerate(names):
            process = _new_roles.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if name in _JSON_COLUMNS:
                assert process is not None
                self.json.append((index, _JsonText(process, name in CODED_FIELDS)))
            elif process is not None:
                self.other.append((index, process))

    def rows(
        self, roles: Iterable[Opportunity], first: Mapping[str, Mapping[str, Any]], number: int
    ) -> list[tuple[Any, ...]]:
        """``new_row(role) | first[role.id]`` of each role, as parameters of ``insert``, with
        change numbers from ``number`` on."""
        # Times are remembered by object, so only for this batch (which keeps them alive).
        batch = [(index, RememberedProcessor(process)) for index, process in self.other]
        converters: list[tuple[int, Callable[[Any], Any]]] = [*self.json, *batch]
        return [_row(role, first[role.id], number + n, converters) for n, role in enumerate(roles)]


def _row(
    role: Opportunity,
    first: Mapping[str, Any],
    number: int,
    converters: list[tuple[int, Callable[[Any], Any]]],
) -> tuple[Any, ...]:
    row = [*_details_of(role.details), *_role_of(role), *[first[name] for name in _FIRST], number]
    row[_COMMITMENT] = role.details.commitment.value
    row[_STATUS] = role.status.value
    for index, convert in converters:
        row[index] = convert(row[index])
    return tuple(row)


@functools.lru_cache(maxsize=8)  # one a database (engine) in use; tests make many
def sqlite_role_rows(dialect: sa.Dialect) -> SqliteRoleRows:
    return SqliteRoleRows(dialect)


# What ``new_row`` takes from a role, as attribute getters (one C call for each group).
_DETAILS = tuple(Details.__dataclass_fields__)
_ROLE = ("id", "organisation_id", "status", "revision", "published_at", "created_at",
         "updated_at", "confirmed_at")  # fmt: skip
_details_of = operator.attrgetter(*_DETAILS)
_role_of = operator.attrgetter(*_ROLE)
_COMMITMENT = _DETAILS.index("commitment")
_STATUS = len(_DETAILS) + _ROLE.index("status")


class _JsonText:
    """A JSON column's text from the Details' value (``new_row`` stores
    ``to_jsonable(plain_value(value))``), remembered for coded lists and empty tuples:
    codes are checked to be text, so equal tuples give equal JSON."""

    LIMIT = 10_000  # texts remembered at most: a file's code lists are a few hundred

    def __init__(self, process: Callable[[Any], Any], coded: bool) -> None:
        self.process = process
        self.coded = coded
        self.seen: dict[tuple[str, ...], Any] = {}

    def __call__(self, value: Any) -> Any:
        remember = type(value) is tuple and (self.coded or not value)
        if not remember:
            return self._text(value)
        text = self.seen.get(value)
        if text is None:
            if len(self.seen) >= self.LIMIT:
                self.seen.clear()
            text = self.seen[value] = self._text(value)
        return text

    def _text(self, value: Any) -> Any:
        return self.process(to_jsonable(plain_value(value)))
