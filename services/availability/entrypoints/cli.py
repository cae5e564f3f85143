"""Process roles of the availability service: ``python -m services.availability.entrypoints.cli ROLE``."""

from __future__ import annotations

import sys

from services.common.cli import service_cli
from services.availability.definition import SERVICE

if __name__ == "__main__":
    sys.exit(service_cli(SERVICE))
