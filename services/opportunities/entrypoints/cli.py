"""Process roles of the opportunities service: relay, schedule (the periodic sweep), migrate,
and ``sweep`` (one run of the "still recruiting?" sweep); see services.common.cli."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from services.common.cli import service_cli
from services.opportunities.definition import SERVICE


def main(argv: Sequence[str] | None = None) -> int:
    return service_cli(SERVICE, argv)


if __name__ == "__main__":
    sys.exit(main())
