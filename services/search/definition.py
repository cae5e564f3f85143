"""The search service: keeps the index in step with events and answers search queries."""

from __future__ import annotations

from collections.abc import Sequence

from services.common.consumer import ConsumerSpec
from services.common.jobs import PeriodicJob
from services.common.runtime import ServiceRuntime
from services.common.service import ServiceDefinition
from services.search.bootstrap import bootstrap
from services.search.service_layer.alerts import SavedSearches, percolate_pending
from services.search.service_layer.projections import Indexer
from services.search.service_layer.reindex import reindex_command

PERCOLATE_JOB = "percolate"
PERCOLATE_INTERVAL_S = 0.5  # the wait before a role is matched: half of it on average


def _blueprints() -> list:
    from services.search.api import errors, feeds, search

    return [search.bp, feeds.bp, errors.bp]


def _consumers(runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    alerts = SavedSearches(runtime.extensions["percolator"], runtime.extensions["geocoder"])
    return [Indexer(runtime.extensions["index"]).spec(), alerts.spec()]


def _jobs(runtime: ServiceRuntime) -> list[PeriodicJob]:
    """Match newly searchable roles against the saved searches, every second."""
    percolator = runtime.extensions["percolator"]
    return [
        PeriodicJob(
            PERCOLATE_JOB,
            PERCOLATE_INTERVAL_S,
            lambda: percolate_pending(runtime, percolator).as_dict(),
        )
    ]


SERVICE = ServiceDefinition(
    name="search",
    title="Search service",
    bootstrap=bootstrap,
    blueprints=_blueprints,
    consumers=_consumers,
    jobs=_jobs,
    commands={"reindex": ("rebuild the index from the opportunities service", reindex_command)},
)
