"""Elasticsearch tuning that the contract tests cannot see: searches ask for the shard
request cache, and the facet keyword fields build their global ordinals at refresh."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.search.adapters.index import elastic_mapping as mapping
from services.search.adapters.index.elastic import ElasticsearchIndex
from services.search.domain.documents import FACETS
from services.search.domain.query import SearchQuery

EMPTY = {
    "hits": {"total": {"value": 0}, "hits": []},
    "aggregations": {name: {"buckets": []} for name in FACETS},
}

SUGGESTED: dict[str, Any] = {"suggest": {"titles": [{"options": []}]}}


class RecordingClient:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def search(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return SUGGESTED if "suggest" in kwargs["body"] else EMPTY


def test_searches_use_the_request_cache_and_suggestions_do_not_ask() -> None:
    index = ElasticsearchIndex("http://127.0.0.1:9")
    client = RecordingClient()
    index.client = client  # type: ignore[assignment]
    index.search(SearchQuery(today=dt.date(2026, 12, 6)))
    assert client.calls[-1]["request_cache"] is True
    index.suggest("gard")
    assert client.calls[-1]["request_cache"] is None


def test_facet_keywords_have_eager_global_ordinals() -> None:
    properties = mapping.mappings()["properties"]
    keyword_facets = [name for name in FACETS if properties[name]["type"] == "keyword"]
    assert keyword_facets == ["causes", "skills", "commitment", "accessibility"]
    for name in keyword_facets:
        assert properties[name]["eager_global_ordinals"] is True, name
    # Fields only filtered on need no ordinals kept warm.
    assert "eager_global_ordinals" not in properties["organisation_id"]
