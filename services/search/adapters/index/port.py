"""The search-index port. Adapters: Elasticsearch (scale-out) and SQLite FTS5 + R*Tree."""

from __future__ import annotations

from typing import Protocol


class IndexUnavailable(RuntimeError):
    """The index cannot be reached."""


class SearchIndex(Protocol):
    name: str

    def ensure_ready(self) -> None:
        """Create the index structures if missing."""

    def ping(self) -> None:
        """Raise ``IndexUnavailable`` unless the index answers now."""

    def close(self) -> None: ...
