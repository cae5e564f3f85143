"""UK postcodes and distances, shared by every service.

Runtime imports stay in the standard library; building the database (``build``) needs
pyproj and rich and is imported only by its CLI::

    from services.common.geo import Geocoder, distance_km

    geocoder = Geocoder.open_default()
    here = geocoder.lookup("se1 7ae")
    distance_km(here.latitude, here.longitude, 51.5, -0.12)
"""

from services.common.geo.distance import EARTH_RADIUS_KM, distance_km
from services.common.geo.postcodes import (
    FORMAT_MESSAGE,
    Geocoder,
    InvalidCoordinates,
    Location,
    UnknownPostcode,
    format_postcode,
    from_latlon,
    normalise,
    parse,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "FORMAT_MESSAGE",
    "Geocoder",
    "InvalidCoordinates",
    "Location",
    "UnknownPostcode",
    "distance_km",
    "format_postcode",
    "from_latlon",
    "normalise",
    "parse",
]
