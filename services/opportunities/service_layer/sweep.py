"""The "still recruiting?" sweep: apply ``domain.recruiting`` to every live role.

It plans from one read, then applies each decision in its own transaction after deciding
again on the locked row, so two sweeps running at once (two workers) do not ask twice or
pause a role that was confirmed in between. Asks are recorded for the notifications work
to deliver; pauses and expiries emit OpportunityPaused / OpportunityExpired.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from services.common.runtime import ServiceRuntime
from services.opportunities.domain import recruiting
from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.recruiting import Action, Decision
from services.opportunities.service_layer.unit_of_work import UnitOfWork, clock, unit_of_work

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    """Role ids the sweep asked about, paused and expired."""

    asked: list[str] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"asked": self.asked, "paused": self.paused, "expired": self.expired}


def sweep(runtime: ServiceRuntime, now: dt.datetime | None = None) -> SweepReport:
    """Ask, pause and expire as the rules say at ``now`` (default: the runtime's clock)."""
    now = (now or clock(runtime)).astimezone(dt.UTC)
    with unit_of_work(runtime) as uow:
        plan = recruiting.plan(uow.opportunities.live(), uow.reminders.last_asked(), now)
    report = SweepReport()
    for decision in plan.decisions:
        _apply(runtime, decision.opportunity_id, now, report)
    if plan.decisions:
        log.info("recruiting sweep done", extra={k: len(v) for k, v in report.as_dict().items()})
    return report


def _apply(runtime: ServiceRuntime, role_id: str, now: dt.datetime, report: SweepReport) -> None:
    with unit_of_work(runtime) as uow:
        uow.now = now
        role = uow.opportunities.get(role_id, for_update=True)
        if role is None:
            return
        decision = recruiting.decide(role, uow.reminders.last_asked([role_id]).get(role_id), now)
        if decision is None:
            return
        _ACTIONS[decision.action](uow, role, decision, report)


def _ask(uow: UnitOfWork, role: Opportunity, decision: Decision, report: SweepReport) -> None:
    reason = str(decision.reason)
    uow.reminders.add(role.id, uow.now, reason)
    report.asked.append(role.id)
    log.info(
        "asked whether the role is still recruiting",
        extra={
            "opportunity_id": role.id,
            "organisation_id": role.organisation_id,
            "reason": reason,
        },
    )


def _pause(uow: UnitOfWork, role: Opportunity, decision: Decision, report: SweepReport) -> None:
    role.pause(uow.now, recruiting.PAUSE_REASON)
    uow.opportunities.save(role)
    uow.publish(role)
    report.paused.append(role.id)
    log.info("paused: not confirmed as still recruiting", extra={"opportunity_id": role.id})


def _expire(uow: UnitOfWork, role: Opportunity, decision: Decision, report: SweepReport) -> None:
    role.expire(uow.now)
    uow.opportunities.save(role)
    uow.publish(role)
    report.expired.append(role.id)
    log.info("expired: closing date passed", extra={"opportunity_id": role.id})


_ACTIONS = {Action.ASK: _ask, Action.PAUSE: _pause, Action.EXPIRE: _expire}
