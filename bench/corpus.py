"""A reproducible national catalogue of roles, shaped like Do-it's, for the search benchmarks.

    python -m bench.corpus --roles 1000000 --sample 5     # print a few, with the timing

Organisations (one per 20 roles, as Do-it's million roles came from about 50,000) sit at
real postcodes drawn uniformly from every positioned postcode in Great Britain: a postcode
holds about 15 addresses wherever it is, so a uniform draw is a draw weighted by where
people live (cities dense, the Highlands sparse). A role is at its organisation's postcode
or, for a fifth of organisations (the multi-site ones), at one to four postcodes of the
same outward code; about 10 % are remote. Titles, causes and skills go together (a driver
role drives; a befriending role lists older people and listening), so keyword and cause
queries find realistic, uneven numbers of roles. Coded lists come from the UK Volunteering
Data standard. The same seed gives the same catalogue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from services.common.geo.paths import default_db_path
from services.common.vocab.vocabularies import load_vocabularies
from services.search.domain.documents import GeoPoint, RoleDocument

ROLES_PER_ORGANISATION = 20
REMOTE_SHARE = 0.10
MULTI_SITE_SHARE = 0.2
PUBLISHED = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
# (title, causes it serves, skills it uses): what a Volunteer Centre's listings look like.
KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Befriender", ("OlderPeople", "Health"), ("ActiveListening", "EmpathyAndCompassion")),
    ("Telephone befriender", ("OlderPeople", "MentalHealth"), ("PhoneOnlineSupport",)),
    ("Food bank volunteer", ("AntiPoverty", "LowIncomeHouseholds"), ("CooperativeWork",)),
    ("Food bank driver", ("AntiPoverty",), ("Driving", "Logistics")),
    ("Charity shop assistant", ("LocalCommunity",), ("PublicEngagement", "CooperativeWork")),
    ("Community gardener", ("Environment", "LocalCommunity"), ("CooperativeWork",)),
    ("Conservation volunteer", ("Environment", "AnimalWelfare"), ("SafeManualHandling",)),
    ("Reading helper", ("EducationLanguages", "YouthAndChildren"), ("Communication",)),
    ("Homework club helper", ("EducationLanguages", "YouthAndChildren"), ("BasicSafeguarding",)),
    ("Youth club leader", ("YouthAndChildren",), ("LeadingSmallGroups", "BasicSafeguarding")),
    ("Trustee", ("Community",), ("TeamworkAndLeadership", "ReliabilityAndTrustworthiness")),
    ("Treasurer", ("Community",), ("DataEntryAndReporting", "BasicRecordKeeping")),
    ("Walk leader", ("Health", "SportOutdoorActivities"), ("LeadingSmallGroups", "BasicFirstAid")),
    ("Event steward", ("ArtsAndCulture", "GeneralPublic"), ("CrowdQueueManagement",)),
    ("Museum guide", ("ArtsAndCulture", "Heritage"), ("ClearSpokenCommunication",)),
    ("Hospital ward volunteer", ("Health", "Illness"), ("EmpathyAndCompassion",)),
    ("Community transport driver", ("OlderPeople", "Disability"), ("Driving",)),
    ("Digital buddy", ("OlderPeople", "EducationLanguages"), ("DigitalAndTechnology",)),
    ("Advice line volunteer", ("AntiPoverty", "Housing"), ("ActiveListening",)),
    ("Dog walker", ("AnimalWelfare",), ("IndependentWork",)),
    ("Animal rescue helper", ("AnimalWelfare",), ("PracticalAndOperational",)),
    ("Sports coach", ("SportOutdoorActivities", "YouthAndChildren"), ("LeadingSmallGroups",)),
    ("Refugee welcome volunteer", ("RefugeesAsylumSeekers",), ("CulturalSensitivity",)),
    (
        "English conversation volunteer",
        ("RefugeesAsylumSeekers", "EducationLanguages"),
        ("ClearSpokenCommunication", "PatienceAndUnderstanding"),
    ),
    ("Social media volunteer", ("Community",), ("SocialMediaHandling",)),
    ("Fundraising volunteer", ("Community",), ("PublicEngagement", "Communication")),
    ("Warehouse sorter", ("AntiPoverty", "Environment"), ("SafeManualHandling",)),
    ("Litter picker", ("Environment", "LocalCommunity"), ("RiskAwareness",)),
    ("Mentor", ("YouthAndChildren", "Unemployment"), ("ProfessionalBoundaries",)),
    ("Carers' cafe volunteer", ("Care", "Health"), ("EmpathyAndCompassion",)),
    ("Lunch club cook", ("OlderPeople",), ("PracticalAndOperational",)),
    ("Cycle repair volunteer", ("Environment",), ("BasicEquipmentUse",)),
    ("Library volunteer", ("ArtsAndCulture", "LiteracyNeeds"), ("PublicEngagement",)),
    ("Sensory support volunteer", ("SensoryImpairment", "Disability"), ("Communication",)),
    ("Mental health peer supporter", ("MentalHealth",), ("TraumaInformedAwareness",)),
    ("Night shelter volunteer", ("Housing",), ("ShelterSupport", "ConflictDeescalation")),
)
ADJECTIVES = ("", "", "", "Weekend ", "Evening ", "Saturday ", "Volunteer ", "Lead ")
PLACE_WORDS = ("Riverside", "Hillside", "Northfield", "Southgate", "Westbrook", "Eastwood",
               "Parkside", "Oakwood", "Meadow", "Castle", "Harbour", "Market")  # fmt: skip
ORG_KINDS = ("Community Trust", "Food Share", "Age Concern", "Youth Project", "Friends",
             "Wildlife Group", "Advice Centre", "Carers Network", "Hospice", "Sports Club",
             "Arts Centre", "Refugee Support", "Mind", "Foodbank", "Library Friends")  # fmt: skip
SENTENCES = (
    "You will be part of a friendly team and we will give you full training.",
    "No experience is needed: we are looking for people who are kind and reliable.",
    "We cover your travel expenses and can be flexible around work or caring.",
    "This role suits people who like meeting others and want to give something back.",
    "You can volunteer on your own or with a friend.",
    "We welcome volunteers of every background, including disabled people.",
    "Most of our volunteers give two or three hours a week.",
    "You will get a named contact and regular catch-ups.",
)


@dataclass(frozen=True)
class Place:
    postcode: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    places: tuple[Place, ...]


class Postcodes:
    """Uniform draws from every positioned postcode (so weighted by population), and more
    postcodes in the same outward code for multi-site organisations."""

    def __init__(self, db: Path, rng: random.Random, sample: int) -> None:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            total = conn.execute("SELECT COUNT(*) FROM postcodes").fetchone()[0]
            # Every k-th row of a random rowid-free ordering would need a sort; instead read
            # all keys once (1.7M short strings) and sample from them.
            keys = [row[0] for row in conn.execute("SELECT postcode FROM postcodes")]
            chosen = rng.sample(keys, min(sample, total))
            rows = conn.execute(
                "SELECT postcode, lat_e6, lon_e6 FROM postcodes WHERE postcode IN "
                "(SELECT value FROM json_each(?))",
                (_json_list(chosen),),
            ).fetchall()
        self.places = sorted((Place(_spaced(p), la / 1e6, lo / 1e6) for p, la, lo in rows),
                             key=lambda p: p.postcode)  # fmt: skip
        self.by_outward: dict[str, list[Place]] = {}
        for place in self.places:
            self.by_outward.setdefault(place.postcode.split(" ")[0], []).append(place)
        self.rng = rng

    def draw(self) -> Place:
        return self.rng.choice(self.places)

    def near(self, place: Place, count: int) -> tuple[Place, ...]:
        same = self.by_outward[place.postcode.split(" ")[0]]
        others = self.rng.sample(same, min(count - 1, len(same)))
        return tuple(dict.fromkeys((place, *others)))


def organisations(count: int, postcodes: Postcodes, rng: random.Random) -> list[Organisation]:
    out = []
    for n in range(count):
        home = postcodes.draw()
        sites = 1 + rng.randrange(4) if rng.random() < MULTI_SITE_SHARE else 1
        name = f"{rng.choice(PLACE_WORDS)} {rng.choice(ORG_KINDS)} {n}"
        out.append(Organisation(_uuid(rng), name, postcodes.near(home, sites)))
    return out


def roles(count: int, seed: int = 8, db: Path | None = None) -> Iterator[RoleDocument]:
    """``count`` role documents, the same ones for the same seed."""
    rng = random.Random(seed)
    vocab = load_vocabularies()
    codes: dict[str, Sequence[str]] = {name: vocab.get(name).codes for name in
             ("causes", "skills", "requirements", "accessibility", "session_times")}  # fmt: skip
    org_count = max(1, count // ROLES_PER_ORGANISATION)
    postcodes = Postcodes(db or default_db_path(), rng, sample=min(400_000, org_count * 4))
    orgs = organisations(org_count, postcodes, rng)
    for n in range(count):
        yield _role(rng, orgs[n % org_count] if n < org_count else rng.choice(orgs), codes)


def _role(rng: random.Random, org: Organisation, codes: dict[str, Sequence[str]]) -> RoleDocument:
    title, causes, skills = rng.choice(KINDS)
    title = rng.choice(ADJECTIVES) + title.lower() if rng.random() < 0.3 else title
    remote = rng.random() < REMOTE_SHARE
    places = () if remote else rng.sample(org.places, 1 + rng.randrange(len(org.places)))
    published = PUBLISHED + dt.timedelta(minutes=rng.randrange(60 * 24 * 90))
    starts = published.date() + dt.timedelta(days=rng.randrange(120))
    return RoleDocument(
        id=_uuid(rng),
        title=title[0].upper() + title[1:],
        summary=f"{title[0].upper() + title[1:]} with {org.name}.",
        description=" ".join(rng.sample(SENTENCES, 3)),
        organisation_id=org.id,
        organisation_name=org.name,
        commitment=rng.choices(("regular", "one_off", "flexible", "micro"), (6, 2, 3, 1))[0],
        remote=remote,
        published_at=published,
        updated_at=published,
        locations=tuple(GeoPoint(p.latitude, p.longitude, p.postcode) for p in places),
        causes=_known(causes, codes["causes"]) + _extra(rng, codes["causes"], 0.3),
        skills=_known(skills, codes["skills"]) + _extra(rng, codes["skills"], 0.3),
        requirements=_extra(rng, codes["requirements"], 0.25),
        accessibility=_extra(rng, codes["accessibility"], 0.4),
        sessions=tuple(rng.sample(list(codes["session_times"]), rng.randrange(0, 4))),
        minimum_age=rng.choice((None, None, 14, 16, 18, 18)),
        starts_on=starts if rng.random() < 0.3 else None,
        closes_on=starts + dt.timedelta(days=365) if rng.random() < 0.5 else None,
    )


def _known(wanted: tuple[str, ...], codes: Sequence[str]) -> tuple[str, ...]:
    """The kind's codes that the standard lists (a made-up one would never match a filter)."""
    return tuple(code for code in wanted if code in codes)


def _extra(rng: random.Random, codes: Sequence[str], chance: float) -> tuple[str, ...]:
    return (rng.choice(codes),) if rng.random() < chance else ()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _spaced(postcode: str) -> str:
    return f"{postcode[:-3]} {postcode[-3:]}"


def _json_list(items: Sequence[str]) -> str:
    import json

    return json.dumps(list(items))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--roles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--sample", type=int, default=3, help="print this many roles")
    args = parser.parse_args()
    console = Console()
    started = time.perf_counter()
    made = 0
    for made, role in enumerate(roles(args.roles, args.seed), start=1):
        if made <= args.sample:
            console.print(role)
    console.print(f"{made:,} roles in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
