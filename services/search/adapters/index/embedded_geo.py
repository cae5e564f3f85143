"""Distances for the embedded index's plan: which located roles lie within a circle.

Points (``embedded_columns.Points``) are sorted by place, so the circle's box is a run of
them per row of latitude, found by binary search. Only those are measured, vectorised, by
the chord between points on the unit sphere: the haversine formula's distance (the chord is
2 sin(d / 2R), so d = 2R asin(chord / 2)) to about a picometre, for products and sums where
that formula takes four trigonometric functions per point. Any within a nanometre of the
edge is measured again with the exact scalar formula, so rounding never moves a role across
it (the brute-force oracle in the tests uses that formula).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from services.common.geo.distance import EARTH_RADIUS_KM, distance_km
from services.search.adapters.index.embedded_columns import Columns, place_key, row_of, unit
from services.search.domain.documents import GeoPoint

# Distances this close to the radius are measured again with the exact scalar formula the
# brute-force oracle uses, so vectorised rounding never moves a role across the edge.
_EDGE_KM = 1e-9
# Roles within the radius above this share of the catalogue (1 / _DENSE) are listed from
# the mask: a 50 km circle round London holds a sixth of the country's roles.
_DENSE = 16


def distinct(roles: np.ndarray, capacity: int) -> np.ndarray:
    """``roles`` without repeats (a role with several locations), in no particular order:
    np.unique's sort cost 20 ms for the 300,000 roles within 50 km of a city."""
    slot = np.empty(capacity, np.int64)  # only the positions written here are read
    at = np.arange(len(roles))
    slot[roles] = at
    return roles[slot[roles] == at]


def in_box(columns: Columns, origin: GeoPoint, radius_km: float) -> np.ndarray:
    north, south, east, west = box(origin, radius_km)
    points = columns.points
    first, last = (int(r) for r in row_of(np.array([south, north])))
    rows = np.arange(first, last + 1, dtype=np.float64)
    # Clipped so a box reaching past a date line stays within its own row's numbers.
    keys = points.key[: points.sorted_n]
    lo = np.searchsorted(keys, place_key(rows, np.full(len(rows), max(west, -180.0))), "left")
    hi = np.searchsorted(keys, place_key(rows, np.full(len(rows), min(east, 180.0))), "right")
    runs = _runs(lo, hi)
    tail = np.arange(points.sorted_n, len(points.lat))
    tail = tail[(points.lon[tail] >= west) & (points.lon[tail] <= east)]
    chosen = np.concatenate([runs, tail])
    lat = points.lat[chosen]
    return chosen[(lat >= south) & (lat <= north) & points.valid[chosen]]


def _runs(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The positions lo[i] <= p < hi[i] of every run, in order, as one array."""
    lengths = hi - lo
    starts = np.repeat(lo - np.cumsum(lengths) + lengths, lengths)
    return np.arange(int(lengths.sum())) + starts


def box(origin: GeoPoint, radius_km: float) -> tuple[float, float, float, float]:
    """A lat/lon box holding the whole circle (with a little slack for rounding)."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM) * 1.001 + 1e-6
    widest = min(89.9, abs(origin.latitude) + dlat)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(widest))))
    dlon = dlon * 1.001 + 1e-6
    lat, lon = origin.latitude, origin.longitude
    return lat + dlat, lat - dlat, lon + dlon, lon - dlon


def measure(
    points: Any,
    chosen: np.ndarray,
    origin: GeoPoint,
    radius: float,
    distance: Any,
    inside: np.ndarray,
) -> np.ndarray:
    """Distances of the ``chosen`` points into ``distance`` (nearest per role) and
    ``inside`` (all False before); the rowids of the roles within the radius, each once."""
    roles = points.role[chosen]
    d = chord_km(origin, points.x[chosen], points.y[chosen], points.z[chosen])
    edge = np.flatnonzero(np.abs(d - radius) <= _EDGE_KM)
    for i in edge:
        lat, lon = float(points.lat[chosen[i]]), float(points.lon[chosen[i]])
        d[i] = distance_km(origin.latitude, origin.longitude, lat, lon)
    # Every point's distance is written to its role; then "nearest of several" (ufunc.at,
    # several times slower) runs again over the points whose role may have more, so the
    # last point written never hides a nearer one.
    distance[roles] = d
    shared = points.shared[chosen]
    several = np.flatnonzero(shared)
    if len(several):
        np.minimum.at(distance, roles[several], d[several])
    within = d <= radius
    near = roles[within]
    inside[near] = True
    if not len(several):
        return near
    if len(near) > len(inside) // _DENSE:
        # Most of a big circle: reading the mask back is cheaper than dropping repeats.
        return np.flatnonzero(inside)
    repeats = shared[within]
    return np.concatenate([near[~repeats], distinct(near[repeats], len(distance))])


def chord_km(origin: GeoPoint, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``services.common.geo.distance.distance_km`` from ``origin`` to the points at ``x``,
    ``y``, ``z`` on the unit sphere (``embedded_columns.unit``), vectorised. Computed in
    place over the arrays it makes: a city's 50 km box holds 200,000 points."""
    ox, oy, oz = (
        float(v[0]) for v in unit(np.array([origin.latitude]), np.array([origin.longitude]))
    )
    c = x - ox
    c *= c
    for axis, at in ((y, oy), (z, oz)):
        part = axis - at
        part *= part
        c += part
    np.sqrt(c, out=c)
    c *= 0.5
    np.minimum(c, 1.0, out=c)  # rounding can lift an antipode's half-chord above 1
    np.arcsin(c, out=c)
    c *= 2 * EARTH_RADIUS_KM
    return c
