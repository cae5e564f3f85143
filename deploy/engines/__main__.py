"""Command line: python -m deploy.engines up|down|status|fetch [--only ...] [--state-dir ...].

    up      fetch what is missing, start the engines (in parallel) and wait until all are
            healthy; engines already running are left alone
    down    stop them cleanly (SIGKILL after a grace period)
    status  print pid, health, ports and memory; exit 3 if any engine is not healthy
    fetch   only download (useful to warm the cache, e.g. in CI before the clock matters)

Ports: VMP_KAFKA_PORT (controller: VMP_KAFKA_CONTROLLER_PORT, default port + 1),
VMP_ES_BASE_PORT (HTTP is base + 1), VMP_PG_PORT.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .common import EngineError
from .elasticsearch import Elasticsearch
from .kafka import Kafka
from .postgres import Postgres
from .process import ManagedProcess

ENGINES = ("kafka", "elasticsearch", "postgres")


def _env_port(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise EngineError(f"{name}={value!r} is not a port number") from None


def build(name: str, state_dir: Path) -> ManagedProcess:
    """One engine configured from the environment."""
    if name == "kafka":
        port = _env_port("VMP_KAFKA_PORT", 19092)
        return Kafka(state_dir, port, _env_port("VMP_KAFKA_CONTROLLER_PORT", port + 1))
    if name == "elasticsearch":
        return Elasticsearch(state_dir, _env_port("VMP_ES_BASE_PORT", 19200))
    if name == "postgres":
        return Postgres(state_dir, _env_port("VMP_PG_PORT", 15432))
    raise EngineError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")


def endpoint(engine: ManagedProcess) -> str:
    if isinstance(engine, Kafka):
        return f"bootstrap {engine.bootstrap}"
    if isinstance(engine, Elasticsearch):
        return engine.url
    if isinstance(engine, Postgres):
        return engine.dsn()
    return ""


def up(engines: list[ManagedProcess], timeout: float) -> None:
    for engine in engines:  # downloads first, one at a time: their logs stay readable
        engine.fetch()
    for engine in engines:  # then start everything at once: start-up is mostly waiting
        engine.start(timeout, wait=False)
    for engine in engines:
        engine.wait_healthy(timeout)
    for engine in engines:
        print(f"{engine.name:<14} {endpoint(engine)}")


def down(engines: list[ManagedProcess]) -> None:
    for engine in reversed(engines):
        was = engine.pid
        engine.stop()
        print(f"{engine.name:<14} {'stopped' if was else 'not running'}")


def status(engines: list[ManagedProcess]) -> int:
    all_healthy = True
    for engine in engines:
        info = engine.status()
        all_healthy = all_healthy and bool(info["healthy"])
        state = "healthy" if info["healthy"] else ("starting/unhealthy" if info["pid"] else "down")
        print(
            f"{engine.name:<14} {state:<19} pid={info['pid'] or '-':<8} "
            f"rss={info['rss_mb']}MB  {endpoint(engine)}"
        )
    return 0 if all_healthy else 3


def fetch(engines: list[ManagedProcess]) -> None:
    for engine in engines:
        started = time.monotonic()
        engine.fetch()
        print(f"{engine.name:<14} ready ({time.monotonic() - started:.1f}s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.engines",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=("up", "down", "status", "fetch"))
    parser.add_argument(
        "--only", default=",".join(ENGINES), help="comma-separated subset of: " + ", ".join(ENGINES)
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(".run/infra"),
        help="config, data, logs and pid files (default: .run/infra)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=180,
        help="seconds to wait for each engine to become healthy",
    )
    args = parser.parse_args(argv)
    try:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        engines = [build(name, args.state_dir) for name in names]
        if args.command == "up":
            up(engines, args.timeout)
        elif args.command == "down":
            down(engines)
        elif args.command == "status":
            return status(engines)
        else:
            fetch(engines)
    except EngineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
