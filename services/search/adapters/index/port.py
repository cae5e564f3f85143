"""The search-index port. Adapters: Elasticsearch (scale-out) and SQLite FTS5 + R*Tree.

Both must give the same answers to the same ``SearchQuery`` (tests/contract/search): the
same ids for radius filters, the same facet counts, the same order for the distance,
newest and closing-soon sorts. Relevance scores differ; relevance *order* is only compared
where one role is clearly the better match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from services.common.errors import Unavailable
from services.search.domain.documents import RoleDocument, SearchPage
from services.search.domain.query import SearchQuery


class IndexUnavailable(Unavailable):
    """The index cannot be reached."""


class SearchIndex(Protocol):
    name: str

    def ensure_ready(self) -> None:
        """Create the index structures if missing."""

    def ping(self) -> None:
        """Raise ``IndexUnavailable`` unless the index answers now."""

    def upsert(self, documents: Sequence[RoleDocument]) -> None:
        """Add or replace these roles; visible to searches when this returns."""

    def delete(self, role_ids: Iterable[str]) -> None:
        """Remove these roles; ids not in the index are ignored."""

    def search(self, query: SearchQuery) -> SearchPage:
        """One page of matching roles, with facets."""

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Titles of indexed roles for type-ahead: words starting with ``prefix``."""

    def rebuild(self, documents: Iterable[RoleDocument]) -> int:
        """Replace the whole index with these roles, atomically for searchers; the count."""

    def count(self) -> int: ...

    def close(self) -> None: ...
