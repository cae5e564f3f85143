"""The embedded index's roles as numpy columns in memory, kept in step with the SQLite file.

Why: the index used to read every candidate row into Python for each search (for a postcode
search, every remote role in the country as well as those nearby), so a search cost grew
with the catalogue: 2.3 s at p95 for 100,000 roles (bench/analysis.md). Held as one array
per field, indexed by the role's SQLite rowid, a filter is one vectorised comparison and a
facet count one AND and popcount over a packed bitset, whatever the number of candidates.

Each process keeps its own copy (``Columns``). Writers log the rowids they touch with the
index generation (``role_changes``, see ``embedded.py``), so a reader catches up by reading
only those rows again; after a rebuild, or when it is further behind than the log keeps, it
reads everything (about 10 s for a million roles).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

LAST = 1e12  # sort value of "no distance" / "no closing date": after every real one
CODE_KINDS = ("causes", "skills", "requirements", "accessibility", "sessions", "commitment")
_INT_MAX = int(np.iinfo(np.int32).max)
_NO_MIN_AGE = -1  # "minimum age unset or <= age" holds for every age
_NO_START = 0  # day ordinals start at 1: "starts on or before" holds for every day
_CHUNK = 20_000  # rows read per fetch while loading, and ids per IN (...) list
# Dates become day ordinals in SQL (julianday of 0001-01-01 is 1721425.5, Python's ordinal
# 1), and missing values their "always passes" stand-ins, so Python only moves numbers.
# Every column is in the covering index ``roles_columns``: a full read never touches the
# documents stored in the same rows (10 s less at a million roles).
_ROLE_COLUMNS = (
    f"rowid, id, remote, has_location, coalesce(minimum_age, {_NO_MIN_AGE}),"
    f" coalesce(maximum_age, {_INT_MAX}),"
    f" coalesce(CAST(julianday(starts_on) - 1721424.5 AS INTEGER), {_NO_START}),"
    f" coalesce(CAST(julianday(ends_on) - 1721424.5 AS INTEGER), {_INT_MAX}),"
    f" coalesce(julianday(closes_on) - 1721424.5, {LAST}), published_at"
)
# About 2.2 km: a 50 km circle's box spans some 45 rows, a 3 km one three or four, and the
# rows' overhang beyond the box (dropped by a latitude test) stays small at either size.
ROW_DEGREES = 0.02
Bits = np.ndarray  # packed, little-endian bit order: bit i of byte i // 8 is role rowid i


@dataclass
class Points:
    """Every location of every role; the first ``sorted_n`` in place order: by row of
    latitude (``ROW_DEGREES`` high), then by longitude within the row, so a circle's box is
    one run of points per row (``embedded_geo.in_box``) rather than a band as wide as the
    country whose points are scattered through memory. ``key`` is that order as one number.

    ``shared``: the point's role may have other valid points (always so in the unsorted
    tail), so a point without it is its role's only one and needs no "nearest of several".
    ``x``, ``y``, ``z``: the point on the unit sphere, worked out once, so a search measures
    its box by chord (``embedded_geo.chord_km``): products and sums where the haversine
    formula took four trigonometric functions per point (a third of a 50 km search in a
    city at a million roles).
    """

    lat: np.ndarray
    lon: np.ndarray
    role: np.ndarray
    valid: np.ndarray
    sorted_n: int
    key: np.ndarray
    shared: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray

    @classmethod
    def of(cls, role: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> Points:
        key = place_key(row_of(lat), lon)
        order = np.argsort(key, kind="stable")
        lat, lon, role, key = lat[order], lon[order], role[order], key[order]
        shared = np.bincount(role)[role] > 1 if len(role) else np.zeros(0, bool)
        n = len(lat)
        return cls(lat, lon, role, np.ones(n, bool), n, key, shared, *unit(lat, lon))

    def append(self, role: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> Points:
        """``role``'s earlier points must be invalid already (``Columns.forget``), as
        ``reread`` does: a point of the sorted part without ``shared`` stays its role's only
        valid one."""
        tail = len(self.lat) - self.sorted_n
        if tail + len(lat) > max(1024, self.sorted_n // 4):
            # The unsorted tail is scanned whole on every search: sort everything again
            # before it grows costly, dropping the points of removed roles.
            keep = self.valid
            return Points.of(
                np.concatenate([self.role[keep], role]),
                np.concatenate([self.lat[keep], lat]),
                np.concatenate([self.lon[keep], lon]),
            )
        x, y, z = unit(lat, lon)
        return Points(
            np.concatenate([self.lat, lat]),
            np.concatenate([self.lon, lon]),
            np.concatenate([self.role, role]),
            np.concatenate([self.valid, np.ones(len(lat), bool)]),
            self.sorted_n,
            self.key,  # the sorted part's only: the tail is scanned whole
            np.concatenate([self.shared, np.ones(len(lat), bool)]),
            np.concatenate([self.x, x]),
            np.concatenate([self.y, y]),
            np.concatenate([self.z, z]),
        )


def row_of(lat: np.ndarray) -> np.ndarray:
    """The row of latitude each point lies in, counted from the south pole."""
    return np.floor((np.asarray(lat, np.float64) + 90.0) / ROW_DEGREES)


def place_key(row: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Row, then longitude, as one sortable number (a longitude plus 180 is below 1000)."""
    return row * 1000.0 + (np.asarray(lon, np.float64) + 180.0)


def unit(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points given in degrees as x, y and z on the unit sphere."""
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    return cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)


class Columns:
    """One array per field, position = the role's rowid; ``alive`` says which rowids hold
    a role now."""

    def __init__(self, generation: int, capacity: int) -> None:
        self.generation = generation
        self.count = 0  # roles alive, as of the last load or catch-up
        self.capacity = 0
        self.alive = np.zeros(0, bool)
        self.remote = np.zeros(0, bool)
        self.located = np.zeros(0, bool)
        self.min_age = np.zeros(0, np.int32)
        self.max_age = np.zeros(0, np.int32)
        self.starts = np.zeros(0, np.int32)
        self.ends = np.zeros(0, np.int32)
        self.closes = np.zeros(0, np.float64)  # day ordinal, LAST without a closing date
        self.newest = np.zeros(0, np.float64)  # minus the publication timestamp
        # The id's first 8 bytes as a big-endian number: orders as the id does, except
        # between ids sharing those bytes, which the full ids (``ids``) then decide.
        self.id_key = np.zeros(0, np.uint64)
        self.ids = np.zeros(0, "S8")
        # Per kind of code, one row of bits per code: a facet is counted in one operation.
        self.kinds: dict[str, CodeBits] = {}
        self.points = Points.of(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        self._open: tuple[tuple[int, int], np.ndarray] | None = None
        self.grow(capacity)

    # --- shape ------------------------------------------------------------------------

    def grow(self, wanted: int) -> None:
        if wanted <= self.capacity:
            return
        size = max(1024, wanted + wanted // 4)
        size += -size % 64  # whole 64-bit words of bits: counted a word at a time
        old = self.capacity
        self.alive = _extend(self.alive, size, False)
        self.remote = _extend(self.remote, size, False)
        self.located = _extend(self.located, size, False)
        self.min_age = _extend(self.min_age, size, _NO_MIN_AGE)
        self.max_age = _extend(self.max_age, size, _INT_MAX)
        self.starts = _extend(self.starts, size, _NO_START)
        self.ends = _extend(self.ends, size, _INT_MAX)
        self.closes = _extend(self.closes, size, LAST)
        self.newest = _extend(self.newest, size, 0.0)
        self.id_key = _extend(self.id_key, size, 0)
        self.ids = _extend(self.ids, size, b"")
        for found in self.kinds.values():
            found.widen(size // 8)
        self.capacity = size
        assert old <= size

    def open_on(self, day: int) -> np.ndarray:
        """The roles alive and not closed before ``day`` (an ordinal). Every search starts
        from it, so it is kept per generation and day; callers must not change it."""
        key = (self.generation, day)
        if self._open is None or self._open[0] != key:
            self._open = (key, self.alive & (self.closes >= day))
        return self._open[1]

    def bits(self, kind: str, code: str) -> Bits:
        found = self.kinds.get(kind)
        if found is None:
            found = self.kinds[kind] = CodeBits([], np.zeros((0, self.capacity // 8), np.uint8))
        return found.row(code)

    def known(self, kind: str, code: str) -> Bits | None:
        found = self.kinds.get(kind)
        return found.known(code) if found is not None else None

    # --- filling ----------------------------------------------------------------------

    def set_roles(self, rows: Sequence[tuple]) -> None:
        """Roles as read from the ``roles`` table (``_ROLE_COLUMNS``), alive from now."""
        if not rows:
            return
        cols = list(zip(*rows, strict=True))
        at = np.fromiter(cols[0], np.int64, len(rows))
        self.grow(int(at.max()) + 1)
        self.alive[at] = True
        self.remote[at] = np.fromiter(cols[2], bool, len(rows))
        self.located[at] = np.fromiter(cols[3], bool, len(rows))
        self.min_age[at] = np.fromiter(cols[4], np.int32, len(rows))
        self.max_age[at] = np.fromiter(cols[5], np.int32, len(rows))
        self.starts[at] = np.fromiter(cols[6], np.int32, len(rows))
        self.ends[at] = np.fromiter(cols[7], np.int32, len(rows))
        self.closes[at] = np.fromiter(cols[8], np.float64, len(rows))
        # In Python, not SQL: julianday() keeps milliseconds, and "newest first" must
        # order roles published a few microseconds apart as the other adapter does.
        self.newest[at] = [-dt.datetime.fromisoformat(v).timestamp() for v in cols[9]]
        self._set_ids(at, [v.encode() for v in cols[1]])

    def _set_ids(self, at: np.ndarray, ids: list[bytes]) -> None:
        width = max(8, max(len(i) for i in ids))
        if width > self.ids.dtype.itemsize:
            self.ids = self.ids.astype(f"S{width}")
        fresh = np.array(ids, dtype=f"S{width}")
        self.ids[at] = fresh
        head = np.ascontiguousarray(fresh.view(np.uint8).reshape(len(ids), width)[:, :8])
        self.id_key[at] = head.view(">u8").ravel().astype(np.uint64)

    def set_codes(self, kind: str, code: str, roles: np.ndarray) -> None:
        bits = self.bits(kind, code)
        np.bitwise_or.at(bits, roles >> 3, (1 << (roles & 7)).astype(np.uint8))

    def forget(self, roles: np.ndarray) -> None:
        """Roles about to be read again (or gone): nothing of theirs is left."""
        roles = roles[roles < self.capacity]
        self.alive[roles] = False
        self.located[roles] = False
        clear = (~(1 << (roles & 7))).astype(np.uint8)
        for found in self.kinds.values():
            for row in found.matrix:
                np.bitwise_and.at(row, roles >> 3, clear)
        points = self.points
        points.valid &= ~np.isin(points.role, roles)


@dataclass
class CodeBits:
    """The codes of one kind and their bits, a row each."""

    codes: list[str]
    matrix: np.ndarray  # (codes, capacity // 8) uint8

    def known(self, code: str) -> Bits | None:
        try:
            return self.matrix[self.codes.index(code)]
        except ValueError:
            return None

    def row(self, code: str) -> Bits:
        found = self.known(code)
        if found is not None:
            return found
        self.codes.append(code)
        self.matrix = np.vstack([self.matrix, np.zeros((1, self.matrix.shape[1]), np.uint8)])
        return self.matrix[-1]

    def widen(self, width: int) -> None:
        grown = np.zeros((len(self.codes), width), np.uint8)
        grown[:, : self.matrix.shape[1]] = self.matrix
        self.matrix = grown

    def counts(self, packed: Bits) -> dict[str, int]:
        """How many of ``packed``'s roles have each code (codes with none left out)."""
        if not self.codes:
            return {}
        # As 64-bit words: eight times fewer elements to AND, popcount and add up.
        words = self.matrix.view(np.uint64) & packed.view(np.uint64)
        totals = np.bitwise_count(words).sum(axis=1, dtype=np.int64)
        return {code: int(n) for code, n in zip(self.codes, totals, strict=True) if n}


def load(conn: sqlite3.Connection, generation: int) -> Columns:
    """Everything, from the file as this connection's transaction sees it."""
    top = conn.execute("SELECT coalesce(max(rowid), 0) FROM roles").fetchone()[0]
    columns = Columns(generation, top + 1)
    cursor = conn.execute(f"SELECT {_ROLE_COLUMNS} FROM roles")
    while rows := cursor.fetchmany(_CHUNK):
        columns.set_roles(rows)
    grouped = conn.execute(
        "SELECT kind, code, group_concat(role) FROM role_codes GROUP BY kind, code"
    )
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for kind, code, roles in grouped:
        by_kind.setdefault(kind, []).append((code, roles))
    for kind, codes in by_kind.items():
        matrix = np.zeros((len(codes), columns.capacity // 8), np.uint8)
        for row, (_, roles) in zip(matrix, codes, strict=True):
            row[:] = np.packbits(_flags(_ints(roles), columns.capacity), bitorder="little")
        columns.kinds[kind] = CodeBits([code for code, _ in codes], matrix)
    role, lat, lon = _points(conn.execute("SELECT role, latitude, longitude FROM role_points"))
    columns.points = Points.of(role, lat, lon)
    columns.count = int(np.count_nonzero(columns.alive))
    return columns


def catch_up(conn: sqlite3.Connection, columns: Columns, generation: int) -> Columns:
    """``columns`` brought to ``generation``: changed rows read again, or all of them."""
    if generation == columns.generation:
        return columns
    touched = touched_since(conn, columns.generation, generation)
    if touched is None:
        return load(conn, generation)
    reread(conn, columns, touched)
    columns.generation = generation
    columns.count = int(np.count_nonzero(columns.alive))
    return columns


def touched_since(conn: sqlite3.Connection, since: int, generation: int) -> list[int] | None:
    """The rowids written after generation ``since`` up to ``generation``; None when the
    log no longer goes back that far (or ``since`` is from before a rebuild)."""
    if generation < since or _meta(conn, "log_from") > since + 1:
        return None
    rows = conn.execute(
        "SELECT DISTINCT role FROM role_changes WHERE generation > ? AND generation <= ?",
        (since, generation),
    )
    return [row[0] for row in rows]


def reread(conn: sqlite3.Connection, columns: Columns, touched: Iterable[int]) -> None:
    """Roles ``touched`` since the columns were read: as the file has them now."""
    ids = sorted(set(touched))
    if not ids:
        return
    columns.grow(ids[-1] + 1)
    columns.forget(np.array(ids, np.int64))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        columns.set_roles(
            conn.execute(
                f"SELECT {_ROLE_COLUMNS} FROM roles WHERE rowid IN ({marks})", chunk
            ).fetchall()
        )
        by_code: dict[tuple[str, str], list[int]] = {}
        for role, kind, code in conn.execute(
            f"SELECT role, kind, code FROM role_codes WHERE role IN ({marks})", chunk
        ):
            by_code.setdefault((kind, code), []).append(role)
        for (kind, code), roles in by_code.items():
            columns.set_codes(kind, code, np.array(roles, np.int64))
        role, lat, lon = _points(
            conn.execute(
                f"SELECT role, latitude, longitude FROM role_points WHERE role IN ({marks})",
                chunk,
            )
        )
        if len(role):
            columns.points = columns.points.append(role, lat, lon)


def _points(rows: Iterable[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fetched = list(rows)
    if not fetched:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    role, lat, lon = zip(*fetched, strict=True)
    return np.array(role, np.int64), np.array(lat, np.float64), np.array(lon, np.float64)


def _flags(roles: np.ndarray, size: int) -> np.ndarray:
    flags = np.zeros(size, bool)
    flags[roles] = True
    return flags


def _ints(text: str) -> np.ndarray:
    return np.array(text.split(","), dtype=np.int64)


def _meta(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM index_meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def _extend(array: np.ndarray, size: int, fill: object) -> np.ndarray:
    grown = np.full(size, fill, dtype=array.dtype)
    grown[: len(array)] = array
    return grown
