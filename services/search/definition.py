"""The search service: keeps the index in step with events and answers search queries."""

from __future__ import annotations

from collections.abc import Sequence

from services.common.consumer import ConsumerSpec
from services.common.runtime import ServiceRuntime
from services.common.service import ServiceDefinition
from services.search.bootstrap import bootstrap
from services.search.service_layer.projections import Indexer
from services.search.service_layer.reindex import reindex_command


def _blueprints() -> list:
    from services.search.api import search

    return [search.bp]


def _consumers(runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    return [Indexer(runtime.extensions["index"]).spec()]


SERVICE = ServiceDefinition(
    name="search",
    title="Search service",
    bootstrap=bootstrap,
    blueprints=_blueprints,
    consumers=_consumers,
    commands={"reindex": ("rebuild the index from the opportunities service", reindex_command)},
)
