"""Elasticsearch adapter of the search-index port (elasticsearch-py 8.x)."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from services.search.adapters.index.port import IndexUnavailable


class ElasticsearchIndex:
    """The ``SearchIndex`` port on an Elasticsearch cluster, behind an alias."""

    name = "elasticsearch"

    def __init__(self, url: str, prefix: str = "vmp") -> None:
        self.url = url
        self.alias = f"{prefix}-opportunities"
        # Request-path calls must fail fast; batch indexing gets its own longer timeout.
        self.client = Elasticsearch(url, request_timeout=2, max_retries=0, retry_on_timeout=False)

    def ensure_ready(self) -> None:
        """Index creation arrives with the opportunity mapping; nothing to create yet."""

    def ping(self) -> None:
        try:
            health = self.client.cluster.health(timeout="2s")
        except Exception as exc:
            raise IndexUnavailable(f"Elasticsearch at {self.url} is unreachable: {exc!r}") from exc
        if health.get("status") == "red":
            raise IndexUnavailable("Elasticsearch cluster health is red")

    def close(self) -> None:
        self.client.close()
