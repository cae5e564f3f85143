"""Great-circle distance: the single definition every adapter and test uses.

Search ranks and filters opportunities by "within N km". The embedded index, the
Elasticsearch adapter (whose ``arc`` distance uses the same mean radius) and the tests
must agree to the metre, so nobody writes their own haversine: import this one.
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

# IUGG mean Earth radius (R1). Elasticsearch's DistanceUnit uses the same value, so
# distances computed here and in a geo_distance query agree.
EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres between two WGS84 points given in degrees."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi = phi2 - phi1
    dlambda = radians(lon2 - lon1)
    h = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    # min() guards against h creeping above 1.0 through rounding for antipodal points.
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))
