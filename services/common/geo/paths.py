"""Where the postcode database and downloads live, read from the environment.

Relative defaults resolve against the working directory, as the Makefile and
``services.common.config.Config`` (``VMP_DATA_DIR``) both assume the repository root.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DB_FILENAME = "postcodes.sqlite"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("VMP_DATA_DIR") or "var/data")


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    configured = env.get("VMP_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "vmp"


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``${VMP_DATA_DIR:-var/data}/postcodes.sqlite``."""
    return data_dir(env) / DB_FILENAME
