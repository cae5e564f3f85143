"""The shapes the demo catalogue is written in: towns, organisation and role templates.

The catalogue modules hold plain-English content; ``generate.py`` turns it into concrete
organisations and roles. Codes are written as space-separated strings ("OlderPeople
LocalCommunity") to keep the catalogue readable; ``role()`` splits them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Commitment = Literal["one_off", "regular", "flexible", "micro"]
Mode = Literal["located", "remote", "both"]
OrgType = Literal["charity", "community_group", "public_body", "volunteer_centre"]

WALES = "Wales"
SCOTLAND = "Scotland"


@dataclass(frozen=True)
class Town:
    """A place roles happen, with its centre as WGS84 degrees (``pick_postcodes`` uses it).

    ``weight`` (1 for a small or remote town, up to 6 for a big city) sets how many roles
    the generator places there.
    """

    key: str
    name: str
    region: str
    latitude: float
    longitude: float
    weight: int

    @property
    def country(self) -> str:
        return self.region if self.region in (WALES, SCOTLAND) else "England"


@dataclass(frozen=True)
class Event:
    """When a one-off role happens: on one of ``days`` (weekday names), ``count`` times."""

    days: tuple[str, ...]
    starts: str
    ends: str
    count: tuple[int, int] = (1, 1)
    months: tuple[int, ...] = ()  # the months it can happen in; empty means any month


@dataclass(frozen=True)
class RoleTemplate:
    """One kind of role. ``{place}`` and ``{org}`` in the text are filled in per role."""

    key: str
    titles: tuple[str, ...]
    summary: str
    description: str
    causes: tuple[str, ...]
    skills: tuple[str, ...]
    requirements: tuple[str, ...]
    accessibility: tuple[str, ...]
    commitment: Commitment
    hours: tuple[float, float] | None  # hours per week, picked between the two
    sessions: tuple[str, ...]  # session-time codes to choose from
    session_count: tuple[int, int]
    minimum_age: int | None
    maximum_age: int | None
    mode: Mode  # located only, remote only, or located with remote work too
    branches: bool  # may run at 2-4 postcodes at once
    event: Event | None
    places: tuple[int, int] | None
    questions: tuple[str, ...]
    fixed_term_weeks: int | None  # starts in a few weeks and runs this long
    inherit_causes: bool  # add the organisation's own causes (a shop for a hospice: Health)
    once: bool  # one per organisation (a trustee), placed in its home town
    coastal: bool  # only in towns by the sea (a beach clean)


@dataclass(frozen=True)
class OrgTemplate:
    """A fictional organisation. ``area`` lists town keys, ``region:<name>`` or
    ``country:<name>`` tokens: where its roles may be placed."""

    name: str
    type: OrgType
    home: str
    area: tuple[str, ...]
    roles: tuple[str, ...]
    description: str
    charity_number: str | None = None
    causes: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        cleaned = "".join(c if c.isalnum() else " " for c in self.name.lower().replace("'", ""))
        return "-".join(cleaned.split())


def codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def role(
    key: str,
    titles: str | tuple[str, ...],
    summary: str,
    description: str,
    *,
    commitment: Commitment,
    causes: str,
    skills: str = "",
    requirements: str = "",
    accessibility: str = "",
    hours: tuple[float, float] | None = None,
    sessions: str = "",
    session_count: tuple[int, int] = (1, 2),
    minimum_age: int | None = 18,
    maximum_age: int | None = None,
    mode: Mode = "located",
    branches: bool = False,
    event: Event | None = None,
    places: tuple[int, int] | None = (2, 10),
    questions: tuple[str, ...] = (),
    fixed_term_weeks: int | None = None,
    inherit_causes: bool = False,
    once: bool = False,
    coastal: bool = False,
) -> RoleTemplate:
    return RoleTemplate(
        key=key,
        titles=(titles,) if isinstance(titles, str) else titles,
        summary=summary,
        description=" ".join(description.split()),
        causes=codes(causes),
        skills=codes(skills),
        requirements=codes(requirements),
        accessibility=codes(accessibility),
        commitment=commitment,
        hours=hours,
        sessions=codes(sessions),
        session_count=session_count,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        mode=mode,
        branches=branches,
        event=event,
        places=places,
        questions=questions,
        fixed_term_weeks=fixed_term_weeks,
        inherit_causes=inherit_causes,
        once=once,
        coastal=coastal,
    )


CHARITY: OrgType = "charity"
GROUP: OrgType = "community_group"
PUBLIC: OrgType = "public_body"
CENTRE: OrgType = "volunteer_centre"


def org(
    name: str,
    type_: OrgType,
    home: str,
    area: str,
    roles: str,
    description: str,
    charity_number: str | None = None,
    causes: str = "",
) -> OrgTemplate:
    return OrgTemplate(
        name=name,
        type=type_,
        home=home,
        area=codes(area),
        roles=codes(roles),
        description=" ".join(description.split()),
        charity_number=charity_number,
        causes=codes(causes),
    )
