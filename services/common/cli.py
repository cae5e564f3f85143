"""The command line every service shares: ``relay``, ``consume``, ``migrate``.

Each process role is its own command (Snuba's way), so compose, gunicorn and tests start the
same code the same way.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

from services.common.config import Config
from services.common.consumer import ConsumerRunner
from services.common.logs import configure_logging
from services.common.service import ServiceDefinition
from services.common.worker import run_until_signalled


def service_cli(service: ServiceDefinition, argv: Sequence[str] | None = None) -> int:
    roles = ["relay", "migrate"] + (["consume"] if service.consumers else [])
    parser = argparse.ArgumentParser(prog=f"python -m services.{service.name}.entrypoints.cli")
    parser.add_argument(
        "role",
        choices=roles,
        help="relay: publish the outbox; "
        "consume: run the consumer groups; migrate: upgrade the database",
    )
    args = parser.parse_args(argv)
    configure_logging(service.name)
    runtime = service.bootstrap(Config.from_env(service.name), None)  # migrates the database
    if args.role in ("relay", "consume"):
        runtime.ensure_topics()
    if args.role == "relay":
        run_until_signalled(runtime.relay().run, f"{service.name} outbox relay")
    elif args.role == "consume":
        runners = [runtime.consumer(spec) for spec in service.consumer_specs(runtime)]
        run_until_signalled(lambda stop: run_all(runners, stop), f"{service.name} consumers")
    runtime.close()
    return 0


def run_all(runners: Sequence[ConsumerRunner], stop: threading.Event) -> None:
    threads = [threading.Thread(target=r.run, args=(stop,), daemon=True) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
