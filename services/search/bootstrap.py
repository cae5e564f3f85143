"""Composition root of the search service: picks the index and event-log adapters."""

from __future__ import annotations

import logging
from pathlib import Path

from services.common.config import Config
from services.common.eventlog import EventLog
from services.common.runtime import ServiceRuntime, build_runtime
from services.search.adapters.index.port import SearchIndex
from services.search.adapters.orm import metadata

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def open_index(config: Config) -> SearchIndex:
    if config.search_backend == "elasticsearch":
        from services.search.adapters.index.elastic import ElasticsearchIndex

        return ElasticsearchIndex(config.elasticsearch_url, config.index_prefix)
    from services.search.adapters.index.embedded import SqliteSearchIndex

    return SqliteSearchIndex(config.data_dir / "search-index.sqlite")


def bootstrap(config: Config, event_log: EventLog | None = None) -> ServiceRuntime:
    runtime = build_runtime(config, metadata, MIGRATIONS, event_log=event_log)
    index = open_index(config)
    try:
        index.ensure_ready()
    except Exception as exc:
        log.warning("search index not ready at start-up: %s", exc)
    runtime.extra_checks[index.name] = index.ping
    runtime.extensions["index"] = index
    return runtime
