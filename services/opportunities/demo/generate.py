"""Turn the demo catalogue into concrete organisations and roles, the same way every time.

    from services.opportunities.demo import demo_dataset
    data = demo_dataset(datetime.date.today())

Every random choice comes from one ``random.Random(2026)``, and nothing iterates over a
set, so the output depends only on ``today`` (all dates are relative to it). Roles are
spread over the towns by weight, at least two per town, so every part of Great Britain
has something nearby; about 15% are remote-only. Organisations and roles are plain dicts
shaped like the opportunities API's request bodies (``organisation_key`` links a role to
its organisation; the loader swaps it for the id the API assigns).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

from services.common.geo.distance import distance_km
from services.opportunities.demo.catalogue import (
    ROLE_TEMPLATES,
    Place,
    area_towns,
    town_places,
)
from services.opportunities.demo.organisations import ORGANISATIONS
from services.opportunities.demo.templates import SCOTLAND, Event, OrgTemplate, RoleTemplate, Town
from services.opportunities.demo.towns import COASTAL, TOWNS, TOWNS_BY_KEY

SEED = 2026
REMOTE_SHARE = 0.18  # remote-only roles per located role: about 15% of all roles
MAX_REMOTE_PER_TEMPLATE = 2  # per organisation, one per title variant
BRANCH_CHANCE = 0.45  # a role that can run at several places does so this often
BRANCH_RADIUS_KM = 35.0  # other branches come from towns this close
CITY_WEIGHT = 3  # towns at least this big may have several branches of one organisation
EVENT_HORIZON_DAYS = 240  # one-off events happen within about 8 months
APPLY_URL_CHANCE = 0.12
NO_CLOSING_DATE_CHANCE = 0.2
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS = ("Morning", "Afternoon", "Evening")
PVG_NOTE = (
    " In Scotland this means joining the PVG scheme (the Scottish equivalent of a DBS"
    " check), which we arrange and pay for."
)
ANYTHING_ELSE = "Is there anything we should know to help you take part?"


@dataclass(frozen=True)
class DemoDataset:
    organisations: list[dict[str, Any]]
    roles: list[dict[str, Any]]


def demo_dataset(today: dt.date) -> DemoDataset:
    """About 45 organisations and 390 roles, with dates between ``today`` and 9 months on."""
    return _Generator(today).build()


def _session_order(code: str) -> tuple[int, int]:
    for d, day in enumerate(DAYS):
        if code.startswith(day):
            return d, PARTS.index(code[len(day) :])
    raise ValueError(code)


class _Generator:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)
        self.places = town_places()
        self.orgs = [(f"org-{i:02d}", org) for i, org in enumerate(ORGANISATIONS, start=1)]
        self.org_by_key = dict(self.orgs)
        self.areas = {key: area_towns(org) for key, org in self.orgs}
        self.home_place = {key: self.places[org.home].places[0] for key, org in self.orgs}
        self.roles: list[dict[str, Any]] = []
        self.placed: set[tuple[str, str, str]] = set()  # (org key, template key, town key)

    def build(self) -> DemoDataset:
        organisations = [self._organisation(key, org) for key, org in self.orgs]
        for town in TOWNS:
            for _ in range(max(2, town.weight)):
                self._located_role(town)
        for key, org in self.orgs:  # every organisation shows at least one role
            if not any(r["organisation_key"] == key for r in self.roles):
                self._located_role(TOWNS_BY_KEY[org.home], only=key)
        self._remote_roles(round(len(self.roles) * REMOTE_SHARE))
        return DemoDataset(organisations, self.roles)

    # Organisations -------------------------------------------------------------------

    def _organisation(self, key: str, org: OrgTemplate) -> dict[str, Any]:
        catchment = None
        if org.type == "volunteer_centre":
            outwards = list(self.places[org.home].outward_codes)
            catchment = {"outward_codes": outwards, "districts": []}
        return {
            "key": key,
            "name": org.name,
            "type": org.type,
            "postcode": self.home_place[key].postcode,
            "website": f"https://{org.slug}.example.org",
            "description": org.description,
            "charity_number": org.charity_number,
            "catchment": catchment,
        }

    # Choosing who offers what where ------------------------------------------------------

    def _located_role(self, town: Town, only: str | None = None) -> None:
        """One more role in ``town``, from an organisation that works there.

        Organisations with a small area are favoured, so local groups outnumber national
        charities in their own towns; a template is used once per organisation and town.
        """
        options: list[tuple[str, RoleTemplate, float]] = []
        for key, org in self.orgs:
            if (only and key != only) or town.key not in self.areas[key]:
                continue
            fresh = [
                ROLE_TEMPLATES[t]
                for t in org.roles
                if ROLE_TEMPLATES[t].mode != "remote"
                and (key, t, town.key) not in self.placed
                and (not ROLE_TEMPLATES[t].once or town.key == org.home)
                and (not ROLE_TEMPLATES[t].coastal or town.key in COASTAL)
            ]
            share = 6 / math.sqrt(len(self.areas[key])) / max(1, len(fresh))
            options += [(key, template, share) for template in fresh]
        if not options:
            return
        key, template, _ = self.rng.choices(options, weights=[w for *_, w in options])[0]
        self.placed.add((key, template.key, town.key))
        self.roles.append(self._role(key, template, town))

    def _remote_roles(self, wanted: int) -> None:
        pool = [
            (key, t)
            for key, org in self.orgs
            for t in org.roles
            if ROLE_TEMPLATES[t].mode == "remote"
        ]
        self.rng.shuffle(pool)
        made = 0
        for variant in range(MAX_REMOTE_PER_TEMPLATE):
            for key, t in pool:
                template = ROLE_TEMPLATES[t]
                if made == wanted or variant >= (1 if template.once else len(template.titles)):
                    continue
                home = TOWNS_BY_KEY[self.org_by_key[key].home]
                role = self._role(key, template, home, title=variant)
                self.roles.append(role)
                made += 1

    # One role ----------------------------------------------------------------------------

    def _role(
        self, key: str, template: RoleTemplate, town: Town, title: int | None = None
    ) -> dict[str, Any]:
        rng = self.rng
        org = self.org_by_key[key]
        fill = {"place": town.name, "org": org.name}
        locations = [] if template.mode == "remote" else self._locations(key, template, town)
        titles = template.titles
        placeless = tuple(t for t in titles if "{place}" not in t)
        if len(locations) > 1 and placeless:  # "... in Taunton" would hide the other branches
            titles = placeless
        index = rng.randrange(len(titles)) if title is None else title
        description = template.description.format(**fill)
        if "DBSCheck" in template.requirements and town.region == SCOTLAND:
            description += PVG_NOTE
        accessibility = list(template.accessibility)
        if template.mode != "located" and "RemoteAccessibility" not in accessibility:
            accessibility.append("RemoteAccessibility")
        causes = list(template.causes)
        if template.inherit_causes:
            causes += [c for c in org.causes if c not in causes]
        role: dict[str, Any] = {
            "organisation_key": key,
            "title": titles[index].format(**fill),
            "summary": template.summary.format(**fill),
            "description": description,
            "causes": causes,
            "skills": list(template.skills),
            "requirements": list(template.requirements),
            "rewards": [],
            "accessibility": accessibility,
            "commitment": template.commitment,
            "hours_per_week": self._hours(template),
            "sessions": self._sessions(template),
            "dated_sessions": [],
            "locations": [{"postcode": p.postcode} for p in locations],
            "remote": template.mode != "located",
            "minimum_age": template.minimum_age,
            "maximum_age": template.maximum_age,
            "places": rng.randint(*template.places) if template.places else None,
            "starts_on": None,
            "ends_on": None,
            "closes_on": self._closing_date(),
            "apply_url": None,
            "questions": self._questions(template),
        }
        if template.event:
            self._schedule(role, template.event)
        elif template.fixed_term_weeks:
            self._fixed_term(role, template.fixed_term_weeks)
        if rng.random() < APPLY_URL_CHANCE:  # the rest apply on the platform
            page = template.key.replace("_", "-")
            role["apply_url"] = f"https://{org.slug}.example.org/volunteer/{page}"
        return role

    def _locations(self, key: str, template: RoleTemplate, town: Town) -> list[Place]:
        """Where the role happens: one postcode, or (for a role with branches) 2 to 4,
        in other towns the organisation covers nearby where it has them."""
        rng = self.rng
        own = self.places[town.key].places
        home = self.home_place[key]
        first = home if home in own and rng.random() < 0.5 else rng.choice(own)
        if not template.branches or rng.random() >= BRANCH_CHANCE:
            return [first]
        wanted = rng.randint(1, 3)
        towns = [
            other
            for other in self.areas[key]
            if other != town.key
            and self._km(town, TOWNS_BY_KEY[other]) <= BRANCH_RADIUS_KM
            and (not template.coastal or other in COASTAL)
        ]
        chosen = [
            rng.choice(self.places[t].places) for t in rng.sample(towns, min(wanted, len(towns)))
        ]
        if town.weight >= CITY_WEIGHT:  # a city can host a second or third branch itself
            spare = [p for p in own if p != first]
            chosen += rng.sample(spare, min(len(spare), wanted - len(chosen)))
        if not chosen:
            return [first]
        return [first, *chosen]

    @staticmethod
    def _km(a: Town, b: Town) -> float:
        return distance_km(a.latitude, a.longitude, b.latitude, b.longitude)

    def _hours(self, template: RoleTemplate) -> float | None:
        if template.hours is None or template.commitment == "one_off":
            return None
        low, high = template.hours
        return round(self.rng.uniform(low, high) * 2) / 2

    def _sessions(self, template: RoleTemplate) -> list[str]:
        if not template.sessions:
            return []
        low, high = template.session_count
        count = min(len(template.sessions), self.rng.randint(low, high))
        return sorted(self.rng.sample(template.sessions, count), key=_session_order)

    def _closing_date(self) -> str | None:
        if self.rng.random() < NO_CLOSING_DATE_CHANCE:
            return None
        return (self.today + dt.timedelta(days=self.rng.randint(30, 270))).isoformat()

    def _questions(self, template: RoleTemplate) -> list[dict[str, Any]]:
        if template.questions and self.rng.random() < 0.75:
            return [{"text": q, "required": i == 0} for i, q in enumerate(template.questions)]
        if self.rng.random() < 0.1:
            return [{"text": ANYTHING_ELSE, "required": False}]
        return []

    def _schedule(self, role: dict[str, Any], event: Event) -> None:
        """Dates for a one-off: 2 weeks to 4 months ahead, in an allowed month and weekday
        (or the first allowed month, if waiting for the next season would take too long)."""
        day = self._in_season(self.today + dt.timedelta(days=self.rng.randint(14, 120)), event)
        if day > self.today + dt.timedelta(days=EVENT_HORIZON_DAYS):
            day = self._in_season(self.today + dt.timedelta(days=14), event)
        dates: list[dt.date] = []
        for _ in range(self.rng.randint(*event.count)):
            while DAYS[day.weekday()] not in event.days:
                day += dt.timedelta(days=1)
            dates.append(day)
            day += dt.timedelta(days=1)
        role["dated_sessions"] = [
            {"date": d.isoformat(), "starts": event.starts, "ends": event.ends} for d in dates
        ]
        part = PARTS[0 if event.starts < "12:00" else 1 if event.starts < "18:00" else 2]
        codes = dict.fromkeys(f"{DAYS[d.weekday()]}{part}" for d in dates)
        role["sessions"] = sorted(codes, key=_session_order)
        role["starts_on"], role["ends_on"] = dates[0].isoformat(), dates[-1].isoformat()
        closes = dates[0] - dt.timedelta(days=self.rng.randint(2, 7))
        role["closes_on"] = max(closes, self.today + dt.timedelta(days=1)).isoformat()

    @staticmethod
    def _in_season(day: dt.date, event: Event) -> dt.date:
        while event.months and day.month not in event.months:
            day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return day

    def _fixed_term(self, role: dict[str, Any], weeks: int) -> None:
        """Starts on a Monday 3 to 10 weeks ahead; recruitment closes two weeks before."""
        start = self.today + dt.timedelta(weeks=self.rng.randint(3, 10))
        start -= dt.timedelta(days=start.weekday())
        role["starts_on"] = start.isoformat()
        role["ends_on"] = (start + dt.timedelta(weeks=weeks, days=-3)).isoformat()
        role["closes_on"] = (start - dt.timedelta(weeks=2)).isoformat()
