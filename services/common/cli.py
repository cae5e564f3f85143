"""The command line every service shares: ``relay``, ``consume``, ``schedule``, ``migrate``,
plus the service's own commands (``reindex`` for search, ``sweep`` for opportunities).

Each process role is its own command (Snuba's way), so compose, gunicorn and tests start the
same code the same way.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

from services.common.config import Config
from services.common.consumer import ConsumerRunner
from services.common.jobs import run_all_periodic
from services.common.logs import configure_logging
from services.common.service import ServiceDefinition
from services.common.worker import run_until_signalled

_ROLES = {
    "relay": "publish the outbox",
    "consume": "run the consumer groups",
    "schedule": "run the periodic jobs",
    "migrate": "upgrade the database",
}


def service_cli(service: ServiceDefinition, argv: Sequence[str] | None = None) -> int:
    commands = dict(service.commands or {})
    roles = ["relay", "migrate"]
    roles += ["consume"] if service.consumers else []
    roles += ["schedule"] if service.jobs else []
    parser = argparse.ArgumentParser(prog=f"python -m services.{service.name}.entrypoints.cli")
    parser.add_argument(
        "role",
        choices=roles + sorted(commands),
        help="; ".join(
            [f"{r}: {_ROLES[r]}" for r in roles] + [f"{n}: {h}" for n, (h, _) in commands.items()]
        ),
    )
    args, rest = parser.parse_known_args(argv)
    if args.role not in commands and rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    configure_logging(service.name)
    runtime = service.bootstrap(Config.from_env(service.name), None)  # migrates the database
    code = 0
    if args.role in ("relay", "consume"):
        runtime.ensure_topics()
    if args.role == "relay":
        run_until_signalled(runtime.relay().run, f"{service.name} outbox relay")
    elif args.role == "consume":
        runners = [runtime.consumer(spec) for spec in service.consumer_specs(runtime)]
        run_until_signalled(lambda stop: run_all(runners, stop), f"{service.name} consumers")
    elif args.role == "schedule":
        jobs = list(service.periodic_jobs(runtime))
        run_until_signalled(lambda stop: run_all_periodic(jobs, stop), f"{service.name} jobs")
    elif args.role in commands:
        code = commands[args.role][1](runtime, rest)
    runtime.close()
    return code


def run_all(runners: Sequence[ConsumerRunner], stop: threading.Event) -> None:
    threads = [threading.Thread(target=r.run, args=(stop,), daemon=True) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
