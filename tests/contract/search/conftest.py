"""Search-index fixtures: every scenario runs once per adapter, on an empty index."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from services.search.adapters.index.port import SearchIndex
from tests.support import unique_prefix

# Written for the tests, not derived from the vocabularies: the scenarios rely on these.
SYNONYMS = [
    "elderly, older people, seniors",
    "youth, young people, teenagers",
    "befriending, companionship",
]

ADAPTERS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


def es_prefix() -> str:
    """An index-name prefix no other test uses (Elasticsearch names are lower case)."""
    return unique_prefix().lower().replace(".", "")


def open_index(
    request: pytest.FixtureRequest, kind: str, sqlite_path: Path
) -> tuple[SearchIndex, Callable[[], None]]:
    """A ready index of that kind, and what to call to throw it away afterwards."""
    if kind == "embedded":
        from services.search.adapters.index.embedded import SqliteSearchIndex

        embedded = SqliteSearchIndex(sqlite_path, synonyms=SYNONYMS)
        embedded.ensure_ready()
        return embedded, embedded.close
    from services.search.adapters.index.elastic import ElasticsearchIndex

    engine = request.getfixturevalue("elasticsearch_engine")
    prefix = es_prefix()
    elastic = ElasticsearchIndex(engine.url, prefix=prefix, synonyms=SYNONYMS)

    def dispose() -> None:
        try:
            elastic.client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
        finally:
            elastic.close()

    try:
        elastic.ensure_ready()
    except BaseException:
        dispose()
        raise
    return elastic, dispose


@pytest.fixture(params=ADAPTERS)
def search_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    index, dispose = open_index(request, request.param, tmp_path / "idx.sqlite")
    yield index
    dispose()
