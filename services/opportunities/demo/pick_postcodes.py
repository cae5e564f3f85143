"""One-off: pick real postcodes near each demo town centre and write ``postcodes.json``.

    python -m services.opportunities.demo.pick_postcodes [--db var/data/postcodes.sqlite]

Run by hand when the town list changes; the generator reads only the JSON it writes, so
building demo data never needs the 54 MB Code-Point database. For each town in
``towns.TOWNS`` it takes the best-placed postcodes (OS positional quality 10) within a
radius of the centre that grows with the town's size: first the one nearest the centre,
then, one at a time, the candidate farthest from those already chosen, so the picks
spread over the town instead of bunching on one street. Postcodes in PO box and
large-user districts (SE1P, M60, EH99) are left out. It also records the outward codes of
the same postcode area whose centroids lie near the centre: volunteer centres use them as
catchments.
Everything is sorted before choosing, so the same database always gives the same file.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any, TypedDict

from services.common.geo import distance_km
from services.common.geo.paths import default_db_path
from services.common.geo.schema import MICRODEGREES
from services.opportunities.demo.templates import Town
from services.opportunities.demo.towns import LONDON, TOWNS

OUT = Path(__file__).with_name("postcodes.json")
RADIUS_KM = {1: 1.0, 2: 1.2, 3: 1.5, 4: 1.5, 5: 1.8, 6: 2.0}  # by town weight
LONDON_RADIUS_KM = 1.2  # boroughs are small: stay on the right side of the river
OUTWARD_RADIUS_KM = 6.0
MAX_OUTWARDS = 8
# A real neighbourhood's postcodes sit at many places; a PO box range (SE1P: 908 postcodes,
# 2 positions) or a large-user district (M60, S98) at a handful.
MIN_SPREAD = 0.5
MIN_POSTCODES = 50  # EH99 (the Scottish Parliament) has 2
BEST_QUALITY = 10  # OS: "within the building of the matched address closest to the centroid"

Candidate = tuple[str, float, float]  # compact postcode, latitude, longitude


def how_many(town: Town) -> int:
    """3 postcodes for a village-sized place, up to 6 for a big city."""
    return min(6, 2 + town.weight)


def _box(town: Town, radius_km: float) -> tuple[int, int, int, int]:
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * math.cos(math.radians(town.latitude)))
    return (
        round((town.latitude - dlat) * MICRODEGREES),
        round((town.latitude + dlat) * MICRODEGREES),
        round((town.longitude - dlon) * MICRODEGREES),
        round((town.longitude + dlon) * MICRODEGREES),
    )


def _area(code: str) -> str:
    """The postcode area: the leading letters ("SE" of "SE17AE")."""
    return code[: len(code) - len(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]


@functools.cache
def _geographic(conn: sqlite3.Connection, outward: str) -> bool:
    count, positions = conn.execute(
        "SELECT count(*), count(DISTINCT lat_e6 * 1000000000 + lon_e6) FROM postcodes"
        " WHERE postcode BETWEEN ? AND ? AND length(postcode) = ?",
        (outward + "0", outward + "9ZZ", len(outward) + 3),
    ).fetchone()
    return count >= MIN_POSTCODES and positions / count >= MIN_SPREAD


def _format(compact: str) -> str:
    return f"{compact[:-3]} {compact[-3:]}"


def candidates(conn: sqlite3.Connection, town: Town, radius_km: float) -> list[Candidate]:
    lat_lo, lat_hi, lon_lo, lon_hi = _box(town, radius_km)
    rows = conn.execute(
        "SELECT postcode, lat_e6, lon_e6 FROM postcodes WHERE quality = ?"
        " AND lat_e6 BETWEEN ? AND ? AND lon_e6 BETWEEN ? AND ? ORDER BY postcode",
        (BEST_QUALITY, lat_lo, lat_hi, lon_lo, lon_hi),
    )
    found = []
    for postcode, lat_e6, lon_e6 in rows:
        if not _geographic(conn, postcode[:-3]):
            continue
        lat, lon = lat_e6 / MICRODEGREES, lon_e6 / MICRODEGREES
        if distance_km(town.latitude, town.longitude, lat, lon) <= radius_km:
            found.append((postcode, lat, lon))
    return found


def spread(town: Town, found: list[Candidate], n: int) -> list[Candidate]:
    """The candidate nearest the centre, then farthest-point picks among the rest."""

    def from_centre(c: Candidate) -> tuple[float, str]:
        return distance_km(town.latitude, town.longitude, c[1], c[2]), c[0]

    def from_chosen(c: Candidate) -> tuple[float, str]:
        return min(distance_km(c[1], c[2], p[1], p[2]) for p in chosen), c[0]

    chosen = [min(found, key=from_centre)]
    while len(chosen) < min(n, len(found)):
        chosen.append(max((c for c in found if c not in chosen), key=from_chosen))
    return chosen


class Picked(TypedDict):
    name: str
    postcodes: list[dict[str, Any]]
    outward_codes: list[str]


def pick_town(conn: sqlite3.Connection, town: Town) -> Picked:
    radius = LONDON_RADIUS_KM if town.region == LONDON else RADIUS_KM[town.weight]
    found = candidates(conn, town, radius)
    while len(found) < how_many(town):  # sparse places (islands): look a little further out
        radius *= 1.5
        found = candidates(conn, town, radius)
    chosen = spread(town, found, how_many(town))
    # Outward codes of the same postcode area (SE for Southwark, not the City's EC across
    # the river) that are neighbourhoods, not PO box or large-user ranges (SE1P, M60).
    letters = _area(chosen[0][0])
    rows = conn.execute("SELECT outward, lat_e6, lon_e6 FROM outwards")
    outwards = sorted(
        (distance_km(town.latitude, town.longitude, lat / MICRODEGREES, lon / MICRODEGREES), out)
        for out, lat, lon in rows
        if _area(out) == letters
    )
    outwards = [(km, out) for km, out in outwards if _geographic(conn, out)]
    near = [out for km, out in outwards if km <= OUTWARD_RADIUS_KM][:MAX_OUTWARDS]
    return {
        "name": town.name,
        "postcodes": [
            {"postcode": _format(pc), "latitude": round(lat, 6), "longitude": round(lon, 6)}
            for pc, lat, lon in chosen
        ],
        "outward_codes": near or [outwards[0][1]],
    }


def _dumps(document: dict[str, Any]) -> str:
    """Indented JSON with each postcode, and each list of outward codes, on one line."""
    text = json.dumps(document, indent=1, ensure_ascii=False)
    text = re.sub(r"\{\n\s+(\"postcode\": [^}]*?)\n\s+\}", _one_line, text)
    text = re.sub(r"(\"outward_codes\": )\[\n([^\]]*?)\n\s+\]", _one_line_list, text)
    return text + "\n"


def _one_line(match: re.Match[str]) -> str:
    return "{" + re.sub(r",\n\s+", ", ", match.group(1)) + "}"


def _one_line_list(match: re.Match[str]) -> str:
    return match.group(1) + "[" + re.sub(r",\n\s+", ", ", match.group(2).strip()) + "]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=default_db_path())
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    conn = sqlite3.connect(f"{args.db.resolve().as_uri()}?mode=ro", uri=True)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    towns = {}
    count = 0
    for town in TOWNS:
        towns[town.key] = picked = pick_town(conn, town)
        postcodes = [p["postcode"] for p in picked["postcodes"]]
        count += len(postcodes)
        print(f"{town.name}: {', '.join(postcodes)}")
    document = {
        "about": "Real postcodes for the demo data, picked by pick_postcodes.py.",
        "source": f"OS Code-Point Open {meta.get('source_version', '')}".strip(),
        "attribution": meta.get("attribution", ""),
        "towns": towns,
    }
    args.out.write_text(_dumps(document), encoding="utf-8")
    print(f"Wrote {count} postcodes for {len(towns)} towns to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
