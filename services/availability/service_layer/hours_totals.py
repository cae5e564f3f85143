"""Hours given, totalled per organisation, for reports: numbers only, never who gave them.

Readers: the organisation's own members, administrators, and staff of an approved Volunteer
Centre. Centre staff may read any organisation's totals: a centre's catchment is a set of
postcode areas, which only search knows (roles have places, organisations may work in many),
and totals name no one, so this service does not try to draw the catchment itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from services.availability.adapters import hours_repository as repo
from services.availability.adapters.hours_repository import HoursTotals
from services.availability.domain.errors import Forbidden
from services.availability.service_layer.unit_of_work import UnitOfWork, unit_of_work
from services.common.auth import Principal
from services.common.runtime import ServiceRuntime

VC_STAFF = "vc_staff"


def totals(
    runtime: ServiceRuntime,
    principal: Principal,
    organisation_ids: Sequence[str],
    since: dt.date | None,
) -> list[HoursTotals]:
    """Each organisation's totals, in the order asked (each once; zeros if it has none)."""
    wanted = list(dict.fromkeys(organisation_ids))
    with unit_of_work(runtime) as uow:
        _require_reader(uow, principal, wanted)
        found = repo.totals(uow.session, wanted, since)
    return [found.get(org, HoursTotals(org)) for org in wanted]


def _require_reader(uow: UnitOfWork, principal: Principal, organisation_ids: list[str]) -> None:
    if principal.is_admin:
        return
    if VC_STAFF in principal.roles and repo.approved_centres(uow.session, principal.centres):
        return
    if set(organisation_ids) <= repo.member_of(uow.session, principal.account_id, organisation_ids):
        return
    raise Forbidden(
        "Only an organisation's members, Volunteer Centre staff and administrators "
        "can see its hours."
    )
