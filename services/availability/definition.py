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
OFFERS_JOB = "microtask-offers"
OFFERS_INTERVAL_S = 10.0  # offers stand for minutes to hours: ten seconds late is prompt
REMINDERS_JOB = "credential-reminders"
REMINDERS_INTERVAL_S = 3600.0  # reminders go 30 days ahead: hourly is plenty


def _blueprints() -> list[Blueprint]:
    from services.availability.api import (
        availability,
        credentials,
        data_rights,
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
        data_rights.bp,
    ]


def _consumers(runtime: ServiceRuntime) -> list[ConsumerSpec]:
    """Copies of organisations, memberships and roles; approved hours into the ledger;
    forgetting erased accounts."""
    from services.availability.service_layer.copies import copies_spec
    from services.availability.service_layer.data_rights import erasure_spec
    from services.availability.service_layer.ledger_consumer import ledger_spec

    return [copies_spec(), ledger_spec(runtime), erasure_spec()]


def _jobs(runtime: ServiceRuntime) -> list[PeriodicJob]:
    """Lapse unanswered offers and offer tasks to the next volunteers; remind people of
    credentials about to expire."""
    from services.availability.service_layer.offers import advance

    return [
        PeriodicJob(OFFERS_JOB, OFFERS_INTERVAL_S, lambda: _nonzero(advance(runtime))),
        PeriodicJob(REMINDERS_JOB, REMINDERS_INTERVAL_S, lambda: _reminded(runtime)),
    ]


SERVICE = ServiceDefinition(
    name="availability",
    title="Availability service",
    bootstrap=bootstrap,
    blueprints=_blueprints,
    consumers=_consumers,
    jobs=_jobs,
)


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    """Only what happened, so an idle run logs nothing."""
    return {name: count for name, count in counts.items() if count}


def _reminded(runtime: ServiceRuntime) -> dict[str, int]:
    from services.availability.service_layer.wallet import remind_expiring

    return _nonzero({"reminded": remind_expiring(runtime)["reminded"]})
