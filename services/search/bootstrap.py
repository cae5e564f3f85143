"""Composition root of the search service: picks the index and event-log adapters."""

from __future__ import annotations

import logging
from pathlib import Path

from services.common.config import Config
from services.common.envelope import utcnow
from services.common.eventlog import EventLog
from services.common.geo.postcodes import Geocoder
from services.common.runtime import ServiceRuntime, build_runtime
from services.common.vocab.vocabularies import load_vocabularies
from services.search.adapters.index.port import SearchIndex
from services.search.adapters.orm import metadata
from services.search.adapters.percolator.sql import SqlPercolator
from services.search.domain.synonyms import synonym_rules

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def open_index(config: Config) -> SearchIndex:
    synonyms = synonym_rules(load_vocabularies())
    if config.search_backend == "elasticsearch":
        from services.search.adapters.index.elastic import ElasticsearchIndex

        return ElasticsearchIndex(config.elasticsearch_url, config.index_prefix, synonyms)
    from services.search.adapters.index.embedded import SqliteSearchIndex

    return SqliteSearchIndex(config.data_dir / "search-index.sqlite", synonyms)


def bootstrap(config: Config, event_log: EventLog | None = None) -> ServiceRuntime:
    runtime = build_runtime(config, metadata, MIGRATIONS, event_log=event_log)
    # Saved searches live in the service's own database on both run modes: Elasticsearch's
    # percolator module is not published for 8.x, and this matcher gives the same answers
    # as the embedded index (tests/unit/search/test_percolator*.py).
    runtime.extensions["percolator"] = SqlPercolator(
        runtime.engine, synonyms=synonym_rules(load_vocabularies())
    )
    index = open_index(config)
    try:
        index.ensure_ready()
    except Exception as exc:
        log.warning("search index not ready at start-up: %s", exc)
    runtime.extra_checks[index.name] = index.ping
    runtime.extensions["index"] = index
    runtime.extensions["geocoder"] = Geocoder(config.postcodes_db)
    runtime.extensions["clock"] = utcnow
    return runtime
