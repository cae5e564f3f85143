"""Process roles of the volunteers service: ``python -m services.volunteers.entrypoints.cli ROLE``."""

from __future__ import annotations

import sys

from services.common.cli import service_cli
from services.volunteers.definition import SERVICE

if __name__ == "__main__":
    sys.exit(service_cli(SERVICE))
