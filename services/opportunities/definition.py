"""The opportunities service: organisations and the roles they post."""

from __future__ import annotations

from services.common.consumer import ConsumerSpec
from services.common.jobs import PeriodicJob
from services.common.runtime import ServiceRuntime
from services.common.service import ServiceDefinition
from services.opportunities.bootstrap import bootstrap

SWEEP_JOB = "recruiting-sweep"
SWEEP_INTERVAL_S = 3600.0


def _blueprints() -> list:
    from services.opportunities.api import (
        data_rights,
        errors,
        members,
        moderation,
        open_data,
        opportunities,
        organisations,
        vocabularies,
    )

    return [
        errors.bp,
        organisations.bp,
        members.bp,
        moderation.bp,
        opportunities.bp,
        vocabularies.bp,
        data_rights.bp,
        open_data.bp,
    ]


def _consumers(runtime: ServiceRuntime) -> list[ConsumerSpec]:
    """Forget a person when their account is erased (``AccountErased``)."""
    from services.opportunities.service_layer.data_rights import erasure_spec

    return [erasure_spec(runtime)]


def _jobs(runtime: ServiceRuntime) -> list[PeriodicJob]:
    """The "still recruiting?" sweep, hourly (it is idempotent: running it twice is harmless)."""
    from services.opportunities.service_layer.sweep import sweep

    return [PeriodicJob(SWEEP_JOB, SWEEP_INTERVAL_S, lambda: sweep(runtime).as_dict())]


def _sweep_command(runtime: ServiceRuntime, argv: list[str]) -> int:
    from services.opportunities.entrypoints.commands import sweep_command

    return sweep_command(runtime, argv)


def _import_command(runtime: ServiceRuntime, argv: list[str]) -> int:
    from services.opportunities.entrypoints.import_command import import_command

    return import_command(runtime, argv)


SERVICE = ServiceDefinition(
    name="opportunities",
    title="Opportunities service",
    bootstrap=bootstrap,
    blueprints=_blueprints,
    consumers=_consumers,
    jobs=_jobs,
    commands={
        "sweep": ("run the still-recruiting sweep once ([--now ISO])", _sweep_command),
        "import": (
            "import roles from open data (FILE --source NAME [--format jsonld|csv] "
            "[--report FILE])",
            _import_command,
        ),
    },
)
