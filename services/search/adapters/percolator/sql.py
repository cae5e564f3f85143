"""Saved searches in SQL (SQLite or PostgreSQL), matched against one new role at a time.

Elasticsearch's percolator is not available to us (no 8.x module on Maven Central), and
evaluating 100,000 saved searches in Python per role is too slow, so this keeps its own
index and lets SQL pick candidates, which the pure ``percolate.matches`` then decides:

- place: the grid cells each circle's bounding box touches, at the finest level (0.1
  degrees, doubling) where they are at most ``MAX_CELLS``: a role's locations find nearby
  searches by equality on ``percolator_cells``; searches without an origin (or too big a
  box) are ``everywhere``; remote roles also take every search but ``remote=exclude``;
- every other filter but text is decided exactly in SQL: any-of codes through
  ``percolator_codes`` (kind, code) with one flag per kind saying the search uses it,
  all-of accessibility and excluded requirements by anti-join, age and dates by column.

The SQL only narrows: what it keeps is decided by ``matches``, the one definition, so a
too-generous prefilter costs time, never correctness. Parsed queries are cached by row
number, never reused (a replaced search gets a new one): a popular area's searches are
candidates for most of its roles, so SQL returns just their numbers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.common.geo.distance import EARTH_RADIUS_KM
from services.search.adapters.percolator import TextMatcher
from services.search.domain.documents import GeoPoint, RoleDocument
from services.search.domain.percolate import (
    SET_FILTERS,
    TextMatch,
    matches,
    query_from_json,
    query_to_json,
)
from services.search.domain.query import RemoteMode, SearchQuery

BASE_CELL_DEGREES = 0.1
LEVELS = 8  # 0.1 to 12.8 degrees: a 200 km circle fits in a few cells of the coarsest
MAX_CELLS = 6  # per search: more rows and fewer candidates, or the reverse
_CHUNK = 500  # bound parameters per IN (...) list
_FLAGS = {kind: f"by_{kind}" for kind in SET_FILTERS}
_FILTERED = ("everywhere", "remote", "age", "starts_before", "ends_after")

T = TypeVar("T")
# The day cached queries are parsed for. Expiry is the one filter that depends on the day
# rather than the search, and match() applies it to the role first (nothing matches a role
# closed before today), so the queries can be parsed once for good, for the earliest day,
# for which the expiry test in ``matches`` then always passes.
_ANY_DAY = dt.date.min

metadata = sa.MetaData()

searches = sa.Table(
    "percolator_searches",
    metadata,
    # Other tables refer to this number, not the id: integer joins are the fast ones. Never
    # reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL): it keys the parse cache.
    sa.Column("no", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    # No origin, or a circle too large for the grid: a candidate wherever the role is.
    sa.Column("everywhere", sa.Boolean, nullable=False),
    sa.Column("remote", sa.String(8), nullable=False),
    sa.Column("age", sa.Integer),
    sa.Column("starts_before", sa.Date),
    sa.Column("ends_after", sa.Date),
    # Whether the search filters by that kind (its codes are in percolator_codes): lets SQL
    # skip the code lookups for the many searches that do not.
    *(sa.Column(flag, sa.Boolean, nullable=False) for flag in _FLAGS.values()),
    # Every column the candidate queries test: the everywhere searches (a candidate for
    # every role) are one contiguous run of it, read without visiting the table.
    sa.Index("percolator_searches_filters", *_FILTERED, *_FLAGS.values()),
    sqlite_autoincrement=True,
)


def _search_no() -> sa.Column[int]:
    return sa.Column("search_no", sa.ForeignKey(searches.c.no), primary_key=True)


# The saved query's filters as JSON (query_to_json), read only to parse a query the cache
# lacks: in a table of its own, it leaves the rows every match reads several times smaller.
queries = sa.Table(
    "percolator_queries",
    metadata,
    _search_no(),
    sa.Column("query_json", sa.Text, nullable=False),
)

# Each cell a search's bounding box touches, with that box (slightly enlarged): a role's
# cells find the rows, and the box drops most of them before any join.
cells = sa.Table(
    "percolator_cells",
    metadata,
    sa.Column("cell", sa.Integer, primary_key=True),
    _search_no(),
    sa.Column("min_lat", sa.Float, nullable=False),
    sa.Column("max_lat", sa.Float, nullable=False),
    sa.Column("min_lon", sa.Float, nullable=False),
    sa.Column("max_lon", sa.Float, nullable=False),
    sa.Index("percolator_cells_by_search", "search_no"),
    sqlite_with_rowid=False,
)

codes = sa.Table(
    "percolator_codes",
    metadata,
    # A SearchQuery field name (causes, accessibility, exclude_requirements, ...).
    sa.Column("kind", sa.String(24), primary_key=True),
    sa.Column("code", sa.String(200), primary_key=True),
    _search_no(),
    sa.Index("percolator_codes_by_search", "search_no"),
    sqlite_with_rowid=False,
)

# What parsing a saved search reads.
_SAVED = sa.select(searches.c.no, searches.c.id, queries.c.query_json).join(
    queries, queries.c.search_no == searches.c.no
)


class SqlPercolator:
    """Saved searches (id -> SearchQuery) and which of them a role newly appears in.

    The tables are in ``metadata`` (migrations create them). Thread-safe; the cache of
    parsed queries holds up to ``cache_size`` of them (about 1 kB each).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        synonyms: Sequence[str] = (),
        text_match: TextMatch | None = None,
        cache_size: int = 200_000,
    ) -> None:
        self.engine = engine
        self.text_match = text_match or TextMatcher.from_rules(synonyms)
        self._cache: dict[int, tuple[str, SearchQuery]] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    # --- writes ---------------------------------------------------------------------------

    def add(self, saved_search_id: str, query: SearchQuery, conn: Connection | None = None) -> None:
        """Store (or replace) one saved search; ``query.today`` is ignored."""
        self.add_many([(saved_search_id, query)], conn)

    def add_many(
        self, items: Iterable[tuple[str, SearchQuery]], conn: Connection | None = None
    ) -> None:
        """Store (or replace) many in one transaction: what an import or a backfill wants.

        Every method takes an optional ``conn``: the caller's transaction (a consumer's), so
        the change commits with the event that asked for it; else one of its own."""
        latest = dict(items)  # a repeated id: the last one wins, as with add() in turn
        if not latest:
            return
        texts = {sid: json.dumps(query_to_json(query)) for sid, query in latest.items()}
        rows = {sid: _search_row(sid, query) for sid, query in latest.items()}
        with self._begin(conn) as conn:
            _delete(conn, list(latest))
            inserted = conn.execute(
                searches.insert().returning(searches.c.id, searches.c.no),
                [row for row, _box, _keys in rows.values()],
            )
            numbers = {sid: no for sid, no in inserted}
            new: dict[sa.Table, list[dict[str, Any]]] = {queries: [], cells: [], codes: []}
            for sid, query in latest.items():
                no, (_row, box, keys) = numbers[sid], rows[sid]
                new[queries].append({"search_no": no, "query_json": texts[sid]})
                new[cells] += [{"cell": key, "search_no": no, **box} for key in keys]
                new[codes] += [
                    {"kind": kind, "code": code, "search_no": no}
                    for kind in SET_FILTERS
                    for code in sorted(getattr(query, kind))
                ]
            for table, table_rows in new.items():
                if table_rows:
                    conn.execute(table.insert(), table_rows)

    def remove(self, saved_search_id: str, conn: Connection | None = None) -> None:
        """Forget a saved search (nothing happens if there is none by that id)."""
        # Its cached parse is never a candidate again: its row number is gone for good.
        with self._begin(conn) as conn:
            _delete(conn, [saved_search_id])

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(searches)).scalar_one())

    # --- reads ----------------------------------------------------------------------------

    def match(self, doc: RoleDocument, today: dt.date, conn: Connection | None = None) -> set[str]:
        """Ids of the saved searches whose results ``doc`` is in, on ``today``."""
        if doc.closes_on is not None and doc.closes_on < today:
            return set()  # in no search's results; cached queries rely on this (_ANY_DAY)
        with self._connect(conn) as conn:
            numbers: set[int] = set()
            for statement in candidate_queries(doc):
                # One comma-separated string: the driver's cost per row was most of the time.
                listed = conn.execute(statement).scalar_one()
                numbers.update(map(int, listed.split(",")) if listed else ())
            found = self._queries(conn, numbers)
        return {sid for sid, query in found if matches(query, doc, self.text_match)}

    @contextlib.contextmanager
    def _begin(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
        else:
            with self.engine.begin() as own:
                yield own

    @contextlib.contextmanager
    def _connect(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
        else:
            with self.engine.connect() as own:
                yield own

    def preload(self) -> int:
        """Parse every saved search into the cache, e.g. as a consumer starts, so that its
        first roles match as fast as later ones. Returns how many there are."""
        with self.engine.connect() as conn:
            return len(self._parse(conn, _SAVED.execution_options(yield_per=5000)))

    def _queries(self, conn: Connection, numbers: set[int]) -> list[tuple[str, SearchQuery]]:
        found = []
        missing = []
        for no in numbers:
            cached = self._cache.get(no)
            if cached is None:
                missing.append(no)
            else:
                found.append(cached)  # no new objects: a match should leave nothing for the GC
        for chunk in _chunks(missing):
            found += self._parse(conn, _SAVED.where(searches.c.no.in_(chunk)))
        return found

    def _parse(self, conn: Connection, select: sa.Select[Any]) -> list[tuple[str, SearchQuery]]:
        parsed = []
        for no, sid, text in conn.execute(select):
            parsed.append((sid, query_from_json(json.loads(text), _ANY_DAY)))
            with self._lock:
                self._cache.pop(no, None)
                while len(self._cache) >= self._cache_size:
                    self._cache.pop(next(iter(self._cache)))  # the oldest entry
                self._cache[no] = parsed[-1]
        return parsed


# --- candidates -----------------------------------------------------------------------------


def candidate_queries(doc: RoleDocument) -> Iterator[sa.Select[Any]]:
    """SELECTs of one string, row numbers with commas between, whose union holds every
    saved search ``doc`` may match."""
    exact = _exact_filters(doc)
    listed = sa.select(sa.func.aggregate_strings(sa.cast(searches.c.no, sa.String), ","))
    yield listed.where(searches.c.everywhere, *exact)
    if doc.remote:
        # Remote roles match searches at any distance unless excluded. Most searches then
        # qualify, so this reads the whole table (the everywhere ones again: harmless).
        yield listed.where(searches.c.remote != RemoteMode.EXCLUDE.value, *exact)
    if doc.locations:
        keys = sorted({key for p in doc.locations for key in point_cells(p)})
        in_box = sa.or_(
            *(
                sa.and_(
                    cells.c.min_lat <= p.latitude,
                    cells.c.max_lat >= p.latitude,
                    cells.c.min_lon <= p.longitude,
                    cells.c.max_lon >= p.longitude,
                )
                for p in doc.locations
            )
        )
        yield (
            listed.select_from(cells.join(searches, searches.c.no == cells.c.search_no)).where(
                cells.c.cell.in_(keys), in_box, *exact
            )
        )


def _exact_filters(doc: RoleDocument) -> list[sa.ColumnElement[bool]]:
    """Every filter SQL can decide on its own, as the contract states it."""
    s = searches.c
    where: list[sa.ColumnElement[bool]] = []
    if not doc.remote:
        where.append(s.remote != RemoteMode.ONLY.value)
    if not doc.locations:
        where.append(s.remote != RemoteMode.EXCLUDE.value)
    offered = {
        "causes": doc.causes,
        "skills": doc.skills,
        "commitment": (doc.commitment,),
        "available": doc.sessions,
        "organisation_ids": (doc.organisation_id,),
    }
    for kind, values in offered.items():
        unused = sa.not_(s[_FLAGS[kind]])
        where.append(sa.or_(unused, s.no.in_(_with_code(kind, values))) if values else unused)
    # All-of: no wanted feature the role lacks. None of the excluded requirements.
    lacks = _with_code("accessibility", doc.accessibility, negate=True)
    where.append(sa.or_(sa.not_(s.by_accessibility), s.no.not_in(lacks)))
    if doc.requirements:
        needs = _with_code("exclude_requirements", doc.requirements)
        where.append(sa.or_(sa.not_(s.by_exclude_requirements), s.no.not_in(needs)))
    if doc.minimum_age is not None:
        where.append(sa.or_(s.age.is_(None), s.age >= doc.minimum_age))
    if doc.maximum_age is not None:
        where.append(sa.or_(s.age.is_(None), s.age <= doc.maximum_age))
    if doc.starts_on is not None:
        where.append(sa.or_(s.starts_before.is_(None), s.starts_before >= doc.starts_on))
    if doc.ends_on is not None:
        where.append(sa.or_(s.ends_after.is_(None), s.ends_after <= doc.ends_on))
    return where


def _with_code(kind: str, values: Iterable[str], negate: bool = False) -> sa.Select[Any]:
    """Searches with a ``kind`` code among ``values`` (or, negated, outside them)."""
    wanted = sorted(set(values))
    query = sa.select(codes.c.search_no).where(codes.c.kind == kind)
    if negate:
        return query.where(codes.c.code.not_in(wanted)) if wanted else query
    return query.where(codes.c.code.in_(wanted))


# --- the grid -------------------------------------------------------------------------------


def _size(level: int) -> float:
    return BASE_CELL_DEGREES * 2**level


def _key(level: int, row: int, column: int) -> int:
    # Rows from -900 and columns from -1800 (at 0.1 degrees) fit in four digits each.
    return level * 10**8 + (row + 1000) * 10**4 + (column + 2000)


def point_cells(point: GeoPoint) -> list[int]:
    """The cell holding ``point`` at every level."""
    return [
        _key(level, math.floor(point.latitude / size), math.floor(point.longitude / size))
        for level, size in ((level, _size(level)) for level in range(LEVELS))
    ]


def box_cells(box: tuple[float, float, float, float]) -> list[int] | None:
    """Every cell the box touches at the finest level where they are at most MAX_CELLS."""
    min_lat, max_lat, min_lon, max_lon = box
    for level in range(LEVELS):
        size = _size(level)
        # The same floor() as point_cells: a point inside the box lands in one of these.
        rows = range(math.floor(min_lat / size), math.floor(max_lat / size) + 1)
        columns = range(math.floor(min_lon / size), math.floor(max_lon / size) + 1)
        if len(rows) * len(columns) <= MAX_CELLS:
            return [_key(level, row, column) for row in rows for column in columns]
    return None


def bounding_box(origin: GeoPoint, radius_km: float) -> tuple[float, float, float, float] | None:
    """(min_lat, max_lat, min_lon, max_lon) holding the circle, with slack for rounding;
    None when it reaches a pole or crosses the antimeridian (never in the UK)."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM) * 1.001 + 1e-6
    widest = abs(origin.latitude) + dlat
    if widest >= 89.9:
        return None
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(widest))))
    dlon = dlon * 1.001 + 1e-6
    lat, lon = origin.latitude, origin.longitude
    if lon - dlon < -180 or lon + dlon > 180:
        return None
    return (lat - dlat, lat + dlat, lon - dlon, lon + dlon)


# --- rows -------------------------------------------------------------------------------------


def _search_row(
    saved_id: str, query: SearchQuery
) -> tuple[dict[str, Any], dict[str, float], list[int]]:
    """The percolator_searches row of a saved search, its bounding box and grid cells."""
    box = bounding_box(query.origin, query.radius_km) if query.origin is not None else None
    keys = box_cells(box) if box is not None else None
    row: dict[str, Any] = {
        "id": saved_id,
        "remote": query.remote.value,
        "everywhere": keys is None,
        "age": query.age,
        "starts_before": query.starts_before,
        "ends_after": query.ends_after,
        **{flag: bool(getattr(query, kind)) for kind, flag in _FLAGS.items()},
    }
    corners = dict(zip(("min_lat", "max_lat", "min_lon", "max_lon"), box or (), strict=False))
    return row, corners, keys or []


def _delete(conn: Connection, ids: list[str]) -> None:
    for chunk in _chunks(ids):
        numbers = sa.select(searches.c.no).where(searches.c.id.in_(chunk))
        for table in (queries, cells, codes):
            conn.execute(table.delete().where(table.c.search_no.in_(numbers)))
        conn.execute(searches.delete().where(searches.c.id.in_(chunk)))


def _chunks(values: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]
