"""Organisation use cases: register, update the profile or catchment, manage members.

Each runs in one transaction with the events it emits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.common.runtime import ServiceRuntime
from services.opportunities.domain.errors import NotFound
from services.opportunities.domain.organisation import (
    Actor,
    MemberRole,
    Organisation,
    OrganisationType,
)
from services.opportunities.service_layer import inputs
from services.opportunities.service_layer.unit_of_work import UnitOfWork, unit_of_work


@dataclass(frozen=True)
class RegisterOrganisation:
    """Register an organisation; ``owner_id`` (the registrant) becomes its first owner."""

    name: str
    type: OrganisationType
    postcode: str | None = None
    website: str | None = None
    description: str = ""
    charity_number: str | None = None
    owner_id: str | None = None
    by_admin: bool = False


def register_organisation(runtime: ServiceRuntime, cmd: RegisterOrganisation) -> Organisation:
    where = inputs.address(runtime.extensions["geocoder"], cmd.postcode)
    number = inputs.charity_number(cmd.charity_number)
    with unit_of_work(runtime) as uow:
        org = Organisation.register(
            name=cmd.name,
            type_=cmd.type,
            now=uow.now,
            # A Volunteer Centre's staff moderate and read escalations in its area: one
            # always waits for an admin, even where moderation is otherwise off.
            moderated=runtime.config.moderation_required
            or (
                OrganisationType(cmd.type) is OrganisationType.VOLUNTEER_CENTRE and not cmd.by_admin
            ),
            owner_id=cmd.owner_id,
            website=cmd.website,
            description=cmd.description,
            charity_number=number,
            **where,
        )
        uow.organisations.add(org)
        uow.publish(org)
    return org


def get_organisation(runtime: ServiceRuntime, org_id: str) -> Organisation | None:
    with unit_of_work(runtime) as uow:
        return uow.organisations.get(org_id)


def member_of(runtime: ServiceRuntime, actor: Actor) -> list[Organisation]:
    """The organisations the actor is a member of (the "my organisations" list)."""
    with unit_of_work(runtime) as uow:
        return uow.organisations.for_member(actor.account_id)


def find_organisation(uow: UnitOfWork, org_id: str, *, for_update: bool = False) -> Organisation:
    org = uow.organisations.get(org_id, for_update=for_update)
    if org is None:
        raise NotFound(f"There is no organisation {org_id}.")
    return org


def update_organisation(
    runtime: ServiceRuntime, actor: Actor, org_id: str, changes: Mapping[str, Any]
) -> Organisation:
    """Members change the profile; only owners and admins change a catchment."""
    changes = dict(changes)
    catchment_input = changes.pop("catchment", None)
    with unit_of_work(runtime) as uow:
        org = find_organisation(uow, org_id, for_update=True)
        org.require_editor(actor)
        if catchment_input is not None:
            org.require_owner(actor)
        if "type" in changes:
            org.require_type_change_allowed(actor, changes["type"])
        profile = _profile(runtime, changes)
        catchment = (
            None
            if catchment_input is None
            else inputs.catchment(runtime.extensions["geocoder"], catchment_input)
        )
        if org.update(uow.now, catchment=catchment, **profile):
            uow.organisations.save(org)
            uow.publish(org)
    return org


def _profile(runtime: ServiceRuntime, changes: Mapping[str, Any]) -> dict[str, Any]:
    profile = dict(changes)
    if "postcode" in profile:
        profile.update(inputs.address(runtime.extensions["geocoder"], profile["postcode"]))
    if "charity_number" in profile:
        profile["charity_number"] = inputs.charity_number(profile["charity_number"])
    if "name" in profile:
        profile["name"] = profile["name"].strip()
    return profile


def set_member(
    runtime: ServiceRuntime, actor: Actor, org_id: str, account_id: str, role: MemberRole
) -> tuple[Organisation, bool]:
    """Add a member or change their role; True when the member is new."""
    with unit_of_work(runtime) as uow:
        org = find_organisation(uow, org_id, for_update=True)
        org.require_owner(actor)
        created = org.set_member(account_id, role)
        uow.organisations.save(org)
        uow.publish(org)
    return org, created


def remove_member(runtime: ServiceRuntime, actor: Actor, org_id: str, account_id: str) -> None:
    """Owners remove anyone; members may remove themselves. One owner always stays."""
    with unit_of_work(runtime) as uow:
        org = find_organisation(uow, org_id, for_update=True)
        if account_id != actor.account_id:
            org.require_owner(actor)
        org.remove_member(account_id)
        uow.organisations.save(org)
        uow.publish(org)


def members(runtime: ServiceRuntime, actor: Actor, org_id: str) -> dict[str, MemberRole]:
    with unit_of_work(runtime) as uow:
        org = find_organisation(uow, org_id)
        org.require_editor(actor)
        return dict(org.members)
