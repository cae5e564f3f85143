"""The postcode database layout, shared by the builder and the reader.

Bump ``SCHEMA_VERSION`` whenever the DDL changes: the builder compares it with the
version recorded in ``meta`` and rebuilds instead of reporting "up to date".

Space matters for a 1.7 million row table that every service opens: positions are stored
as integer microdegrees (4-byte varints instead of 8-byte REALs, ~0.1 m resolution) and
ONS codes as small ids into ``codes``. Together that halves the file. The
``postcode_locations`` view shows the table in plain units for people poking at it.
"""

from __future__ import annotations

SCHEMA_VERSION = "2"
MICRODEGREES = 1_000_000

# WITHOUT ROWID stores each row once, inside the primary-key B-tree: a lookup is one
# B-tree descent and the file is smaller than a rowid table plus a separate index.
DDL = """
CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE       -- ONS GSS code: E09000022 (district), E92000001 (country)
);

CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY,      -- normalised: upper case, no space ("SE17AE")
    lat_e6 INTEGER NOT NULL,        -- WGS84 latitude in microdegrees
    lon_e6 INTEGER NOT NULL,
    district_id INTEGER REFERENCES codes (id),  -- admin district, NULL where OS left it blank
    country_id INTEGER REFERENCES codes (id),
    quality INTEGER NOT NULL        -- OS positional quality indicator (10 best .. 60)
) WITHOUT ROWID;

-- Postcodes that Code-Point Open lists with Eastings 0: real, but not placed yet.
CREATE TABLE postcodes_without_position (
    postcode TEXT PRIMARY KEY,
    district_id INTEGER REFERENCES codes (id),
    country_id INTEGER REFERENCES codes (id)
) WITHOUT ROWID;

CREATE TABLE outwards (
    outward TEXT PRIMARY KEY,       -- e.g. "SE1", "SW1A"
    lat_e6 INTEGER NOT NULL,        -- mean of its postcodes' positions
    lon_e6 INTEGER NOT NULL,
    postcode_count INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE VIEW postcode_locations AS
SELECT p.postcode, p.lat_e6 / 1e6 AS lat, p.lon_e6 / 1e6 AS lon,
       d.code AS district_code, c.code AS country_code, p.quality
FROM postcodes AS p
LEFT JOIN codes AS d ON d.id = p.district_id
LEFT JOIN codes AS c ON c.id = p.country_id;
"""

# Inward codes are always three characters, so the outward code is everything before.
FILL_OUTWARDS = """
INSERT INTO outwards (outward, lat_e6, lon_e6, postcode_count)
SELECT substr(postcode, 1, length(postcode) - 3),
       CAST(round(avg(lat_e6)) AS INTEGER), CAST(round(avg(lon_e6)) AS INTEGER), count(*)
FROM postcodes
GROUP BY 1
"""
