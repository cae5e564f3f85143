"""The availability service: micro-volunteering (availability, a credentials wallet,
micro-tasks offered to eligible volunteers), hours given and time credits."""

from __future__ import annotations

from flask import Blueprint

from services.availability.bootstrap import MIGRATIONS, bootstrap
from services.common.consumer import ConsumerSpec
from services.common.jobs import PeriodicJob
from services.common.runtime import ServiceRuntime
from services.common.service import ServiceDefinition

__all__ = ["MIGRATIONS", "SERVICE", "bootstrap"]


def _blueprints() -> list[Blueprint]:
    from services.availability.api import (
        availability,
        credentials,
        errors,
        hours,
        matching,
        microtasks,
        timebank,
    )

    return [
        errors.bp,
        availability.bp,
        credentials.bp,
        matching.bp,
        microtasks.bp,
        hours.bp,
        timebank.bp,
    ]


def _consumers(_runtime: ServiceRuntime) -> list[ConsumerSpec]:
    """Copies of organisations, memberships and roles."""
    from services.availability.service_layer.copies import copies_spec

    return [copies_spec()]


def _jobs(_runtime: ServiceRuntime) -> list[PeriodicJob]:
    return []


SERVICE = ServiceDefinition(
    name="availability",
    title="Availability service",
    bootstrap=bootstrap,
    blueprints=_blueprints,
    consumers=_consumers,
    jobs=_jobs,
)
