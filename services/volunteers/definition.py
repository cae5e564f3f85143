"""The volunteers service: accounts, profiles, applications, saved searches and alerts."""

from __future__ import annotations

from flask import Blueprint

from services.common.consumer import ConsumerSpec
from services.common.jobs import PeriodicJob
from services.common.runtime import ServiceRuntime
from services.common.service import ServiceDefinition
from services.volunteers.bootstrap import MIGRATIONS, bootstrap

MAIL_RELAY_JOB = "mail-relay"
MAIL_RELAY_INTERVAL_S = 1.0
PRUNE_JOB = "accounts-prune"
PRUNE_INTERVAL_S = 3600.0
GUARANTEE_JOB = "response-guarantee"
GUARANTEE_INTERVAL_S = 600.0  # reminders fall due at whole working days: 10 min is prompt
DIGEST_JOB = "alert-digests"
DIGEST_INTERVAL_S = 5.0  # "instant" alerts: seconds after the match, not minutes

__all__ = ["MIGRATIONS", "SERVICE", "bootstrap"]


def _blueprints() -> list[Blueprint]:
    from services.volunteers.api import (
        applications,
        auth,
        data_rights,
        errors,
        profile,
        saved_searches,
        suggestions,
    )

    return [
        errors.bp,
        auth.bp,
        auth.me,
        profile.bp,
        suggestions.bp,
        applications.bp,
        saved_searches.bp,
        data_rights.bp,
    ]


def _consumers(runtime: ServiceRuntime) -> list[ConsumerSpec]:
    """Copies of roles, organisations and memberships (applications authorise by them), the
    percolator's matches for alerts, and micro-volunteering news to tell volunteers."""
    from services.volunteers.service_layer.alerts import alerts_spec
    from services.volunteers.service_layer.copies import copies_spec
    from services.volunteers.service_layer.microtask_mail import microtask_mail_spec

    return [copies_spec(), alerts_spec(), microtask_mail_spec(runtime)]


def _jobs(runtime: ServiceRuntime) -> list[PeriodicJob]:
    """Send pending mail every second; forget old attempts, links and sessions hourly."""
    from services.volunteers.service_layer.accounts import prune
    from services.volunteers.service_layer.alerts import send_digests
    from services.volunteers.service_layer.guarantee import sweep
    from services.volunteers.service_layer.unit_of_work import mail_relay

    return [
        PeriodicJob(
            MAIL_RELAY_JOB, MAIL_RELAY_INTERVAL_S, lambda: mail_relay(runtime).send_pending()
        ),
        PeriodicJob(PRUNE_JOB, PRUNE_INTERVAL_S, lambda: prune(runtime)),
        PeriodicJob(DIGEST_JOB, DIGEST_INTERVAL_S, lambda: send_digests(runtime).as_dict()),
        PeriodicJob(GUARANTEE_JOB, GUARANTEE_INTERVAL_S, lambda: sweep(runtime).as_dict()),
    ]


def _grant_admin(runtime: ServiceRuntime, argv: list[str]) -> int:
    from services.volunteers.domain.accounts import DomainError
    from services.volunteers.service_layer.accounts import grant_admin

    if len(argv) != 1:
        print("usage: grant-admin EMAIL")
        return 2
    try:
        account = grant_admin(runtime, argv[0])
    except (DomainError, ValueError) as exc:
        print(exc)
        return 1
    print(f"account {account.id} is now an admin (from its next sign-in)")
    return 0


SERVICE = ServiceDefinition(
    name="volunteers",
    title="Volunteers service",
    bootstrap=bootstrap,
    blueprints=_blueprints,
    consumers=_consumers,
    jobs=_jobs,
    commands={"grant-admin": ("make an account a platform admin (EMAIL)", _grant_admin)},
)
