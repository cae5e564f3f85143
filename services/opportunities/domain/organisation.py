"""Organisations, their members, catchments and moderation. Plain Python: no frameworks."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from services.common.validation import InvalidInput
from services.opportunities.domain.errors import Conflict, Forbidden, NotFound

REASON_MAX = 1000


class OrganisationType(enum.StrEnum):
    CHARITY = "charity"
    COMMUNITY_GROUP = "community_group"
    PUBLIC_BODY = "public_body"
    VOLUNTEER_CENTRE = "volunteer_centre"


class Moderation(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    EDITOR = "editor"


class Actor(Protocol):
    """Who is acting: ``services.common.auth.Principal`` fits, and so does a test double."""

    @property
    def account_id(self) -> str: ...

    @property
    def roles(self) -> frozenset[str]: ...

    @property
    def centres(self) -> frozenset[str]: ...

    @property
    def is_admin(self) -> bool: ...


@dataclass(frozen=True)
class OrganisationRegistered:
    organisation_id: str
    name: str
    type: str
    postcode: str | None
    registered_at: dt.datetime
    moderation: str
    charity_number: str | None
    district_code: str | None
    outward_code: str | None = None
    catchment: dict[str, list[str]] | None = None


@dataclass(frozen=True)
class OrganisationUpdated:
    organisation_id: str
    name: str
    type: str
    postcode: str | None
    moderation: str
    charity_number: str | None
    district_code: str | None
    website: str | None
    outward_code: str | None = None
    catchment: dict[str, list[str]] | None = None


@dataclass(frozen=True)
class OrganisationApproved:
    organisation_id: str
    decided_at: dt.datetime
    decided_by: str | None


@dataclass(frozen=True)
class OrganisationRejected:
    organisation_id: str
    decided_at: dt.datetime
    decided_by: str | None
    reason: str


@dataclass(frozen=True)
class MembershipChanged:
    """Someone joined, changed role or (role None) left: other services authorise by it."""

    organisation_id: str
    account_id: str
    role: str | None


OrganisationEvent = (
    OrganisationRegistered
    | OrganisationUpdated
    | OrganisationApproved
    | OrganisationRejected
    | MembershipChanged
)


@dataclass(frozen=True)
class Catchment:
    """Where a Volunteer Centre works: postcode districts ("SE1") and/or ONS district codes."""

    outward_codes: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()

    def covers(self, outward_code: str | None, district_code: str | None) -> bool:
        return (outward_code is not None and outward_code in self.outward_codes) or (
            district_code is not None and district_code in self.districts
        )

    def __bool__(self) -> bool:
        return bool(self.outward_codes or self.districts)


# What PATCH may change besides the catchment; district_code follows the postcode.
PROFILE_FIELDS = (
    "name",
    "type",
    "postcode",
    "district_code",
    "website",
    "description",
    "charity_number",
)


@dataclass
class Organisation:
    """An organisation that posts volunteering roles (a Volunteer Centre is one too)."""

    id: str
    name: str
    type: OrganisationType
    postcode: str | None
    website: str | None
    description: str
    registered_at: dt.datetime
    charity_number: str | None = None
    district_code: str | None = None
    moderation: Moderation = Moderation.APPROVED
    moderation_reason: str | None = None
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    updated_at: dt.datetime | None = None
    catchment: Catchment = Catchment()
    members: dict[str, MemberRole] = field(default_factory=dict)
    events: list[OrganisationEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(
        cls,
        *,
        name: str,
        type_: OrganisationType,
        now: dt.datetime,
        moderated: bool = False,
        owner_id: str | None = None,
        postcode: str | None = None,
        district_code: str | None = None,
        website: str | None = None,
        description: str = "",
        charity_number: str | None = None,
    ) -> Organisation:
        """A new organisation; pending approval if ``moderated``, its registrant its owner."""
        org = cls(
            id=str(uuid.uuid4()),
            name=name.strip(),
            type=type_,
            postcode=postcode,
            website=website,
            description=description,
            registered_at=now,
            charity_number=charity_number,
            district_code=district_code,
            moderation=Moderation.PENDING if moderated else Moderation.APPROVED,
            updated_at=now,
        )
        org.events.append(org._registered())
        if owner_id:
            org.members[owner_id] = MemberRole.OWNER
            org.events.append(MembershipChanged(org.id, owner_id, MemberRole.OWNER.value))
        return org

    @property
    def outward_code(self) -> str | None:
        return self.postcode.split()[0] if self.postcode else None

    @property
    def is_volunteer_centre(self) -> bool:
        return self.type is OrganisationType.VOLUNTEER_CENTRE

    # -- access -------------------------------------------------------------------------

    def role_of(self, actor: Actor | None) -> MemberRole | None:
        return None if actor is None else self.members.get(actor.account_id)

    def can_edit(self, actor: Actor | None) -> bool:
        """Owners, editors and admins may change the organisation and its roles."""
        return actor is not None and (actor.is_admin or self.role_of(actor) is not None)

    def can_manage(self, actor: Actor | None) -> bool:
        """Owners and admins may change members and the catchment."""
        return actor is not None and (actor.is_admin or self.role_of(actor) is MemberRole.OWNER)

    def require_editor(self, actor: Actor | None) -> None:
        if not self.can_edit(actor):
            raise Forbidden(f"Only members of {self.name} can do this.")

    def require_owner(self, actor: Actor | None) -> None:
        if not self.can_manage(actor):
            raise Forbidden(f"Only owners of {self.name} can do this.")

    # -- profile ------------------------------------------------------------------------

    def update(
        self, now: dt.datetime, *, catchment: Catchment | None = None, **changes: Any
    ) -> bool:
        """Apply a partial update; one OrganisationUpdated if anything changed."""
        unknown = set(changes) - set(PROFILE_FIELDS)
        if unknown:
            raise ValueError(f"not profile fields: {sorted(unknown)}")
        changed = {k: v for k, v in changes.items() if getattr(self, k) != v}
        for name, value in changed.items():
            setattr(self, name, value)
        changed_catchment = self._apply_catchment(catchment)
        if not (changed or changed_catchment):
            return False
        self.updated_at = now
        self.events.append(self._updated())
        return True

    def require_type_change_allowed(self, actor: Actor | None, new_type: Any) -> None:
        """Becoming (or ceasing to be) a Volunteer Centre is for admins alone: a centre's
        staff moderate organisations and read escalated applications in its catchment, so
        an owner who could turn their charity into one could reach other tenants' data."""
        becomes_centre = OrganisationType(new_type) is OrganisationType.VOLUNTEER_CENTRE
        if becomes_centre != self.is_volunteer_centre and not (actor and actor.is_admin):
            raise Forbidden(
                "Only a platform admin can make an organisation a Volunteer Centre "
                "or stop it being one. Contact the platform team."
            )

    def _apply_catchment(self, catchment: Catchment | None) -> bool:
        if catchment is not None and catchment and not self.is_volunteer_centre:
            raise InvalidInput.field("catchment", "Only a Volunteer Centre has a catchment.")
        if not self.is_volunteer_centre:
            catchment = Catchment()  # an organisation that stops being a VC loses its area
        if catchment is None or catchment == self.catchment:
            return False
        self.catchment = catchment
        return True

    # -- members ------------------------------------------------------------------------

    def set_member(self, account_id: str, role: MemberRole) -> bool:
        """Add a member or change their role; True if they are new."""
        current = self.members.get(account_id)
        if current is MemberRole.OWNER and role is not MemberRole.OWNER:
            self._keep_an_owner_besides(account_id)
        self.members[account_id] = role
        if current is not role:
            self.events.append(MembershipChanged(self.id, account_id, role.value))
        return current is None

    def remove_member(self, account_id: str) -> None:
        if account_id not in self.members:
            raise NotFound(f"{account_id} is not a member of {self.name}.")
        if self.members[account_id] is MemberRole.OWNER:
            self._keep_an_owner_besides(account_id)
        del self.members[account_id]
        self.events.append(MembershipChanged(self.id, account_id, None))

    def _keep_an_owner_besides(self, account_id: str) -> None:
        owners = [a for a, r in self.members.items() if r is MemberRole.OWNER and a != account_id]
        if not owners:
            raise Conflict(
                f"{self.name} must keep at least one owner: add another owner first.",
                code="last-owner",
            )

    # -- moderation ---------------------------------------------------------------------

    def approve(self, by: str | None, now: dt.datetime) -> None:
        if self.moderation is Moderation.APPROVED:
            raise Conflict(f"{self.name} is already approved.", code="already-decided")
        self._decide(Moderation.APPROVED, by, now, None)
        self.events.append(OrganisationApproved(self.id, now, by))

    def reject(self, by: str | None, reason: str | None, now: dt.datetime) -> None:
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput.field("reason", "Say why the organisation is rejected.")
        if len(reason) > REASON_MAX:
            raise InvalidInput.field("reason", f"Use at most {REASON_MAX} characters.")
        if self.moderation is not Moderation.PENDING:
            raise Conflict(f"{self.name} is already {self.moderation}.", code="already-decided")
        self._decide(Moderation.REJECTED, by, now, reason)
        self.events.append(OrganisationRejected(self.id, now, by, reason))

    def _decide(
        self, outcome: Moderation, by: str | None, now: dt.datetime, reason: str | None
    ) -> None:
        self.moderation = outcome
        self.moderation_reason = reason
        self.decided_at = now
        self.decided_by = by
        self.updated_at = now

    # -- events -------------------------------------------------------------------------

    def _registered(self) -> OrganisationRegistered:
        return OrganisationRegistered(
            self.id,
            self.name,
            self.type.value,
            self.postcode,
            self.registered_at,
            self.moderation.value,
            self.charity_number,
            self.district_code,
            self.outward_code,
            self._catchment_data(),
        )

    def _updated(self) -> OrganisationUpdated:
        return OrganisationUpdated(
            self.id,
            self.name,
            self.type.value,
            self.postcode,
            self.moderation.value,
            self.charity_number,
            self.district_code,
            self.website,
            self.outward_code,
            self._catchment_data(),
        )

    def _catchment_data(self) -> dict[str, list[str]] | None:
        if not self.is_volunteer_centre:
            return None
        return {
            "outward_codes": list(self.catchment.outward_codes),
            "districts": list(self.catchment.districts),
        }


def may_moderate(actor: Actor, org: Organisation, centres: Iterable[Organisation]) -> bool:
    """Admins, and staff of an approved Volunteer Centre whose catchment holds ``org``."""
    if actor.is_admin:
        return True
    if "vc_staff" not in actor.roles or org.is_volunteer_centre:
        return False  # a new Volunteer Centre is approved by an admin, never by a peer
    return any(
        vc.id in actor.centres
        and vc.is_volunteer_centre
        and vc.moderation is Moderation.APPROVED
        and vc.catchment.covers(org.outward_code, org.district_code)
        for vc in centres
    )
