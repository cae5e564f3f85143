"""Moderation: the Volunteer Centre covering an organisation (or an admin) approves it.

Staff of a Volunteer Centre carry the role ``vc_staff`` and the centre's organisation id in
their token (``centres``); the centre's catchment decides which organisations are theirs.
"""

from __future__ import annotations

import logging

from services.common.runtime import ServiceRuntime
from services.opportunities.domain.errors import Forbidden
from services.opportunities.domain.organisation import (
    Actor,
    Catchment,
    Moderation,
    Organisation,
    may_moderate,
)
from services.opportunities.service_layer.organisations import find_organisation
from services.opportunities.service_layer.unit_of_work import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)


def approve(runtime: ServiceRuntime, actor: Actor, org_id: str) -> Organisation:
    with unit_of_work(runtime) as uow:
        org = _decidable(uow, actor, org_id)
        org.approve(actor.account_id, uow.now)
        uow.organisations.save(org)
        uow.publish(org)
    log.info("organisation approved", extra={"organisation_id": org_id})
    return org


def reject(runtime: ServiceRuntime, actor: Actor, org_id: str, reason: str | None) -> Organisation:
    with unit_of_work(runtime) as uow:
        org = _decidable(uow, actor, org_id)
        org.reject(actor.account_id, reason, uow.now)
        uow.organisations.save(org)
        uow.publish(org)
    log.info("organisation rejected", extra={"organisation_id": org_id})
    return org


def queue(runtime: ServiceRuntime, actor: Actor) -> list[Organisation]:
    """Pending organisations the caller may decide on: all for admins, their area for staff."""
    with unit_of_work(runtime) as uow:
        if actor.is_admin:
            return uow.organisations.pending()
        if "vc_staff" not in actor.roles:
            raise Forbidden("Only Volunteer Centre staff and administrators moderate.")
        return uow.organisations.pending(_catchments(uow, actor))


def _decidable(uow: UnitOfWork, actor: Actor, org_id: str) -> Organisation:
    org = find_organisation(uow, org_id, for_update=True)
    centres = uow.organisations.get_many(actor.centres)
    if not may_moderate(actor, org, centres):
        raise Forbidden(
            f"Only staff of the Volunteer Centre covering {org.name}'s postcode, "
            "or an administrator, can decide on it."
        )
    return org


def _catchments(uow: UnitOfWork, actor: Actor) -> list[Catchment]:
    centres = uow.organisations.get_many(actor.centres)
    return [
        vc.catchment
        for vc in centres
        if vc.is_volunteer_centre and vc.moderation is Moderation.APPROVED
    ]
