"""The service's own command-line commands (run through services.common.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from services.common.runtime import ServiceRuntime
from services.opportunities.service_layer.sweep import sweep


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def sweep_command(runtime: ServiceRuntime, argv: list[str]) -> int:
    """``sweep [--now ISO]``: ask, pause and expire once; print what was done as JSON."""
    parser = argparse.ArgumentParser(prog="python -m services.opportunities.entrypoints.cli sweep")
    parser.add_argument(
        "--now", type=_moment, help="run as at this ISO time, UTC if no offset (default: now)"
    )
    args = parser.parse_args(argv)
    report = sweep(runtime, args.now)
    print(json.dumps(report.as_dict()))
    return 0
