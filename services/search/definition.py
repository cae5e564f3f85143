"""The search service: keeps the index in step with events and answers search queries."""

from __future__ import annotations

from collections.abc import Sequence

from services.common.consumer import ConsumerSpec
from services.common.runtime import ServiceRuntime
from services.common.service import ServiceDefinition
from services.search.bootstrap import bootstrap
from services.search.service_layer.projections import indexer_spec


def _consumers(_runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    return [indexer_spec()]


SERVICE = ServiceDefinition(
    name="search",
    title="Search service",
    bootstrap=bootstrap,
    blueprints=list,
    consumers=_consumers,
)
