"""Role use cases: create, edit, move through the lifecycle, read, export.

Only members of the role's organisation (or admins) change it. Each change commits with
its event; invalid input raises before anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput
from services.opportunities.domain.details import Details
from services.opportunities.domain.errors import NotFound
from services.opportunities.domain.opportunity import Opportunity, Status
from services.opportunities.domain.organisation import Actor, Moderation, Organisation
from services.opportunities.service_layer import inputs
from services.opportunities.service_layer.unit_of_work import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
ACTIONS = ("publish", "pause", "close", "confirm", "delete")


@dataclass(frozen=True)
class Listed:
    """A role together with the organisation that posts it (for the export)."""

    opportunity: Opportunity
    organisation: Organisation


def create_opportunity(
    runtime: ServiceRuntime, actor: Actor, data: Mapping[str, Any]
) -> Opportunity:
    """A new draft for ``data["organisation_id"]``, which the actor must be a member of."""
    fields = dict(data)
    org_id = fields.pop("organisation_id")
    with unit_of_work(runtime) as uow:
        org = uow.organisations.get(org_id)
        if org is None:
            raise InvalidInput.field("organisation_id", f"There is no organisation {org_id}.")
        org.require_editor(actor)
        details = Details(**_changes(runtime, fields))
        role = Opportunity.create(org.id, details, uow.now)
        uow.opportunities.add(role)
        uow.publish(role)
    _log("opportunity created", role)
    return role


def update_opportunity(
    runtime: ServiceRuntime, actor: Actor, role_id: str, data: Mapping[str, Any]
) -> Opportunity:
    """Change some fields with the same checks as creation; a published role stays so."""
    with unit_of_work(runtime) as uow:
        role, _ = _editable(uow, actor, role_id)
        if role.update(_changes(runtime, data), uow.now):
            uow.opportunities.save(role)
            uow.publish(role)
    _log("opportunity updated", role)
    return role


def act(
    runtime: ServiceRuntime, actor: Actor, role_id: str, action: str, reason: str | None = None
) -> Opportunity:
    """Publish, pause, close, confirm or delete a role (409 if its status forbids it)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    with unit_of_work(runtime) as uow:
        role, org = _editable(uow, actor, role_id)
        _apply(role, org, action, reason, uow)
        uow.opportunities.save(role)
        uow.publish(role)
    _log(f"opportunity {action}", role)
    return role


def _apply(
    role: Opportunity, org: Organisation, action: str, reason: str | None, uow: UnitOfWork
) -> None:
    if action == "publish":
        role.publish(uow.now, organisation_approved=org.moderation is Moderation.APPROVED)
    elif action == "pause":
        role.pause(uow.now, reason)
    elif action == "close":
        role.close(uow.now, reason)
    elif action == "confirm":
        role.confirm(uow.now)
    else:
        role.delete(uow.now)


def get_opportunity(runtime: ServiceRuntime, actor: Actor | None, role_id: str) -> Opportunity:
    """Public once published; drafts only to members and admins (404 to anyone else)."""
    with unit_of_work(runtime) as uow:
        role = uow.opportunities.get(role_id)
        if role is None or role.status is Status.DELETED:
            raise _missing(role_id)
        if not role.is_public:
            org = uow.organisations.get(role.organisation_id)
            if org is None or not org.can_edit(actor):
                raise _missing(role_id)
        return role


def for_organisation(
    runtime: ServiceRuntime, actor: Actor | None, org_id: str
) -> list[Opportunity]:
    """Members see every role of theirs; everyone else sees the published ones."""
    with unit_of_work(runtime) as uow:
        org = uow.organisations.get(org_id)
        if org is None:
            raise NotFound(f"There is no organisation {org_id}.")
        statuses = None if org.can_edit(actor) else [Status.PUBLISHED]
        return uow.opportunities.for_organisation(org_id, statuses)


def export_page(runtime: ServiceRuntime, after: str | None, limit: int) -> list[Listed]:
    """Every role but deleted ones, by id after ``after``, each with its organisation."""
    with unit_of_work(runtime) as uow:
        roles = uow.opportunities.page(after, limit)
        orgs = {o.id: o for o in uow.organisations.get_many(r.organisation_id for r in roles)}
        return [Listed(role, orgs[role.organisation_id]) for role in roles]


def _editable(uow: UnitOfWork, actor: Actor, role_id: str) -> tuple[Opportunity, Organisation]:
    role = uow.opportunities.get(role_id, for_update=True)
    if role is None or role.status is Status.DELETED:
        raise _missing(role_id)
    org = uow.organisations.get(role.organisation_id)
    assert org is not None, "roles always belong to an organisation (foreign key)"
    if not org.can_edit(actor):
        if not role.is_public:
            raise _missing(role_id)  # a stranger may not learn that a draft exists
        org.require_editor(actor)
    return role, org


def _changes(runtime: ServiceRuntime, data: Mapping[str, Any]) -> dict[str, Any]:
    ext = runtime.extensions
    return inputs.role_changes(ext["geocoder"], ext["vocabularies"], data)


def _missing(role_id: str) -> NotFound:
    return NotFound(f"There is no opportunity {role_id}.")


def _log(message: str, role: Opportunity) -> None:
    log.info(
        message,
        extra={
            "opportunity_id": role.id,
            "organisation_id": role.organisation_id,
            "revision": role.revision,
            "status": role.status.value,
        },
    )
