"""The embedded index's points: which may share a role, and the distances measured from them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from services.common.geo.distance import EARTH_RADIUS_KM, distance_km
from services.search.adapters.index import embedded_geo as geo
from services.search.adapters.index.embedded_columns import LAST, Columns, Points, unit
from services.search.domain.documents import GeoPoint

ORIGIN = GeoPoint(latitude=51.5, longitude=-0.1)
# role 7 has two points, 8 and 9 one each; latitudes out of order so ``of`` sorts them
ROLES = np.array([7, 8, 7, 9])
LATS = np.array([51.52, 51.40, 51.55, 51.60])
LONS = np.array([-0.12, -0.30, -0.05, 0.20])


def test_only_a_role_with_several_points_is_marked_shared() -> None:
    points = Points.of(ROLES, LATS, LONS)
    assert list(points.lat) == sorted(LATS)  # each in a row of its own: south to north
    assert {int(r): bool(s) for r, s in zip(points.role, points.shared, strict=True)} == {
        7: True,
        8: False,
        9: False,
    }
    # each point's place on the unit sphere, in the sorted order
    assert np.allclose(points.z, np.sin(np.radians(points.lat)))
    assert np.allclose(points.x**2 + points.y**2 + points.z**2, 1.0)


def test_appended_points_count_as_shared_until_sorted_again() -> None:
    points = Points.of(ROLES, LATS, LONS).append(np.array([10]), np.array([51.3]), np.array([0.0]))
    assert points.sorted_n == 4 and len(points.lat) == 5
    assert points.shared[-1]  # the tail is not looked at for repeats
    assert list(points.shared[:4]) == list(Points.of(ROLES, LATS, LONS).shared)


# Listed from the mask (a circle holding much of the catalogue), or by dropping repeats.
@pytest.mark.parametrize("dense", [10**9, 1])
def test_measure_keeps_each_roles_nearest_point_and_lists_it_once(
    dense: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(geo, "_DENSE", dense)
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
    assert {r: float(distance[r]) for r in (7, 8, 9, 10)} == pytest.approx(expected, abs=1e-9)
    assert sorted(near.tolist()) == [7, 8, 9, 10]  # each once, though 7 and 10 have two
    assert set(np.flatnonzero(inside).tolist()) == {7, 8, 9, 10}
    assert distance[11] == LAST


def test_chord_distances_agree_with_the_haversine_formula_to_a_nanometre() -> None:
    # Across Great Britain and a little beyond: the same point, a metre away, a city, the
    # whole country.
    rng = np.random.default_rng(3)
    lats = np.concatenate([rng.uniform(49.5, 61, 2000), [51.5, 51.500009]])
    lons = np.concatenate([rng.uniform(-8.5, 2, 2000), [-0.1, -0.1]])
    x, y, z = unit(lats, lons)
    for origin in (ORIGIN, GeoPoint(latitude=57.15, longitude=-2.1)):
        measured = geo.chord_km(origin, x, y, z)
        exact = [
            distance_km(origin.latitude, origin.longitude, a, b)
            for a, b in zip(lats, lons, strict=True)
        ]
        assert np.allclose(measured, exact, rtol=0, atol=1e-9)


def test_the_far_side_of_the_earth_is_half_its_circumference_not_nan() -> None:
    # Rounding can take the half-chord of an antipode above 1, where arcsin has no value.
    x, y, z = unit(np.array([-51.5]), np.array([179.9]))
    far = geo.chord_km(ORIGIN, x, y, z)[0]
    assert far == pytest.approx(math.pi * EARTH_RADIUS_KM, abs=1e-3)


def test_points_in_one_row_of_latitude_are_in_order_of_longitude() -> None:
    lats = np.array([51.501, 51.505, 51.503, 51.40])
    lons = np.array([0.3, -0.2, 0.1, 0.9])
    points = Points.of(np.arange(4), lats, lons)
    assert points.lat[0] == 51.40  # the row to the south first
    assert list(points.lon[1:]) == [-0.2, 0.1, 0.3]  # then west to east across the row
    assert np.all(np.diff(points.key) > 0)


def test_the_box_holds_exactly_the_valid_points_inside_it() -> None:
    rng = np.random.default_rng(5)
    n = 5000
    lats, lons = rng.uniform(50, 56, n), rng.uniform(-5, 1.5, n)
    points = Points.of(np.arange(n), lats, lons)
    points.valid[rng.choice(n, 300, replace=False)] = False  # as a removed role's are
    extra = rng.uniform(50, 56, 40), rng.uniform(-5, 1.5, 40)
    points = points.append(np.arange(n, n + 40), *extra)  # an unsorted tail
    columns = Columns(1, n + 40)
    columns.points = points
    for origin, radius in ((ORIGIN, 3.0), (GeoPoint(53.0, -2.0), 50.0), (ORIGIN, 200.0)):
        north, south, east, west = geo.box(origin, radius)
        expected = np.flatnonzero(
            (points.lat >= south) & (points.lat <= north) & (points.lon >= west)
            & (points.lon <= east) & points.valid
        )  # fmt: skip
        chosen = geo.in_box(columns, origin, radius)
        assert sorted(chosen.tolist()) == expected.tolist()
        assert len(chosen) == len(set(chosen.tolist()))
