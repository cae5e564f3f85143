"""Application use cases. Each runs in one transaction with the events it emits.

Who may do what: the volunteer applies, reads and withdraws their own applications;
members of the role's organisation read its inbox and answer; staff of the Volunteer
Centre an application was escalated to read it (and only read: answering stays with the
organisation); admins read everything.

Volunteer Centre staff are known by their token (role ``vc_staff``, ``centres``), as in the
opportunities service; a centre counts only while this service's copy says it is an approved
Volunteer Centre, so a rejected centre's staff lose access without waiting for new tokens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.auth import Principal
from services.common.envelope import new_envelope, utcnow
from services.common.runtime import ServiceRuntime
from services.volunteers.adapters.accounts_repository import AccountRepository
from services.volunteers.adapters.application_tables import applications
from services.volunteers.adapters.applications_repository import ApplicationRepository
from services.volunteers.adapters.copies import memberships
from services.volunteers.domain.applications import (
    Application,
    ApplicationError,
    Listing,
    Page,
    Status,
)
from services.volunteers.domain.matching import Role
from services.volunteers.service_layer.guarantee import similar_to

UK = ZoneInfo("Europe/London")
VC_STAFF = "vc_staff"
ONLY_CENTRES = "Only staff of a Volunteer Centre, and admins, can see escalated applications."
TOPIC = ("applications", 1)
EVENT_TYPES = {
    Status.SUBMITTED: "ApplicationSubmitted",
    Status.SEEN: "ApplicationSeen",
    Status.IN_CONTACT: "ApplicationInContact",
    Status.ACCEPTED: "ApplicationAccepted",
    Status.DECLINED: "ApplicationDeclined",
    Status.WITHDRAWN: "ApplicationWithdrawn",
}


class NotAllowed(Exception):
    """The caller may not see (404: no existence leaks) or change (403) this."""

    def __init__(self, status: int = 404, detail: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.detail = detail


@dataclass
class Work:
    session: Session
    runtime: ServiceRuntime
    now: dt.datetime

    @property
    def applications(self) -> ApplicationRepository:
        return ApplicationRepository(self.session)

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(UK).date()

    def publish(self, application: Application) -> None:
        topic, version = TOPIC
        for event in application.events:
            envelope = new_envelope(
                event_type=EVENT_TYPES[Status(event.status)],
                version=version,
                producer="volunteers",
                key=event.application_id,
                data=event.__dict__,
                occurred_at=self.now,
            )
            self.runtime.outbox.add(self.session, topic, envelope)
        application.events.clear()

    def member_role(self, principal: Principal, organisation_id: str) -> str | None:
        return self.session.execute(
            sa.select(memberships.c.role).where(
                memberships.c.organisation_id == organisation_id,
                memberships.c.account_id == principal.account_id,
            )
        ).scalar()

    def centres(self, principal: Principal) -> frozenset[str]:
        """The approved Volunteer Centres whose staff the caller is, as their token says."""
        if VC_STAFF not in principal.roles:
            return frozenset()
        return self.applications.approved_centres(principal.centres)


@contextmanager
def work(runtime: ServiceRuntime) -> Iterator[Work]:
    clock = runtime.extensions.get("clock", utcnow)
    with runtime.session_factory() as session, session.begin():
        yield Work(session, runtime, clock())


def submit(
    runtime: ServiceRuntime,
    principal: Principal,
    opportunity_id: str,
    message: str,
    answers: Mapping[str, str],
    share_adjustments: bool = False,
) -> Application:
    with work(runtime) as w:
        role = w.applications.role(opportunity_id)
        if role is None:
            raise ApplicationError("There is no such role.", "not-found", 404)
        application = Application.submit(
            role=role,
            volunteer_id=principal.account_id,
            message=message,
            answers=answers,
            live_for_role=w.applications.live_for(principal.account_id, opportunity_id),
            today=w.today,
            now=w.now,
            share_adjustments=share_adjustments,
        )
        w.applications.add(application)
        w.publish(application)
    return application


def respond(
    runtime: ServiceRuntime,
    principal: Principal,
    application_id: str,
    target: Status,
    reason: str | None = None,
) -> Application:
    with work(runtime) as w:
        application = _readable(w, principal, application_id, for_update=True)
        if not (principal.is_admin or w.member_role(principal, application.organisation_id)):
            raise NotAllowed(403)
        places = None
        accepted = 0
        if target is Status.ACCEPTED:
            # Lock the role's copy: two members accepting at once cannot overfill it.
            role = w.applications.role(application.opportunity_id, for_update=True)
            places = role.places if role else None
            accepted = w.applications.accepted_count(application.opportunity_id)
        application.respond(target, w.now, accepted_so_far=accepted, places=places, reason=reason)
        w.applications.save(application)
        w.publish(application)
    return application


def withdraw(
    runtime: ServiceRuntime, principal: Principal, application_id: str, reason: str | None
) -> Application:
    with work(runtime) as w:
        application = _readable(w, principal, application_id, for_update=True)
        if application.volunteer_id != principal.account_id:
            raise NotAllowed(403)
        application.withdraw(w.now, reason)
        w.applications.save(application)
        w.publish(application)
    return application


def get(runtime: ServiceRuntime, principal: Principal, application_id: str) -> Application:
    with work(runtime) as w:
        return _readable(w, principal, application_id)


def mine(
    runtime: ServiceRuntime,
    principal: Principal,
    status: str | None = None,
    page: Page | None = None,
) -> Listing:
    with work(runtime) as w:
        return w.applications.listed(page, volunteer_id=principal.account_id, status=status)


def inbox(
    runtime: ServiceRuntime,
    principal: Principal,
    organisation_id: str,
    status: str | None,
    page: Page | None = None,
) -> Listing:
    with work(runtime) as w:
        if not (principal.is_admin or w.member_role(principal, organisation_id)):
            raise NotAllowed(403)
        return w.applications.listed(page, organisation_id=organisation_id, status=status)


def escalated(
    runtime: ServiceRuntime, principal: Principal, status: str | None, page: Page | None = None
) -> Listing:
    """Applications escalated to the caller's Volunteer Centres; for admins, all escalated."""
    with work(runtime) as w:
        if principal.is_admin:
            return w.applications.escalated(None, status, page)
        centres = w.centres(principal)
        if not centres:
            raise NotAllowed(403, ONLY_CENTRES)
        return w.applications.escalated(centres, status, page)


def staff_centres(runtime: ServiceRuntime, account_id: str) -> list[str]:
    """The approved Volunteer Centres an account works for (they go in its access tokens)."""
    with work(runtime) as w:
        return AccountRepository(w.session).centres(account_id)


def _readable(
    w: Work, principal: Principal, application_id: str, *, for_update: bool = False
) -> Application:
    application = w.applications.get(application_id, for_update=for_update)
    if application is None:
        raise NotAllowed
    allowed = (
        principal.is_admin
        or application.volunteer_id == principal.account_id
        or w.member_role(principal, application.organisation_id) is not None
        or application.escalated_to_any(w.centres(principal))
    )
    if not allowed:
        raise NotAllowed
    return application


def escalation(runtime: ServiceRuntime, application_id: str) -> list[Role] | None:
    """Similar roles when the application was escalated (unanswered), else None."""
    with work(runtime) as w:
        row = w.session.execute(
            sa.select(applications.c.escalated_at, applications.c.opportunity_id).where(
                applications.c.id == application_id
            )
        ).first()
        if row is None or row.escalated_at is None:
            return None
        return similar_to(w.session, row.opportunity_id)
