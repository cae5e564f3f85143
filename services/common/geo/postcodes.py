"""Turn what a person typed ("se17ae", " SE1 7AE ", "SE1") into a map position.

Reads the SQLite database that ``python -m services.common.geo.build`` writes (OS Code-Point
Open, Great Britain only). Standard library only: every service imports this at run time.
Errors are ``UnknownPostcode`` (a ``ValueError``) carrying a message fit to show the person
and the form ``field`` it belongs to, so the HTTP edge can turn it into a 422 as it is.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from services.common.geo import paths
from services.common.geo.schema import MICRODEGREES

LocationKind = Literal["postcode", "outward", "point"]

# The UK government's postcode pattern (BS 7666), minus the GIR 0AA special case, applied
# after normalising: letters in each position are restricted the way Royal Mail allocates them.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_FULL_RE = re.compile(f"({_OUTWARD})({_INWARD})")
_OUTWARD_RE = re.compile(_OUTWARD)
_AREA_RE = re.compile(r"[A-Z]+")

FORMAT_MESSAGE = "Enter a real UK postcode, like SE1 7AE"
# Valid Royal Mail postcodes that Code-Point Open (Great Britain only) does not cover.
_NOT_COVERED = {
    "BT": "Northern Ireland postcodes are not covered yet",
    "GY": "Guernsey postcodes are not covered",
    "JE": "Jersey postcodes are not covered",
    "IM": "Isle of Man postcodes are not covered",
}

# Generous boxes around the UK, islands included (St Kilda -8.6, Lowestoft 1.76, Unst 60.86).
LATITUDE_RANGE = (49.8, 60.9)
LONGITUDE_RANGE = (-8.7, 1.8)


@dataclass(frozen=True, slots=True)
class Location:
    """A WGS84 point and what it was found from.

    ``postcode`` is formatted for people: "SE1 7AE" (kind "postcode"), "SE1" (kind
    "outward", the mean position of the district's postcodes), or None (kind "point",
    from coordinates a browser supplied).
    """

    postcode: str | None
    latitude: float
    longitude: float
    district_code: str | None = None
    kind: LocationKind = "postcode"


class UnknownPostcode(ValueError):
    """The text is not a postcode we can place. ``message`` is written for the person."""

    def __init__(
        self, message: str, field: str = "postcode", suggestion: Location | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.suggestion = suggestion


class InvalidCoordinates(ValueError):
    """A latitude or longitude that is not a number or lies outside the UK."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise(text: str) -> str:
    """``" se1 7ae "`` -> ``"SE17AE"``: upper case, all whitespace removed. Does not validate."""
    return "".join(text.split()).upper()


def parse(text: str) -> tuple[str, str | None]:
    """Split into (outward, inward), inward None for an outward code alone ("SE1").

    Spacing is optional ("se17ae"), but a space the person typed is taken at its word:
    "SE1 7" is half a postcode, not the outward code SE17. Raises UnknownPostcode when the
    text is not shaped like a UK postcode.
    """
    if not isinstance(text, str):
        raise UnknownPostcode(FORMAT_MESSAGE)
    compact = normalise(text)
    full = _FULL_RE.fullmatch(compact)
    if full:
        return full.group(1), full.group(2)
    if len(text.split()) == 1 and _OUTWARD_RE.fullmatch(compact):
        return compact, None
    raise UnknownPostcode(FORMAT_MESSAGE)


def format_postcode(text: str) -> str:
    """``"se17ae"`` -> ``"SE1 7AE"``; raises UnknownPostcode if it is not postcode-shaped."""
    outward, inward = parse(text)
    return outward if inward is None else f"{outward} {inward}"


def from_latlon(latitude: float, longitude: float) -> Location:
    """A Location for coordinates, after checking they are numbers inside the UK."""
    lat = _coordinate(latitude, "latitude", LATITUDE_RANGE)
    lon = _coordinate(longitude, "longitude", LONGITUDE_RANGE)
    return Location(None, lat, lon, None, "point")


def _coordinate(value: object, field: str, bounds: tuple[float, float]) -> float:
    try:
        if isinstance(value, bool):  # bool is an int: True would pass as 1.0
            raise TypeError
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidCoordinates(f"Enter the {field} as a number", field) from None
    low, high = bounds
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidCoordinates(
            f"{field.capitalize()} {value} is outside the UK: it must be between {low} and {high}",
            field,
        )
    return number


class Geocoder:
    """Postcode lookups against the built database; safe to share between threads.

    One read-only connection guarded by a lock: a lookup holds it for a few microseconds,
    so threads barely contend, and there is one file handle per process, not per thread.
    The database is opened ``immutable`` (no file locking): the builder never edits a live
    file, it renames a new one into place, which this process sees after reopening.
    """

    def __init__(self, path: Path | str) -> None:
        db = Path(path)
        if not db.is_file():
            raise FileNotFoundError(
                f"No postcode database at {db}: build it with `python -m services.common.geo.build`"
            )
        self.path = db
        uri = f"{db.resolve().as_uri()}?mode=ro&immutable=1"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._codes: dict[int, str] = dict(self._conn.execute("SELECT id, code FROM codes"))
        self.meta: Mapping[str, str] = dict(self._conn.execute("SELECT key, value FROM meta"))

    @classmethod
    def open_default(cls, env: Mapping[str, str] | None = None) -> Geocoder:
        """Open ``${VMP_DATA_DIR:-var/data}/postcodes.sqlite``."""
        return cls(paths.default_db_path(env))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Geocoder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def attribution(self) -> str:
        """The OGL attribution to show wherever these positions are displayed."""
        return self.meta.get("attribution", "")

    @property
    def postcode_count(self) -> int:
        return int(self.meta.get("row_count", "0"))

    from_latlon = staticmethod(from_latlon)

    def lookup(self, text: str) -> Location:
        """Place a full postcode or an outward code, or raise UnknownPostcode saying why."""
        outward, inward = parse(text)
        if inward is None:
            return self._outward_or_raise(outward)
        row = self._one(
            "SELECT lat_e6, lon_e6, district_id FROM postcodes WHERE postcode = ?",
            outward + inward,
        )
        if row is None:
            raise self._unknown_postcode(outward, inward)
        lat, lon, district = row
        return Location(
            f"{outward} {inward}",
            lat / MICRODEGREES,
            lon / MICRODEGREES,
            self._codes.get(district),
            "postcode",
        )

    def district_of(self, postcode: str) -> str | None:
        """ONS admin district code (e.g. E09000022) of a full postcode; None for outward codes."""
        return self.lookup(postcode).district_code

    def _outward(self, outward: str) -> Location | None:
        row = self._one("SELECT lat_e6, lon_e6 FROM outwards WHERE outward = ?", outward)
        if row is None:
            return None
        return Location(outward, row[0] / MICRODEGREES, row[1] / MICRODEGREES, None, "outward")

    def _outward_or_raise(self, outward: str) -> Location:
        location = self._outward(outward)
        if location is not None:
            return location
        if self._outward_without_position(outward):
            raise UnknownPostcode(f"{outward} has no map position yet. Try a nearby postcode")
        raise UnknownPostcode(_not_covered(outward, outward) or _area_unknown(outward))

    def _outward_without_position(self, outward: str) -> bool:
        # A handful of non-geographic districts (e.g. EN77) only have unplaced postcodes.
        # Inward codes start with a digit, so "SE1" + [0-9] + two letters; the length check
        # keeps "SE10..." out of "SE1"'s range.
        sql = (
            "SELECT 1 FROM postcodes_without_position WHERE postcode BETWEEN ? AND ?"
            f" AND length(postcode) = {len(outward) + 3} LIMIT 1"
        )
        with self._lock:
            return self._conn.execute(sql, (outward + "0", outward + "9ZZ")).fetchone() is not None

    def _unknown_postcode(self, outward: str, inward: str) -> UnknownPostcode:
        display = f"{outward} {inward}"
        not_covered = _not_covered(outward, display)
        if not_covered:
            return UnknownPostcode(not_covered)
        suggestion = self._outward(outward)
        nearby = f"{outward} is known: search near {outward} instead?"
        if self._known_without_position(outward + inward):
            advice = nearby if suggestion else "Try a nearby postcode"
            return UnknownPostcode(
                f"{display} has no map position yet. {advice}", suggestion=suggestion
            )
        if suggestion is None:
            return UnknownPostcode(_area_unknown(outward))
        return UnknownPostcode(f"We could not find {display}. {nearby}", suggestion=suggestion)

    def _known_without_position(self, compact: str) -> bool:
        sql = "SELECT 1 FROM postcodes_without_position WHERE postcode = ?"
        return self._one(sql, compact) is not None

    def _one(self, sql: str, key: str) -> tuple | None:
        with self._lock:
            return self._conn.execute(sql, (key,)).fetchone()


def _not_covered(outward: str, display: str) -> str | None:
    area = _AREA_RE.match(outward)
    reason = _NOT_COVERED.get(area.group(0)) if area else None
    return f"We could not find {display}: {reason}." if reason else None


def _area_unknown(outward: str) -> str:
    return f"We could not find the postcode area {outward}"
