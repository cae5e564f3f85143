"""Distances for the embedded index's plan: which located roles lie within a circle.

Points (``embedded_columns.Points``) are sorted by latitude, so the circle's box is a
band of them found by binary search; only those are measured, vectorised, with the exact
scalar formula again for any within a nanometre of the edge, so rounding never moves a role
across it (the brute-force oracle in the tests uses that formula).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from services.common.geo.distance import EARTH_RADIUS_KM, distance_km
from services.search.adapters.index.embedded_columns import Columns
from services.search.domain.documents import GeoPoint

# Distances this close to the radius are measured again with the exact scalar formula the
# brute-force oracle uses, so vectorised rounding never moves a role across the edge.
_EDGE_KM = 1e-9


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
    lo = int(np.searchsorted(points.lat[: points.sorted_n], south, "left"))
    hi = int(np.searchsorted(points.lat[: points.sorted_n], north, "right"))
    band = np.arange(lo, hi)
    tail = np.arange(points.sorted_n, len(points.lat))
    tail = tail[(points.lat[tail] >= south) & (points.lat[tail] <= north)]
    chosen = np.concatenate([band, tail])
    lon = points.lon[chosen]
    return chosen[(lon >= west) & (lon <= east) & points.valid[chosen]]


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
    ``inside``; the rowids of the roles within the radius, each once."""
    roles = points.role[chosen]
    d = haversine(origin, points.phi[chosen], points.cos_phi[chosen], points.lon[chosen])
    edge = np.flatnonzero(np.abs(d - radius) <= _EDGE_KM)
    for i in edge:
        lat, lon = float(points.lat[chosen[i]]), float(points.lon[chosen[i]])
        d[i] = distance_km(origin.latitude, origin.longitude, lat, lon)
    # A role's only point is written as it is; "nearest of several" (ufunc.at, several
    # times slower) only for roles that may have more.
    shared = points.shared[chosen]
    alone = ~shared
    distance[roles[alone]] = d[alone]
    np.minimum.at(distance, roles[shared], d[shared])
    within = d <= radius
    inside[roles[within]] = True
    several = roles[within & shared]
    return np.concatenate([roles[within & alone], distinct(several, len(distance))])


def haversine(
    origin: GeoPoint, phi: np.ndarray, cos_phi: np.ndarray, lon: np.ndarray
) -> np.ndarray:
    """``services.common.geo.distance.distance_km``, vectorised, from the points' latitudes
    in radians and their cosines."""
    phi1 = math.radians(origin.latitude)
    h = (
        np.sin((phi - phi1) / 2) ** 2
        + math.cos(phi1) * cos_phi * np.sin(np.radians(lon - origin.longitude) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
