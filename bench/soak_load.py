"""Soak under load: minutes of searches at a constant rate while roles keep being posted.

    python -m bench.soak_load --minutes 10 --rate 200                 # issue 9's figure
    python -m bench.soak_load --roles 2000 --minutes 0.5 --rate 20    # smoke run

The national catalogue of ``bench/corpus.py`` goes into the index through its bulk path and
the gateway runs under gunicorn as in ``bench/search_scale.py`` (2 workers x 4 threads,
embedded mode). Its background workers (relays, indexer, jobs) run in one process of their
own beside it, as they would at scale: in every gunicorn worker they would run twice over.

- locust (its own process) keeps a constant arrival rate of searches from the realistic mix
  (``bench/search_queries.py``): each user searches every 2 s, so an answer up to 2 s slow
  does not lower the rate, and every request is logged;
- a writer thread creates and publishes roles through the API at ``--writes-per-s``, and a
  watcher searches for them until each is found: how many became searchable, and how soon.

Reported per window (a minute by default): searches/s achieved, p50/p95, errors; overall:
the error rate, p95 stability (largest window p95 over smallest), writes made and indexed,
and post -> searchable p95. A rich table, and JSON in ``var/bench/soak_load.json``. Exits 1
when anything failed or a posted role never became searchable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bench import results, search_queries, search_scale
from bench.post_to_searchable import role_body
from bench.search_scale import ROOT, console
from services.common.auth import issue_token
from services.common.geo.paths import default_db_path

RESULTS = ROOT / "var" / "bench" / "soak_load.json"
SECRET = "soak-secret-" + uuid.uuid4().hex
USER_RATE = 0.5  # searches a second per simulated person: slack for slow answers, see above
QUERY_MIX = 5000  # distinct queries, cycled: enough that caches do not answer everything
POLL_S = 0.1  # how often the watcher looks for posted roles: the delays' resolution
GRACE_S = 60.0  # after the load, how long posted roles may still take to become searchable


def run_workers() -> None:
    """The embedded platform's background workers, alone (the sidecar's entry point)."""
    from gateway.wsgi import create_app

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    create_app(start_workers=True)  # its atexit hook stops the workers on the way out
    stop.wait()


@contextmanager
def sidecar(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """``run_workers`` in its own process, on the gateway's data folder (the same settings
    ``search_scale.gateway`` gives gunicorn; started after it, which migrated the folder)."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from bench.soak_load import run_workers; run_workers()"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            proc.wait(30)


@dataclass
class Post:
    role_id: str
    published: float  # epoch seconds when publish answered, to line up with locust's log
    searchable: float | None = None


@dataclass
class Writer:
    """Posts roles through the gateway's write API at a steady rate, and watches search
    until each one is listed."""

    base: str
    per_s: float
    posts: list[Post] = field(default_factory=list)
    write_s: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    checks: int = 0
    org_id: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    # One session per thread (writer, watcher): requests does not promise a shared one works.
    session: requests.Session = field(default_factory=requests.Session)
    reader: requests.Session = field(default_factory=requests.Session)

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        # A fresh token each time: access tokens expire after 15 minutes, runs may be longer.
        headers = {"Authorization": f"Bearer {issue_token(SECRET, 'soak-owner')}"}
        answer = self.session.request(method, self.base + path, headers=headers, timeout=35, **kw)
        if answer.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {path}: {answer.status_code} {answer.text[:200]}")
        return answer.json()

    def prime(self) -> None:
        """The organisation, and a first role seen through to search: the pipeline works
        before the clock starts, and its start-up cost stays out of the figures."""
        org = {"name": "Soak Trust", "type": "charity", "postcode": "SE1 7AE"}
        self.org_id = self._call("post", "/api/v1/organisations", json=org)["id"]
        first = self._post(0)
        deadline = time.monotonic() + 120
        while first.searchable is None:
            if time.monotonic() > deadline:
                raise SystemExit("the first posted role never became searchable")
            time.sleep(POLL_S)
            self.look()
        self.posts.clear()
        self.write_s.clear()

    def _post(self, n: int) -> Post:
        started = time.perf_counter()
        role = self._call("post", "/api/v1/opportunities", json=role_body(self.org_id, n))
        self._call("post", f"/api/v1/opportunities/{role['id']}/publish")
        post = Post(role["id"], time.time())
        with self.lock:
            self.posts.append(post)
            self.write_s.append(time.perf_counter() - started)
        return post

    def write(self, seconds: float) -> None:
        """One post every 1/per_s seconds for ``seconds``, on a fixed schedule: one that
        answers late is followed at once by the next, so the rate holds."""
        started = time.monotonic()
        for n in range(1, round(seconds * self.per_s) + 1):
            time.sleep(max(0.0, started + n / self.per_s - time.monotonic()))
            try:
                self._post(n)
            except (RuntimeError, requests.RequestException) as error:
                self.failures.append(f"write {n}: {error}")

    def pending(self) -> list[Post]:
        with self.lock:
            return [p for p in self.posts if p.searchable is None]

    def look(self) -> None:
        """One search for the organisation's newest roles; marks the pending ones found.
        The pending roles are the newest few, so one page of 50 holds them."""
        waiting = {p.role_id: p for p in self.pending()}
        if not waiting:
            return
        query = {"organisation": self.org_id, "sort": "newest", "per_page": "50"}
        self.checks += 1
        try:
            answer = self.reader.get(f"{self.base}/api/v1/search", params=query, timeout=35)
            answer.raise_for_status()
        except requests.RequestException as error:
            self.failures.append(f"check: {error}")
            return
        now = time.time()
        for role in answer.json()["results"]:
            if role["id"] in waiting:
                waiting[role["id"]].searchable = now

    def watch(self, until: threading.Event) -> None:
        while not until.wait(POLL_S):
            self.look()

    def indexed(self) -> int:
        """How many of the organisation's roles search counts, the primed one aside."""
        query = {"organisation": self.org_id, "per_page": "1"}
        answer = self.reader.get(f"{self.base}/api/v1/search", params=query, timeout=35)
        answer.raise_for_status()
        return int(answer.json()["total"]) - 1


def start_locust(base: str, rate: float, seconds: int, queries: Path, log: Path,
                 out: Path) -> subprocess.Popen:  # fmt: skip
    """locust headless at ``rate`` searches a second, every request logged to ``log``."""
    users = max(1, math.ceil(rate / USER_RATE))
    env = {**os.environ, "BENCH_PATH": "/api/v1/search", "BENCH_QUERIES": str(queries),
           "BENCH_USER_RATE": str(rate / users), "BENCH_LOG": str(log)}  # fmt: skip
    # Spawning every user within one period spreads their phases evenly over it: all at once,
    # they would search in bursts of ``users`` each period instead of a steady stream.
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
               "--headless", "-u", str(users), "-r", str(rate), "-t", f"{seconds}s",
               "--host", base, "--only-summary", "--loglevel", "WARNING",
               "SteadySearcher"]  # fmt: skip
    with out.open("w") as sink:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)


Sample = tuple[float, float, bool]  # start (epoch s), response time (s), succeeded


def read_samples(log: Path) -> list[Sample]:
    samples = []
    for line in log.read_text().splitlines():
        start, ms, ok = line.split(",")
        samples.append((float(start), float(ms) / 1000, ok == "1"))
    return samples


def windows(samples: list[Sample], posts: list[Post], seconds: float,
            window_s: float) -> list[dict[str, Any]]:  # fmt: skip
    """Per window from the first search: searches/s achieved, latency, errors, writes."""
    t0 = min(s[0] for s in samples)
    count = max(1, math.ceil(seconds / window_s))

    # The first and last windows take what falls outside the nominal run: writes start a
    # moment before locust's first search, and the last answers land after its end.
    def window(t: float) -> int:
        return max(0, min(count - 1, int((t - t0) // window_s)))

    buckets: list[list[Sample]] = [[] for _ in range(count)]
    writes = [0] * count
    for sample in samples:
        buckets[window(sample[0])].append(sample)
    for post in posts:
        writes[window(post.published)] += 1
    rows = []
    for i, bucket in enumerate(buckets):
        start, end = i * window_s, min(seconds, (i + 1) * window_s)
        rows.append({"from_s": round(start), "to_s": round(end),
                     "searches_per_s": round(len(bucket) / (end - start), 1),
                     "latency_ms": results.quantiles_ms([s[1] for s in bucket]),
                     "errors": sum(not s[2] for s in bucket), "writes": writes[i]})  # fmt: skip
    return rows


def summary(samples: list[Sample], rows: list[dict[str, Any]], writer: Writer,
            seconds: float) -> dict[str, Any]:  # fmt: skip
    errors = sum(not s[2] for s in samples)
    p95s = [r["latency_ms"]["p95"] for r in rows if r["latency_ms"]["n"] >= 2]
    delays = [p.searchable - p.published for p in writer.posts if p.searchable is not None]
    made = len(samples) + len(writer.posts) + writer.checks
    return {
        "searches": len(samples),
        "searches_per_s": round(len(samples) / seconds, 1),
        "search_errors": errors,
        "latency_ms": results.quantiles_ms([s[1] for s in samples]),
        "p95_stability": round(max(p95s) / min(p95s), 2) if p95s else None,
        "writes": len(writer.posts),
        "writes_per_s": round(len(writer.posts) / seconds, 2),
        "write_ms": results.quantiles_ms(writer.write_s),
        "indexed": writer.indexed(),
        "seen_searchable": len(delays),
        "post_to_searchable_ms": results.quantiles_ms(delays),
        "checks": writer.checks,
        "other_errors": writer.failures[:20],
        "error_rate": round((errors + len(writer.failures)) / max(1, made), 6),
    }


def show(result: dict[str, Any]) -> None:
    table = Table(title=f"{result['adapter']}, {result['size']:,} roles, "
                        f"{result['target_per_s']} searches/s wanted")  # fmt: skip
    for column in ("window", "searches/s", "p50 ms", "p95 ms", "errors", "writes"):
        table.add_column(column, justify="right")
    for row in result["windows"]:
        table.add_row(f"{row['from_s']}-{row['to_s']} s", f"{row['searches_per_s']}",
                      f"{row['latency_ms']['p50']}", f"{row['latency_ms']['p95']}",
                      f"{row['errors']}", f"{row['writes']}")  # fmt: skip
    console.print(table)
    o = result["overall"]
    console.print(
        f"searches {o['searches']:,} at {o['searches_per_s']}/s, p50 {o['latency_ms']['p50']} "
        f"p95 {o['latency_ms']['p95']} p99 {o['latency_ms']['p99']} ms; p95 stability "
        f"{o['p95_stability']}; error rate {o['error_rate']}\n"
        f"writes {o['writes']} ({o['writes_per_s']}/s, p95 {o['write_ms']['p95']} ms), "
        f"indexed {o['indexed']}, seen by the watcher {o['seen_searchable']}; post -> "
        f"searchable p50 {o['post_to_searchable_ms']['p50']} p95 "
        f"{o['post_to_searchable_ms']['p95']} ms"
    )


def drive(base: str, args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    """The timed run: locust and the writer together, then the stragglers' grace."""
    seconds = max(1, round(args.minutes * 60))
    queries, log = data_dir / "queries.json", data_dir / "searches.log"
    queries.write_text(json.dumps(search_queries.mix(QUERY_MIX)))
    writer = Writer(base, args.writes_per_s)
    writer.prime()
    stop_watching = threading.Event()
    posting = threading.Thread(target=writer.write, args=(seconds,), daemon=True)
    watching = threading.Thread(target=writer.watch, args=(stop_watching,), daemon=True)
    locust = start_locust(base, args.rate, seconds, queries, log, data_dir / "locust.log")
    posting.start()
    watching.start()
    follow(locust, log, writer, seconds)
    posting.join(60)
    deadline = time.monotonic() + GRACE_S
    while writer.pending() and time.monotonic() < deadline:
        time.sleep(POLL_S)
    stop_watching.set()
    watching.join(60)
    samples = read_samples(log)
    if not samples:
        raise SystemExit(f"locust made no requests; see {data_dir / 'locust.log'}")
    rows = windows(samples, writer.posts, seconds, args.window_s)
    return {"windows": rows, "overall": summary(samples, rows, writer, seconds)}


def follow(locust: subprocess.Popen, log: Path, writer: Writer, seconds: int) -> None:
    """A progress bar over the run, with the live counts, until locust exits."""
    columns = (TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("load", total=seconds)
        started, done, failed = time.monotonic(), 0, 0
        log.touch()
        with log.open() as lines:  # read as it grows: the whole file each second adds up
            while locust.poll() is None:
                time.sleep(1)
                for line in lines.readlines():
                    done += 1
                    failed += line.rstrip().endswith(",0")
                elapsed = time.monotonic() - started
                bar.update(task, completed=min(seconds, elapsed), description=(
                    f"{done:,} searches ({done / elapsed:.0f}/s), {failed} failed; "
                    f"{len(writer.posts)} writes, {len(writer.pending())} unseen"))  # fmt: skip


def load_index(adapter: str, args: argparse.Namespace, es: Any, data_dir: Path) -> dict[str, str]:
    """The catalogue into a fresh index; the settings that point the platform at it."""
    from services.common.vocab.vocabularies import load_vocabularies
    from services.search.domain.synonyms import synonym_rules

    synonyms = synonym_rules(load_vocabularies())
    env = {"VMP_SEARCH_BACKEND": adapter, "VMP_AUTH_SECRET": SECRET}
    index: Any
    if adapter == "elasticsearch":
        from services.search.adapters.index.elastic import ElasticsearchIndex

        prefix = f"soak{args.roles}"
        index = ElasticsearchIndex(es.url, prefix, synonyms)
        env |= {"VMP_ELASTICSEARCH_URL": es.url, "VMP_INDEX_PREFIX": prefix}
    else:
        from services.search.adapters.index.embedded import SqliteSearchIndex

        index = SqliteSearchIndex(data_dir / "search-index.sqlite", synonyms)
    search_scale.load(index, args.roles, args.seed)
    index.close()
    return env


def run_adapter(adapter: str, args: argparse.Namespace, es: Any) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"vmp-soak-{adapter}-"))
    env = load_index(adapter, args, es, data_dir)
    workers_env = {"VMP_MODE": "embedded", "VMP_ENV": "development",
                   "VMP_DATA_DIR": str(data_dir), "VMP_DEMO_DATA": "off",
                   "VMP_POSTCODES_DB": str(default_db_path()), "VMP_LOG_LEVEL": "WARNING",
                   **env}  # fmt: skip
    with (
        search_scale.gateway(data_dir, env) as (base, _),
        sidecar(workers_env, data_dir / "workers.log"),
    ):
        figures = drive(base, args, data_dir)
    result = {"adapter": adapter, "size": args.roles, "target_per_s": args.rate,
              "writes_target_per_s": args.writes_per_s, **figures}  # fmt: skip
    show(result)
    if failed(result):  # the logs (gateway, workers, locust) are what explains it
        result["data_dir"] = str(data_dir)
        console.print(f"[red]failures: see the logs in {data_dir}[/]")
    else:
        shutil.rmtree(data_dir)
    return result


def failed(result: dict[str, Any]) -> bool:
    o = result["overall"]
    return bool(o["search_errors"] or o["other_errors"] or o["indexed"] != o["writes"])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--roles", type=int, default=100_000, help="catalogue size")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=200, help="target searches a second")
    parser.add_argument("--writes-per-s", type=float, default=2)
    parser.add_argument("--window-s", type=float, default=60, help="report per this long")
    parser.add_argument("--adapters", default="embedded", help="embedded,elasticsearch")
    parser.add_argument("--es-url", help="use this Elasticsearch instead of starting one")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    adapters = args.adapters.split(",")
    with search_scale.elasticsearch("elasticsearch" in adapters, args.es_url) as es:
        runs = [run_adapter(adapter, args, es) for adapter in adapters]
    document = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "args": vars(args) | {"json": str(args.json)}, "results": runs}  # fmt: skip
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2))
    console.print(f"written {args.json}")
    return 1 if any(failed(r) for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
