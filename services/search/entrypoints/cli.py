"""Process roles of the search service (relay, consume, migrate); see services.common.cli."""

from __future__ import annotations

import sys

from services.common.cli import service_cli
from services.search.definition import SERVICE

if __name__ == "__main__":
    sys.exit(service_cli(SERVICE))
