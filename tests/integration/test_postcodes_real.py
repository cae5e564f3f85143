"""The real postcode database: all of Great Britain from OS Code-Point Open.

``make test`` builds the data first; the fixture builds it too (a no-op when up to date,
~20 s from the cached wheel otherwise) so this test never skips for want of data.
"""

from __future__ import annotations

import io
import random
import sqlite3
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from services.common.geo import Geocoder, UnknownPostcode, distance_km
from services.common.geo.build import build
from services.common.geo.paths import default_db_path


@pytest.fixture(scope="module")
def db() -> Path:
    path = default_db_path()
    build(None, path, console=Console(file=io.StringIO()))
    return path


@pytest.fixture(scope="module")
def geocoder(db: Path) -> Iterator[Geocoder]:
    with Geocoder(db) as opened:
        yield opened


def test_covers_great_britain(geocoder: Geocoder) -> None:
    assert geocoder.postcode_count > 1_700_000
    assert geocoder.meta["source_version"] == "2025.2.0"
    assert "Royal Mail copyright" in geocoder.attribution


def test_known_postcodes(geocoder: Geocoder) -> None:
    waterloo = geocoder.lookup("se17ae")
    # A published geocode of 127-128 Lower Marsh, SE1 7AE: 51.5005014, -0.1136474.
    assert (waterloo.latitude, waterloo.longitude) == pytest.approx((51.5005, -0.1136), abs=1e-3)
    assert waterloo.district_code == "E09000022"  # Lambeth
    edinburgh = geocoder.lookup("EH1 1YZ")
    assert edinburgh.district_code == "S12000036"  # City of Edinburgh
    # Waterloo to Edinburgh city centre: ~530 km as the crow flies.
    km = distance_km(waterloo.latitude, waterloo.longitude, edinburgh.latitude, edinburgh.longitude)
    assert 520 < km < 540


def test_northern_ireland_is_not_covered_yet(geocoder: Geocoder) -> None:
    with pytest.raises(UnknownPostcode) as caught:
        geocoder.lookup("BT1 5GS")  # Belfast City Hall: real, but Code-Point Open is GB only
    assert "Northern Ireland postcodes are not covered yet" in caught.value.message


def test_every_outward_code_resolves(db: Path, geocoder: Geocoder) -> None:
    with sqlite3.connect(db) as conn:
        outwards = [row[0] for row in conn.execute("SELECT outward FROM outwards")]
    assert len(outwards) > 2_800
    assert all(geocoder.lookup(outward).kind == "outward" for outward in outwards)


def test_lookups_are_fast(db: Path, geocoder: Geocoder) -> None:
    with sqlite3.connect(db) as conn:
        keys = [row[0] for row in conn.execute("SELECT postcode FROM postcodes")]
    typed = [f"{key[:-3]} {key[-3:]}".lower() for key in random.Random(7).sample(keys, 10_000)]
    timings = []
    for text in typed:
        started = time.perf_counter()
        geocoder.lookup(text)
        timings.append(time.perf_counter() - started)
    timings.sort()
    assert statistics.median(timings) < 0.001
    assert timings[int(len(timings) * 0.99)] < 0.005  # loose: shared CI machines stall
