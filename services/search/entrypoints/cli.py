"""Process roles of the search service: ``python -m services.search.entrypoints.cli ROLE``."""

from __future__ import annotations

import sys

from services.common.cli import service_cli
from services.search.definition import SERVICE

if __name__ == "__main__":
    sys.exit(service_cli(SERVICE))
