"""Seconds from "publish" returning to the role being found by the search API.

    python -m bench.post_to_searchable --posts 200            # Kafka + Elasticsearch + PostgreSQL
    python -m bench.post_to_searchable --posts 200 --embedded # one process, SQLite everything

Scale-out: starts the engines (deploy/engines, own ports and state under .run/bench-infra),
then the opportunities API and relay and the search API and consumer as separate processes,
exactly as `make run-scaled` does. Each post is a create + publish over HTTP; the clock
starts when publish answers and stops when GET /api/v1/search lists the role.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from rich.console import Console
from rich.progress import track

from bench import results
from services.common.auth import issue_token

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".run" / "bench-infra"
SECRET = "bench-secret-" + uuid.uuid4().hex
console = Console()
Http = Callable[..., Any]


def role_body(org_id: str, n: int) -> dict[str, Any]:
    return {
        "organisation_id": org_id,
        "title": f"Bench befriending volunteer {n}",
        "summary": "Weekly chats with an older neighbour.",
        "description": "Visit an older person once a week for tea and a chat.",
        "causes": ["OlderPeople"],
        "skills": ["ActiveListening"],
        "commitment": "regular",
        "locations": [{"postcode": "SE1 7AE"}],
        "remote": False,
        "sessions": ["MondayMorning"],
        "closes_on": "2099-01-31",
    }


def measure(write: Http, read: Http, posts: int) -> list[float]:
    headers = {"Authorization": f"Bearer {issue_token(SECRET, 'bench-owner')}"}
    org = write("post", "/api/v1/organisations", headers=headers,
                json={"name": "Bench Trust", "type": "charity", "postcode": "SE1 7AE"})  # fmt: skip
    org_id = org["id"]
    waits = []
    for n in track(range(posts), description="post -> searchable", console=console):
        role = write("post", "/api/v1/opportunities", headers=headers, json=role_body(org_id, n))
        write("post", f"/api/v1/opportunities/{role['id']}/publish", headers=headers)
        started = time.perf_counter()
        while True:
            found = read("get", f"/api/v1/search?organisation={org_id}&sort=newest&per_page=5")
            if any(r["id"] == role["id"] for r in found["results"]):
                break
            if time.perf_counter() - started > 30:
                raise SystemExit(f"role {n} not searchable after 30 s")
            time.sleep(0.01)
        waits.append(time.perf_counter() - started)
    return waits


def report(label: str, waits: list[float]) -> None:
    cuts = statistics.quantiles(waits, n=100)
    console.print(
        f"[bold]{label}[/]: {len(waits)} posts; post -> searchable "
        f"p50 {cuts[49]:.3f} s, p95 {cuts[94]:.3f} s, max {max(waits):.3f} s"
    )


def http_client(base: str) -> Http:
    session = requests.Session()

    def call(method: str, path: str, **kw: Any) -> Any:
        response = session.request(method, base + path, timeout=10, **kw)
        if response.status_code >= 400:
            raise SystemExit(f"{method.upper()} {path}: {response.status_code} {response.text}")
        return response.json()

    return call


@contextmanager
def scaled_platform() -> Iterator[tuple[Http, Http]]:
    from deploy.engines import Elasticsearch, Kafka, Postgres
    from tests.support import free_port, wait_for

    kafka = Kafka(STATE / "kafka", port=39092, controller_port=39093)
    es = Elasticsearch(STATE / "elasticsearch", base_http_port=39200)
    pg = Postgres(STATE / "postgres", port=35432)
    for engine in (kafka, es, pg):
        engine.start()
    run = uuid.uuid4().hex[:8]
    procs: list[subprocess.Popen] = []
    try:
        ports = {}
        for service in ("opportunities", "search"):
            pg.create_database(f"bench_{service}_{run}")
            env = {
                **os.environ,
                "VMP_MODE": "scaled",
                "VMP_ENV": "development",
                "VMP_AUTH_SECRET": SECRET,
                "VMP_DATABASE_URL": str(pg.dsn(f"bench_{service}_{run}")),
                "VMP_KAFKA_BOOTSTRAP": kafka.bootstrap,
                "VMP_ELASTICSEARCH_URL": es.url,
                "VMP_TOPIC_PREFIX": f"bench{run}.",
                "VMP_INDEX_PREFIX": f"bench{run}",
                "VMP_LOG_LEVEL": "WARNING",
            }
            role = "relay" if service == "opportunities" else "consume"
            cli = f"services.{service}.entrypoints.cli"
            subprocess.run([sys.executable, "-m", cli, "migrate"], env=env, cwd=ROOT, check=True)
            ports[service] = port = free_port()
            app = f"services.{service}.entrypoints.wsgi:create_app()"
            for args in (
                ["gunicorn", "-c", "deploy/gunicorn_config.py", "-b", f"127.0.0.1:{port}", app],
                [cli, role],
            ):
                procs.append(subprocess.Popen([sys.executable, "-m", *args], env=env, cwd=ROOT))
        for port in ports.values():
            wait_for(functools.partial(_ready, port), timeout_s=120)
        write = http_client(f"http://127.0.0.1:{ports['opportunities']}")
        read = http_client(f"http://127.0.0.1:{ports['search']}")
        yield write, read
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
        for service in ("opportunities", "search"):
            pg.drop_database(f"bench_{service}_{run}")
        for engine in (kafka, es, pg):
            engine.stop()


def _ready(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=3).status_code == 200
    except requests.RequestException:
        return False


@contextmanager
def embedded_platform() -> Iterator[tuple[Http, Http]]:
    import tempfile

    from gateway.wsgi import create_app
    from services.common.config import Config

    with tempfile.TemporaryDirectory() as tmp:
        config = Config(
            service="gateway",
            data_dir=Path(tmp),
            event_log_path=Path(tmp) / "eventlog.sqlite",
            postcodes_db=ROOT / "var" / "data" / "postcodes.sqlite",
            auth_secret=SECRET,
        )
        app = create_app(config, start_workers=True)
        client = app.test_client()

        def call(method: str, path: str, **kw: Any) -> Any:
            response = client.open(path, method=method.upper(), **kw)
            if response.status_code >= 400:
                raise SystemExit(f"{method.upper()} {path}: {response.status_code}")
            return response.get_json()

        try:
            yield call, call
        finally:
            app.extensions["platform"].shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--embedded", action="store_true")
    args = parser.parse_args()
    platform = embedded_platform() if args.embedded else scaled_platform()
    with platform as (write, read):
        waits = measure(write, read, args.posts)
    report("embedded" if args.embedded else "Kafka + Elasticsearch + PostgreSQL", waits)
    name = "post_to_searchable_" + ("embedded" if args.embedded else "scaled")
    results.save(name, {"posts": args.posts, "latency_ms": results.quantiles_ms(waits)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
