"""Saved-search alerts: time to match one newly published role against 100,000 saved searches.

    python -m bench.percolate --saved 100000 --roles 200            # SQLite in a temp dir
    python -m bench.percolate --database-url postgresql+psycopg://…  # PostgreSQL

The saved searches are a plausible mix: most are "near me" searches at real postcodes
(drawn from the Code-Point database in proportion to each district's postcodes, so cities
are dense) with a 5-50 km radius, the rest national; some filter by causes, skills,
commitment, sessions, accessibility, requirements or age, some have text, some are
remote-only or in-person only. Roles are published at real postcodes too (a tenth remote,
a tenth hybrid), with vocabulary codes and ordinary titles.

Matching is timed with a fresh percolator (a consumer just started: nothing parsed yet),
then again once warm; last, how long ``preload()`` takes to warm a new one up front.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import itertools
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from rich.console import Console
from rich.progress import track

from bench import results
from services.common.db import make_engine
from services.common.geo.paths import default_db_path
from services.common.geo.schema import MICRODEGREES
from services.common.vocab.vocabularies import Vocabularies, load_vocabularies
from services.search.adapters.percolator.sql import SqlPercolator, metadata
from services.search.domain.documents import GeoPoint, RoleDocument
from services.search.domain.query import RemoteMode, SearchQuery
from services.search.domain.synonyms import synonym_rules

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 1)
PUBLISHED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
RADII = (5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0)
COMMITMENTS = ("one_off", "regular", "flexible", "micro")
WORDS = (
    "gardening",
    "befriending",
    "driver",
    "youth",
    "elderly",
    "food bank",
    "reading",
    "cooking",
    "litter",
    "mentor",
    "museum",
    "shop",
    "sport",
    "coach",
    "animals",
    "hospital",
    "library",
    "community",
    "charity",
    "trustee",
    "fundraising",
    "music",
)
SINGLE_ADDS = 200  # of the saved searches, added one by one to time add(); the rest in batches
BATCH = 1000
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward codes never use C, I, K, M, O or V
console = Console()
T = TypeVar("T")


class Postcodes:
    """Seeded draws of real postcode positions, districts weighted by their postcode count."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        self.rng = rng
        rows = self.conn.execute("SELECT outward, postcode_count FROM outwards ORDER BY outward")
        self.outwards, counts = zip(*rows, strict=True)
        self.cumulative = list(itertools.accumulate(counts))  # choices() is O(n) without

    def draw(self) -> GeoPoint:
        while True:
            outward = self.rng.choices(self.outwards, cum_weights=self.cumulative)[0]
            probe = f"{outward}{self.rng.randrange(10)}{self.rng.choice(INWARD_LETTERS)}A"
            row = self.conn.execute(
                "SELECT postcode, lat_e6, lon_e6 FROM postcodes WHERE postcode >= ?"
                " ORDER BY postcode LIMIT 1",
                (probe,),
            ).fetchone()
            if row and row[0][:-3] == outward:
                postcode = f"{row[0][:-3]} {row[0][-3:]}"
                return GeoPoint(row[1] / MICRODEGREES, row[2] / MICRODEGREES, postcode)


class Mix:
    """The random saved searches and roles, from the real vocabularies."""

    def __init__(self, rng: random.Random, places: Postcodes, vocab: Vocabularies) -> None:
        self.rng, self.places = rng, places
        self.codes = {name: vocab[name].codes for name in vocab.names()}

    def some(self, vocabulary: str, chance: float, most: int) -> frozenset[str]:
        if self.rng.random() >= chance:
            return frozenset()
        return frozenset(self.rng.sample(self.codes[vocabulary], self.rng.randint(1, most)))

    def search(self) -> SearchQuery:
        rng = self.rng
        roll = rng.random()
        mode = RemoteMode.INCLUDE if roll < 0.75 else RemoteMode.ONLY if roll < 0.85 else None
        return SearchQuery(
            today=TODAY,
            origin=self.places.draw() if rng.random() < 0.88 else None,
            radius_km=rng.choice(RADII),
            remote=mode or RemoteMode.EXCLUDE,
            text=" ".join(rng.sample(WORDS, rng.randint(1, 2))) if rng.random() < 0.2 else None,
            causes=self.some("causes", 0.35, 3),
            skills=self.some("skills", 0.15, 2),
            commitment=frozenset(rng.sample(COMMITMENTS, 2)) if rng.random() < 0.2 else frozenset(),
            available=self.some("session_times", 0.1, 4),
            accessibility=self.some("accessibility", 0.05, 1),
            exclude_requirements=self.some("requirements", 0.1, 2),
            age=rng.randint(14, 80) if rng.random() < 0.15 else None,
        )

    def role(self, n: int) -> RoleDocument:
        rng = self.rng
        kind = rng.random()
        located = kind < 0.9
        words = rng.sample(WORDS, 2)
        return RoleDocument(
            id=f"bench-role-{n:05d}",
            title=f"{words[0].capitalize()} volunteer",
            summary=f"Help with {words[1]} in your area",
            description="Join a friendly team. Training and expenses provided.",
            organisation_id=f"org-{rng.randrange(500)}",
            organisation_name="Bench Community Trust",
            commitment=rng.choice(COMMITMENTS),
            remote=kind >= 0.8,
            published_at=PUBLISHED,
            updated_at=PUBLISHED,
            locations=tuple(self.places.draw() for _ in range(rng.choice((1, 1, 1, 2))))
            if located
            else (),
            causes=tuple(self.some("causes", 1.0, 2)),
            skills=tuple(self.some("skills", 0.8, 3)),
            requirements=tuple(self.some("requirements", 0.3, 2)),
            accessibility=tuple(self.some("accessibility", 0.4, 3)),
            sessions=tuple(self.some("session_times", 0.7, 4)),
            minimum_age=rng.choice((None, None, 16, 18)),
        )


def timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def add_all(percolator: SqlPercolator, saved: list[tuple[str, SearchQuery]]) -> None:
    single = saved[:SINGLE_ADDS]
    waits = [timed(functools.partial(percolator.add, *item))[0] for item in single]
    console.print(
        f"add(): {len(waits)} one at a time, p50 {1000 * statistics.median(waits):.1f} ms"
    )
    rest = saved[SINGLE_ADDS:]
    started = time.perf_counter()
    for start in track(range(0, len(rest), BATCH), description="add_many", console=console):
        percolator.add_many(rest[start : start + BATCH])
    took = time.perf_counter() - started
    console.print(
        f"add_many(): {len(rest):,} in batches of {BATCH:,}: {took:.1f} s "
        f"({len(rest) / took:,.0f} a second)"
    )


def match_all(label: str, percolator: SqlPercolator, roles: Sequence[RoleDocument]) -> list[float]:
    waits, found = [], []
    for doc in track(roles, description=f"match ({label})", console=console):
        took, ids = timed(functools.partial(percolator.match, doc, TODAY))
        waits.append(took)
        found.append(len(ids))
    cuts = statistics.quantiles(waits, n=100)
    console.print(
        f"[bold]match, {label}[/]: {len(roles)} roles; per role p50 {1000 * cuts[49]:.0f} ms, "
        f"p95 {1000 * cuts[94]:.0f} ms, max {1000 * max(waits):.0f} ms "
        f"(first {1000 * waits[0]:.0f} ms); matches per role p50 {statistics.median(found):.0f}, "
        f"mean {statistics.mean(found):,.0f}, max {max(found):,}"
    )
    return waits


def prepare(url: str, reset: bool) -> sa.Engine:
    engine = make_engine(url)
    if reset:
        metadata.drop_all(engine)  # only the percolator's own tables
    metadata.create_all(engine)
    percolator = SqlPercolator(engine)
    if percolator.count():
        raise SystemExit(f"{url} already holds saved searches: pass --reset to drop them")
    return engine


def run(args: argparse.Namespace, url: str) -> None:
    rng = random.Random(args.seed)
    path = default_db_path()
    places = Postcodes(path if path.is_absolute() else ROOT / path, rng)
    vocab = load_vocabularies()
    mix = Mix(rng, places, vocab)
    took, saved = timed(lambda: [(f"saved-{n:06d}", mix.search()) for n in range(args.saved)])
    roles = [mix.role(n) for n in range(args.roles)]
    console.print(f"generated {args.saved:,} saved searches in {took:.1f} s; database {url}")
    engine = prepare(url, args.reset)
    synonyms = synonym_rules(vocab)
    try:
        add_all(SqlPercolator(engine, synonyms=synonyms), saved)
        fresh = SqlPercolator(engine, synonyms=synonyms)  # nothing parsed or cached yet
        cold = match_all("cold start", fresh, roles)
        warm = match_all("warm", fresh, roles)
        results.save("percolate", {"saved_searches": args.saved, "roles": args.roles,
                                   "cold_ms": results.quantiles_ms(cold),
                                   "warm_ms": results.quantiles_ms(warm)})  # fmt: skip
        took, count = timed(SqlPercolator(engine, synonyms=synonyms).preload)
        console.print(f"preload(): {count:,} saved searches parsed in {took:.1f} s")
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saved", type=int, default=100_000)
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--reset", action="store_true", help="drop existing percolator tables")
    args: Any = parser.parse_args(argv)
    if args.database_url:
        run(args, args.database_url)
        return
    with tempfile.TemporaryDirectory(prefix="percolate-bench-") as tmp:
        run(args, f"sqlite:///{Path(tmp) / 'percolator.sqlite'}")


if __name__ == "__main__":
    main()
