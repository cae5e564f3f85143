"""The embedded index's points: which may share a role, and the distances measured from them."""

from __future__ import annotations

import numpy as np

from services.common.geo.distance import distance_km
from services.search.adapters.index import embedded_geo as geo
from services.search.adapters.index.embedded_columns import LAST, Points
from services.search.domain.documents import GeoPoint

ORIGIN = GeoPoint(latitude=51.5, longitude=-0.1)
# role 7 has two points, 8 and 9 one each; latitudes out of order so ``of`` sorts them
ROLES = np.array([7, 8, 7, 9])
LATS = np.array([51.52, 51.40, 51.55, 51.60])
LONS = np.array([-0.12, -0.30, -0.05, 0.20])


def test_only_a_role_with_several_points_is_marked_shared() -> None:
    points = Points.of(ROLES, LATS, LONS)
    assert list(points.lat) == sorted(LATS)
    assert {int(r): bool(s) for r, s in zip(points.role, points.shared, strict=True)} == {
        7: True,
        8: False,
        9: False,
    }
    assert np.allclose(points.cos_phi, np.cos(np.radians(points.lat)))


def test_appended_points_count_as_shared_until_sorted_again() -> None:
    points = Points.of(ROLES, LATS, LONS).append(np.array([10]), np.array([51.3]), np.array([0.0]))
    assert points.sorted_n == 4 and len(points.lat) == 5
    assert points.shared[-1]  # the tail is not looked at for repeats
    assert list(points.shared[:4]) == list(Points.of(ROLES, LATS, LONS).shared)


def test_measure_keeps_each_roles_nearest_point_and_lists_it_once() -> None:
    points = Points.of(ROLES, LATS, LONS)
    # 10: two points in the unsorted tail (a role read again after a change)
    points = points.append(np.array([10, 10]), np.array([51.51, 51.45]), np.array([-0.1, 0.0]))
    distance = np.full(12, LAST)
    inside = np.zeros(12, bool)
    chosen = np.arange(len(points.lat))
    near = geo.measure(points, chosen, ORIGIN, 30.0, distance, inside)
    expected = {
        role: min(
            distance_km(ORIGIN.latitude, ORIGIN.longitude, lat, lon)
            for r, lat, lon in zip(
                [*ROLES, 10, 10], [*LATS, 51.51, 51.45], [*LONS, -0.1, 0.0], strict=True
            )
            if r == role
        )
        for role in (7, 8, 9, 10)
    }
    assert {r: float(distance[r]) for r in (7, 8, 9, 10)} == expected
    assert sorted(near.tolist()) == [7, 8, 9, 10]  # each once, though 7 and 10 have two
    assert set(np.flatnonzero(inside).tolist()) == {7, 8, 9, 10}
    assert distance[11] == LAST
