"""Search at Do-it scale, side by side: the embedded index and Elasticsearch, at each size.

    python -m bench.search_scale --sizes 100000,1000000              # both adapters
    python -m bench.search_scale --sizes 2000 --queries 100 --rate-seconds 5   # smoke run

For each size the catalogue of ``bench/corpus.py`` is loaded through the index's bulk path
(``rebuild``, what ``reindex`` uses), with progress bars. Then, per adapter, the gateway
runs under gunicorn (2 workers x 4 threads, embedded mode, background workers off: only
searches run) and this process, the client, measures:

- latency p50/p95/p99 of the query mix (``bench/search_queries.py``) through the gateway,
  one query at a time after a warm-up; for Elasticsearch also the same queries' bodies sent
  straight to Elasticsearch, so the ratio is the gateway's overhead;
- sustained searches per second with locust headless in its own process
  (``bench/locustfile.py``), and a trivial endpoint's requests per second on the same stack;
- resident memory of the gateway (master and workers) and of Elasticsearch.

Results go to ``var/bench/search_scale.json``; ``python -m bench.report`` makes the tables
and charts of docs/benchmarks.md from them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from rich.console import Console
from rich.progress import Progress, track

from bench import corpus, results, search_queries
from deploy.engines.process import rss_bytes
from services.common.geo.paths import default_db_path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".run" / "bench-infra"
RESULTS = ROOT / "var" / "bench" / "search_scale.json"
console = Console()
LOCUST_QUERIES = 20_000


def load(index: Any, size: int, seed: int) -> float:
    """Rebuild ``index`` with the catalogue; seconds taken."""
    with Progress(console=console) as bar:
        task = bar.add_task(f"{index.name}: {size:,} roles", total=size)

        def documents() -> Iterator[Any]:
            for document in corpus.roles(size, seed):
                yield document
                bar.advance(task)

        started = time.perf_counter()
        index.ensure_ready()
        count = index.rebuild(documents())
    if count != size:
        raise SystemExit(f"{index.name} indexed {count} of {size} roles")
    return time.perf_counter() - started


@contextmanager
def gateway(data_dir: Path, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen]]:
    """The gateway under gunicorn on a free port, reading the index just built."""
    from tests.support import free_port, wait_for

    port = free_port()
    app = "gateway.wsgi:create_app(start_workers=False)"
    full = {**os.environ, "VMP_MODE": "embedded", "VMP_ENV": "development",
            "VMP_DATA_DIR": str(data_dir), "VMP_DEMO_DATA": "off",
            "VMP_POSTCODES_DB": str(default_db_path()),
            "VMP_LOG_LEVEL": "WARNING", "GUNICORN_LOG_LEVEL": "warning",
            # A limit so high it never refuses, but each call is still counted, as live.
            "VMP_ANONYMOUS_PER_MINUTE": "100000000",
            "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4", **env}  # fmt: skip
    log = (data_dir / "gateway.log").open("w")
    # Once, alone: two workers booting on a fresh data folder would race to migrate it.
    boot = "from gateway.wsgi import create_app; create_app(start_workers=False)"
    subprocess.run([sys.executable, "-c", boot], cwd=ROOT, env=full, stdout=log, check=True,
                   stderr=subprocess.STDOUT)  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn_config.py",
         "--access-logfile", "/dev/null", "-b", f"127.0.0.1:{port}", app],
        cwd=ROOT, env=full, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(base, proc), timeout_s=120)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def _up(base: str, proc: subprocess.Popen) -> bool:
    if proc.poll() is not None:
        raise SystemExit(f"the gateway exited ({proc.returncode}); see its log")
    try:
        return requests.get(f"{base}/api/v1/search?per_page=1", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def latencies(
    base: str, queries: Sequence[dict[str, str]], warm: int, budget_s: float
) -> tuple[list[float], int]:
    """Seconds per query, one at a time over one kept-alive connection, and how many
    failed (an error or gunicorn's 30 s timeout, timed as what they cost). Stops once
    ``budget_s`` is spent: an adapter at seconds per query would otherwise run for hours."""
    session = requests.Session()
    timings, failed = [], 0
    ends = time.monotonic() + budget_s
    for n, query in enumerate(track(queries, description="gateway latency", console=console)):
        started = time.perf_counter()
        try:
            ok = session.get(f"{base}/api/v1/search", params=query, timeout=35).status_code == 200
        except requests.RequestException:
            ok = False
        elapsed = time.perf_counter() - started
        failed += not ok
        if n >= warm:
            timings.append(elapsed)
        if time.monotonic() > ends and len(timings) >= 2:
            console.print(f"[yellow]time budget spent after {n + 1} queries[/]")
            break
    return timings, failed


def raw_latencies(es_url: str, alias: str, queries: Sequence[dict[str, str]],
                  warm: int) -> list[float]:  # fmt: skip
    """The same queries' bodies straight to Elasticsearch: the floor under the gateway."""
    from elasticsearch import Elasticsearch

    from services.common.geo.paths import default_db_path
    from services.common.geo.postcodes import Geocoder

    client = Elasticsearch(es_url, request_timeout=30)
    geocoder = Geocoder(default_db_path())
    today = dt.date.today()
    bodies = [search_queries.es_body(q, geocoder, today) for q in queries]
    timings = []
    # The adapter asks for the shard request cache: so does this, starting as cold as the
    # gateway's run did, so both see the same repeats (the words people search for).
    client.indices.clear_cache(index=alias, request=True)
    for n, body in enumerate(track(bodies, description="raw Elasticsearch", console=console)):
        started = time.perf_counter()
        client.search(index=alias, body=body, request_cache=True)
        if n >= warm:
            timings.append(time.perf_counter() - started)
    return timings


def throughput(base: str, path: str, seconds: int, users: int, queries: Path) -> tuple[float, int]:
    """Requests per second that locust (its own process) sustains against ``path``, and
    how many of its requests failed."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "stats"
        env = {**os.environ, "BENCH_PATH": path, "BENCH_QUERIES": str(queries)}
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
             "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
             "--host", base, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, check=False, capture_output=True,
        )  # fmt: skip
        rows = (prefix.parent / "stats_stats.csv").read_text().splitlines()
    header, *lines = [line.split(",") for line in rows]
    total = dict(zip(header, next(r for r in lines if r[1].strip('"') == "Aggregated"),
                     strict=True))  # fmt: skip
    failures = int(total["Failure Count"])
    if failures:
        console.print(f"[red]{failures} failed requests against {path}[/]")
    return float(total["Requests/s"]), failures


def run_adapter(adapter: str, size: int, args: argparse.Namespace, es: Any) -> dict[str, Any]:
    from services.common.vocab.vocabularies import load_vocabularies
    from services.search.domain.synonyms import synonym_rules

    synonyms = synonym_rules(load_vocabularies())
    data_dir = Path(tempfile.mkdtemp(prefix=f"vmp-bench-{adapter}-"))
    env = {"VMP_SEARCH_BACKEND": adapter}
    if adapter == "elasticsearch":
        from services.search.adapters.index.elastic import ElasticsearchIndex

        prefix = f"bench{size}"
        index: Any = ElasticsearchIndex(es.url, prefix, synonyms)
        env |= {"VMP_ELASTICSEARCH_URL": es.url, "VMP_INDEX_PREFIX": prefix}
    else:
        from services.search.adapters.index.embedded import SqliteSearchIndex

        index = SqliteSearchIndex(data_dir / "search-index.sqlite", synonyms)
    load_s = load(index, size, args.seed)
    queries = search_queries.mix(args.queries + args.warm)
    # Locust gets its own, longer mix: cycling through the timed queries would have the
    # Elasticsearch request cache answer most of them after the first pass.
    queries_file = data_dir / "queries.json"
    queries_file.write_text(json.dumps(search_queries.mix(LOCUST_QUERIES, seed=23)))
    result: dict[str, Any] = {"adapter": adapter, "size": size, "load_s": round(load_s, 1),
                              "load_per_s": round(size / load_s)}  # fmt: skip
    with gateway(data_dir, env) as (base, proc):
        timings, failed = latencies(base, queries, args.warm, args.budget_seconds)
        result |= {"gateway_ms": results.quantiles_ms(timings), "failed_timed": failed}
        if adapter == "elasticsearch":
            raw = raw_latencies(es.url, index.alias, queries, args.warm)
            result["raw_es_ms"] = results.quantiles_ms(raw)
            result["overhead_p95"] = round(
                result["gateway_ms"]["p95"] / result["raw_es_ms"]["p95"], 2
            )
        rate, failed = throughput(base, "/api/v1/search", args.rate_seconds, args.users,
                                  queries_file)  # fmt: skip
        result |= {"searches_per_s": round(rate, 1), "failed_searches": failed}
        rate, failed = throughput(base, "/healthz", args.rate_seconds, args.users, queries_file)
        result |= {"trivial_per_s": round(rate, 1), "failed_trivial": failed}
        result["gateway_rss_mb"] = round(rss_bytes(proc.pid) / 2**20, 1)
    if adapter == "elasticsearch" and es.pid:
        result["elasticsearch_rss_mb"] = round(rss_bytes(es.pid or 0) / 2**20, 1)
    console.print(result)
    # Only after a run that got here: a failed one keeps its gateway.log to read. The
    # embedded index of a million roles is 2.8 GB.
    shutil.rmtree(data_dir, ignore_errors=True)
    return result


@dataclass
class RunningElasticsearch:
    """One already running (``--es-url``): the tests' engine, say."""

    url: str
    pid: int | None = None


@contextmanager
def elasticsearch(wanted: bool, url: str | None) -> Iterator[Any]:
    if not wanted or url:
        yield RunningElasticsearch(url) if url else None
        return
    from deploy.engines import Elasticsearch

    es = Elasticsearch(STATE / "elasticsearch", base_http_port=39200)
    es.start()
    try:
        yield es
    finally:
        es.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--adapters", default="embedded,elasticsearch")
    parser.add_argument("--queries", type=int, default=1000, help="timed queries per run")
    parser.add_argument("--warm", type=int, default=100, help="untimed queries first")
    parser.add_argument("--rate-seconds", type=int, default=30, help="each locust run")
    parser.add_argument("--users", type=int, default=16, help="locust's concurrent users")
    parser.add_argument("--budget-seconds", type=float, default=900,
                        help="stop timing queries one by one after this long")  # fmt: skip
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--es-url", help="use this Elasticsearch instead of starting one")
    args = parser.parse_args()
    adapters = args.adapters.split(",")
    runs = []
    with elasticsearch("elasticsearch" in adapters, args.es_url) as es:
        for size in (int(s) for s in args.sizes.split(",")):
            for adapter in adapters:
                runs.append(run_adapter(adapter, size, args, es))
    document = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "args": vars(args) | {"json": str(args.json)}, "results": runs}  # fmt: skip
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2))
    console.print(f"written {args.json}")


if __name__ == "__main__":
    main()
