"""Where roles are: radius filters, several locations, remote and hybrid roles, distance sort.

Semantics (services/search/domain/query.py): with an origin, a role matches when ANY of its
locations is within the radius; remote roles match at any distance unless remote=exclude;
a hit reports the distance to its nearest location (None for remote-only roles).
"""

from __future__ import annotations

import pytest

from services.common.geo.distance import distance_km
from services.search.adapters.index.port import SearchIndex
from services.search.domain.query import RemoteMode, SearchQuery, Sort
from tests.contract.search.builders import (
    B1_1BB,
    BN1_1AA,
    CB2_1TN,
    EC2R_8AH,
    EH1_1YZ,
    M1_1AE,
    ORIGIN,
    SE1_7PB,
    SW1A_1AA,
    TODAY,
    TR18_2HJ,
    add,
    at,
    id_set,
    ids,
    only_hit,
    point_at,
    remote_role,
    role,
    search,
    walk,
    walked_ids,
)

# Distances are compared to the metre or two: both adapters use the same sphere.
METRES = 0.002


def km_from_origin(point) -> float:
    return distance_km(ORIGIN.latitude, ORIGIN.longitude, point.latitude, point.longitude)


def test_point_at_places_points_at_the_requested_distance() -> None:
    # The helper itself, against the shared haversine (guards every boundary test below).
    for km, bearing in [(0.95, 0), (10.05, 123), (199.95, 300)]:
        assert km_from_origin(point_at(ORIGIN, km, bearing)) == pytest.approx(km, abs=1e-6)


def test_role_matches_when_any_location_is_inside_the_radius(search_index: SearchIndex) -> None:
    near_one = point_at(ORIGIN, 3.0, 45)
    both = role(locations=(M1_1AE, near_one))
    far_only = role(locations=(M1_1AE, EH1_1YZ))
    add(search_index, both, far_only)

    page = search(search_index, origin=ORIGIN, radius_km=10)

    assert id_set(page) == {both.id}
    assert page.total == 1
    hit = only_hit(page, both.id)
    assert hit.distance_km == pytest.approx(3.0, abs=METRES)
    assert hit.nearest is not None
    assert hit.nearest.latitude == pytest.approx(near_one.latitude, abs=1e-5)
    assert hit.nearest.longitude == pytest.approx(near_one.longitude, abs=1e-5)


def test_hit_reports_the_nearest_location_not_the_first(search_index: SearchIndex) -> None:
    many = role(locations=(EC2R_8AH, SW1A_1AA, SE1_7PB, CB2_1TN))
    add(search_index, many)

    hit = only_hit(search(search_index, origin=ORIGIN, radius_km=10), many.id)

    assert hit.nearest is not None
    assert hit.nearest.postcode == "SE1 7PB"
    assert hit.distance_km == pytest.approx(0.448, abs=METRES)
    assert hit.distance_km == pytest.approx(km_from_origin(SE1_7PB), abs=METRES)


def test_role_with_several_locations_in_range_is_one_hit(search_index: SearchIndex) -> None:
    many = role(locations=(SE1_7PB, SW1A_1AA, EC2R_8AH))
    other = role()
    add(search_index, many, other)

    page = search(search_index, origin=ORIGIN, radius_km=10, per_page=50)

    assert ids(page).count(many.id) == 1
    assert page.total == 2
    assert len(page.hits) == 2


@pytest.mark.parametrize(
    ("radius", "bearing"),
    [(1.0, 0.0), (10.0, 135.0), (200.0, 330.0)],
    ids=["1km", "10km", "200km"],
)
def test_radius_boundary_to_fifty_metres(
    search_index: SearchIndex, radius: float, bearing: float
) -> None:
    inside = role(locations=at(radius - 0.05, bearing))
    outside = role(locations=at(radius + 0.05, bearing))
    # The other side of the origin, so a bounding box that is too small shows up too.
    inside_opposite = role(locations=at(radius - 0.05, bearing + 180))
    outside_opposite = role(locations=at(radius + 0.05, bearing + 180))
    add(search_index, inside, outside, inside_opposite, outside_opposite)

    page = search(search_index, origin=ORIGIN, radius_km=radius, sort=Sort.DISTANCE)

    assert id_set(page) == {inside.id, inside_opposite.id}
    assert page.total == 2
    for hit in page.hits:
        assert hit.distance_km == pytest.approx(radius - 0.05, abs=METRES)


def test_radius_defaults_to_ten_km(search_index: SearchIndex) -> None:
    inside = role(locations=at(9.95, 200))
    outside = role(locations=at(10.05, 20))
    add(search_index, inside, outside)

    page = search(search_index, origin=ORIGIN)

    assert id_set(page) == {inside.id}


def test_without_origin_the_search_is_national(search_index: SearchIndex) -> None:
    roles = [role(locations=(place,)) for place in (ORIGIN, EH1_1YZ, TR18_2HJ, M1_1AE)]
    add(search_index, *roles)

    page = search(search_index, per_page=50)

    assert id_set(page) == {r.id for r in roles}
    assert page.total == 4
    for hit in page.hits:
        assert hit.distance_km is None


# --- remote and hybrid roles --------------------------------------------------------------
# near: in person 2 km away; far: in person in Manchester; remote_only: from home only;
# hybrid_near: remote or 3 km away; hybrid_far: remote or in Edinburgh.
KINDS = ("near", "far", "remote_only", "hybrid_near", "hybrid_far")
REMOTE_CASES = [
    (True, RemoteMode.INCLUDE, {"near", "remote_only", "hybrid_near", "hybrid_far"}),
    (True, RemoteMode.ONLY, {"remote_only", "hybrid_near", "hybrid_far"}),
    (True, RemoteMode.EXCLUDE, {"near", "hybrid_near"}),
    (False, RemoteMode.INCLUDE, set(KINDS)),
    (False, RemoteMode.ONLY, {"remote_only", "hybrid_near", "hybrid_far"}),
    (False, RemoteMode.EXCLUDE, {"near", "far", "hybrid_near", "hybrid_far"}),
]


def remote_mix(index: SearchIndex) -> dict[str, str]:
    docs = {
        "near": role(locations=at(2.0, 10)),
        "far": role(locations=(M1_1AE,)),
        "remote_only": remote_role(),
        "hybrid_near": role(remote=True, locations=at(3.0, 250)),
        "hybrid_far": role(remote=True, locations=(EH1_1YZ,)),
    }
    add(index, *docs.values())
    return {kind: doc.id for kind, doc in docs.items()}


@pytest.mark.parametrize(
    ("with_origin", "mode", "expected"),
    REMOTE_CASES,
    ids=[f"{'origin' if o else 'national'}-{m.value}" for o, m, _ in REMOTE_CASES],
)
def test_remote_modes(
    search_index: SearchIndex, with_origin: bool, mode: RemoteMode, expected: set[str]
) -> None:
    by_kind = remote_mix(search_index)
    place = {"origin": ORIGIN, "radius_km": 10} if with_origin else {}

    page = search(search_index, remote=mode, per_page=50, **place)

    assert id_set(page) == {by_kind[kind] for kind in expected}
    assert page.total == len(expected)


def test_remote_hits_report_distance_only_where_there_is_a_location(
    search_index: SearchIndex,
) -> None:
    by_kind = remote_mix(search_index)

    page = search(search_index, origin=ORIGIN, radius_km=10, per_page=50)

    remote_only = only_hit(page, by_kind["remote_only"])
    assert remote_only.distance_km is None
    assert remote_only.nearest is None
    assert only_hit(page, by_kind["hybrid_near"]).distance_km == pytest.approx(3.0, abs=METRES)
    # Matched as remote from 534 km away, yet its nearest place is still reported.
    hybrid_far = only_hit(page, by_kind["hybrid_far"])
    assert hybrid_far.distance_km == pytest.approx(534.529, abs=0.001)
    assert hybrid_far.nearest is not None
    assert hybrid_far.nearest.postcode == "EH1 1YZ"


def test_distance_sort_puts_remote_only_roles_last(search_index: SearchIndex) -> None:
    d8 = role(locations=at(8.0, 0))
    d1 = role(locations=at(1.0, 90))
    r1 = remote_role()
    d5 = role(locations=at(5.0, 180))
    hybrid4 = role(remote=True, locations=at(4.0, 270))
    r2 = remote_role()
    d2 = role(locations=(M1_1AE, point_at(ORIGIN, 2.0, 45)))
    hybrid_far = role(remote=True, locations=(EH1_1YZ,))
    add(search_index, d8, d1, r1, d5, hybrid4, r2, d2, hybrid_far)

    page = search(search_index, origin=ORIGIN, radius_km=10, sort=Sort.DISTANCE, per_page=50)

    found = ids(page)
    assert found[:6] == [d1.id, d2.id, hybrid4.id, d5.id, d8.id, hybrid_far.id]
    assert set(found[6:]) == {r1.id, r2.id}
    assert [hit.distance_km for hit in page.hits[6:]] == [None, None]
    expected = [1.0, 2.0, 4.0, 5.0, 8.0, 534.529]
    assert [hit.distance_km for hit in page.hits[:6]] == pytest.approx(expected, abs=0.001)


def test_distance_sort_orders_real_postcodes(search_index: SearchIndex) -> None:
    places = [EH1_1YZ, BN1_1AA, SW1A_1AA, M1_1AE, CB2_1TN, TR18_2HJ, B1_1BB, SE1_7PB]
    roles = {place.postcode: role(locations=(place,)) for place in places}
    add(search_index, *roles.values())

    page = search(search_index, origin=ORIGIN, radius_km=200, sort=Sort.DISTANCE)

    # Within 200 km of SE1 7AE, nearest first (distances in builders.py).
    expected = ["SE1 7PB", "SW1A 1AA", "BN1 1AA", "CB2 1TN", "B1 1BB"]
    assert ids(page) == [roles[postcode].id for postcode in expected]
    assert [hit.nearest.postcode for hit in page.hits if hit.nearest] == expected


def test_cursor_walks_on_by_distance_through_remote_roles_located_far_away(
    search_index: SearchIndex,
) -> None:
    # Made farthest first, so their ids sort the opposite way to their distances: an index
    # that stopped measuring remote roles beyond the radius would page them by id.
    edinburgh = role(remote=True, locations=(EH1_1YZ,))
    manchester = role(remote=True, locations=(M1_1AE,))
    birmingham = role(remote=True, locations=(B1_1BB,))
    near = role(locations=at(1.0, 0))
    home = remote_role()
    add(search_index, edinburgh, manchester, birmingham, near, home)
    query = SearchQuery(today=TODAY, origin=ORIGIN, radius_km=10, sort=Sort.DISTANCE, per_page=1)

    pages = walk(search_index, query)

    order = [near.id, birmingham.id, manchester.id, edinburgh.id, home.id]
    assert walked_ids(pages) == order
    assert [page.total for page in pages] == [5] * 5


def test_more_follows_a_page_filled_exactly_by_roles_within_the_radius(
    search_index: SearchIndex,
) -> None:
    inside = [role(locations=at(km, 90)) for km in (1.0, 2.0)]
    home = remote_role()
    add(search_index, *inside, home)

    page = search(search_index, origin=ORIGIN, radius_km=10, sort=Sort.DISTANCE, per_page=2)

    assert ids(page) == [r.id for r in inside]
    assert page.total == 3
    assert page.next_after is not None, "the remote role is still to come"
    following = search(
        search_index, origin=ORIGIN, radius_km=10, sort=Sort.DISTANCE, after=page.next_after
    )
    assert ids(following) == [home.id]
