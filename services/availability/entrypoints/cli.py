"""Process roles of the availability service (relay, consume, migrate); see services.common.cli."""

from __future__ import annotations

import sys

from services.availability.definition import SERVICE
from services.common.cli import service_cli

if __name__ == "__main__":
    sys.exit(service_cli(SERVICE))
