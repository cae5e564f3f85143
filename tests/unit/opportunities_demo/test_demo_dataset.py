"""The demo dataset ``make run`` loads: realistic, valid, proportionate and all over Britain."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.geo.distance import distance_km
from services.common.geo.postcodes import Geocoder
from services.common.vocab.vocabularies import load_vocabularies
from services.opportunities.demo import DemoDataset, demo_dataset
from services.opportunities.demo.catalogue import problems, town_places
from services.opportunities.demo.towns import TOWNS_BY_KEY
from tests.unit.conftest import POSTCODES

TODAY = dt.date(2026, 3, 14)
ROOT = Path(__file__).resolve().parents[3]

ORG_KEYS = {"key", "name", "type", "postcode", "website", "description", "charity_number"}
ROLE_KEYS = {
    "organisation_key", "title", "summary", "description", "causes", "skills", "requirements",
    "rewards", "accessibility", "commitment", "hours_per_week", "sessions", "dated_sessions",
    "locations", "remote", "minimum_age", "maximum_age", "places", "starts_on", "ends_on",
    "closes_on", "apply_url", "questions",
}  # fmt: skip
CODED = {
    "causes": "causes",
    "skills": "skills",
    "requirements": "requirements",
    "accessibility": "accessibility",
    "sessions": "session_times",
}
# A DBS check is proportionate only for work with children or adults at risk.
DBS_CAUSES = {
    "YouthAndChildren", "OlderPeople", "Care", "InCare", "Disability", "LearningDisabilities",
    "PhysicalDisability", "SensoryImpairment", "Health", "Illness", "MentalHealth",
}  # fmt: skip
# Somewhere to volunteer within 25 km of the centre of each of these places.
TEST_POSTCODES = (
    "SE1 7AE", "M1 1AE", "LS1 4DY", "CF10 1EP", "EH1 1YZ", "BS1 4DJ",
    "NE1 7RU", "B1 1HQ", "NR2 1NH", "IV1 1HY", "PL1 2AA", "CB2 1TN",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHARITY_NUMBER = re.compile(r"[0-9]{6,7}|SC0[0-9]{5}")


@pytest.fixture(scope="module")
def data() -> DemoDataset:
    return demo_dataset(TODAY)


@pytest.fixture(scope="module")
def geocoder() -> Iterator[Geocoder]:
    with Geocoder(POSTCODES) as opened:
        yield opened


def located(data: DemoDataset) -> list[dict]:
    return [role for role in data.roles if role["locations"]]


def town_of_postcode() -> dict[str, str]:
    return {p.postcode: key for key, town in town_places().items() for p in town.places}


def test_the_hand_written_catalogue_is_consistent() -> None:
    assert problems() == []


def test_a_few_dozen_organisations_and_a_few_hundred_roles(data: DemoDataset) -> None:
    assert 30 <= len(data.organisations) <= 60
    assert 250 <= len(data.roles) <= 500
    types = {org["type"] for org in data.organisations}
    assert types == {"charity", "community_group", "public_body", "volunteer_centre"}


def test_records_have_the_agreed_shape(data: DemoDataset) -> None:
    keys = [org["key"] for org in data.organisations]
    assert len(set(keys)) == len(keys)
    for org in data.organisations:
        assert ORG_KEYS | {"catchment"} == set(org)
        assert org["website"].startswith("https://") and org["website"].endswith(".example.org")
    for role in data.roles:
        assert set(role) == ROLE_KEYS
        assert role["organisation_key"] in keys
        assert 0 < len(role["title"]) <= 150 and 0 < len(role["summary"]) <= 500
        assert "{" not in role["title"] + role["summary"] + role["description"]
        assert role["rewards"] == []
        assert role["apply_url"] is None or re.fullmatch(
            r"https://[a-z0-9-]+\.example\.org/[a-z0-9/-]+", role["apply_url"]
        )
        for question in role["questions"]:
            assert set(question) == {"text", "required"} and question["text"]
    every_org_has_roles = {role["organisation_key"] for role in data.roles}
    assert every_org_has_roles == set(keys)


def test_charities_have_plausible_numbers_and_centres_have_catchments(
    data: DemoDataset, geocoder: Geocoder
) -> None:
    for org in data.organisations:
        if org["type"] == "charity":
            assert CHARITY_NUMBER.fullmatch(org["charity_number"]), org
        if org["type"] == "volunteer_centre":
            outwards = org["catchment"]["outward_codes"]
            assert outwards and org["catchment"]["districts"] == []
            assert all(geocoder.lookup(code).kind == "outward" for code in outwards)
            assert org["postcode"].split()[0] in outwards
        else:
            assert org["catchment"] is None
    towns = town_of_postcode()
    for org in data.organisations:
        if org["charity_number"]:
            in_scotland = TOWNS_BY_KEY[towns[org["postcode"]]].region == "Scotland"
            assert org["charity_number"].startswith("SC") == in_scotland, org["name"]


def test_every_code_comes_from_the_vocabularies(data: DemoDataset) -> None:
    vocabularies = load_vocabularies()
    commitments = set()
    for role in data.roles:
        for field, name in CODED.items():
            assert vocabularies[name].validate(role[field]) == [], (role["title"], field)
            assert len(set(role[field])) == len(role[field])
        commitments.add(role["commitment"])
    assert commitments == {"one_off", "regular", "flexible", "micro"}


def test_every_postcode_is_a_real_placed_postcode(data: DemoDataset, geocoder: Geocoder) -> None:
    for org in data.organisations:
        assert geocoder.lookup(org["postcode"]).kind == "postcode"
    for role in data.roles:
        for location in role["locations"]:
            found = geocoder.lookup(location["postcode"])
            assert found.kind == "postcode" and found.postcode == location["postcode"]
    for town in town_places().values():  # the checked-in list, used or not
        for place in town.places:
            found = geocoder.lookup(place.postcode)
            assert (
                distance_km(found.latitude, found.longitude, place.latitude, place.longitude) < 0.01
            )


def test_postcodes_are_near_their_towns() -> None:
    for key, town in town_places().items():
        centre = TOWNS_BY_KEY[key]
        assert 3 <= len(town.places) <= 6
        for place in town.places:
            assert (
                distance_km(centre.latitude, centre.longitude, place.latitude, place.longitude) < 5
            )


def test_the_same_day_gives_the_same_data(data: DemoDataset) -> None:
    assert demo_dataset(TODAY) == data
    assert demo_dataset(TODAY + dt.timedelta(days=30)) != data


def test_no_dependence_on_string_hashing() -> None:
    """``make run`` in a new process must load the same data, whatever PYTHONHASHSEED is."""
    code = (
        "import datetime, json; from services.opportunities.demo import demo_dataset; "
        "d = demo_dataset(datetime.date(2026, 3, 14)); "
        "print(json.dumps([d.organisations, d.roles], sort_keys=True))"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())[1][0]["title"]


def test_remote_mixed_and_multi_location_roles(data: DemoDataset) -> None:
    remote_only = [r for r in data.roles if r["remote"] and not r["locations"]]
    both = [r for r in data.roles if r["remote"] and r["locations"]]
    multi = [r for r in data.roles if len(r["locations"]) > 1]
    assert len(remote_only) >= 0.10 * len(data.roles)
    assert len(both) >= 10
    assert len(multi) >= 10
    assert all(2 <= len(r["locations"]) <= 4 for r in multi)
    assert all(r["locations"] or r["remote"] for r in data.roles)
    for role in multi:
        postcodes = [loc["postcode"] for loc in role["locations"]]
        assert len(set(postcodes)) == len(postcodes)


def test_dbs_checks_only_where_children_or_adults_at_risk_are_involved(
    data: DemoDataset,
) -> None:
    with_dbs = [r for r in data.roles if "DBSCheck" in r["requirements"]]
    assert len(with_dbs) >= 20
    for role in with_dbs:
        assert DBS_CAUSES.intersection(role["causes"]), role["title"]
        assert role["minimum_age"] is not None and role["minimum_age"] >= 16, role["title"]
    outdoors = [
        r for r in data.roles if re.search(r"litter|beach|tree|conservation", r["title"], re.I)
    ]
    assert outdoors and not any("DBSCheck" in r["requirements"] for r in outdoors)


def test_ages_mix_family_friendly_and_adult_roles(data: DemoDataset) -> None:
    minimums = {role["minimum_age"] for role in data.roles}
    assert {None, 16, 18} <= minimums
    for role in data.roles:
        if role["maximum_age"] is not None:
            assert role["minimum_age"] is not None and role["minimum_age"] <= role["maximum_age"]
    assert any(role["maximum_age"] for role in data.roles)


@pytest.mark.parametrize("today", [TODAY, *(dt.date(2026, m, 28) for m in (1, 4, 7, 10))])
def test_dates_are_relative_to_today(today: dt.date) -> None:
    data = demo_dataset(today)
    closing = [dt.date.fromisoformat(r["closes_on"]) for r in data.roles if r["closes_on"]]
    assert all(day >= today for day in closing)
    assert max(closing) <= today + dt.timedelta(days=275)
    assert max(closing) - min(closing) > dt.timedelta(days=150)  # spread over months
    assert 0 < sum(r["closes_on"] is None for r in data.roles) < len(data.roles) / 3
    for role in data.roles:
        if role["starts_on"] and role["ends_on"]:
            assert dt.date.fromisoformat(role["starts_on"]) >= today
            assert role["starts_on"] <= role["ends_on"]
        if role["closes_on"] and role["starts_on"]:
            assert role["closes_on"] <= role["starts_on"]
        for session in role["dated_sessions"]:
            assert today < dt.date.fromisoformat(session["date"]) <= today + dt.timedelta(days=275)


def test_one_off_events_have_dated_sessions(data: DemoDataset) -> None:
    one_offs = [r for r in data.roles if r["commitment"] == "one_off"]
    assert len(one_offs) >= 10
    for role in one_offs:
        assert role["dated_sessions"] and role["hours_per_week"] is None
        for session in role["dated_sessions"]:
            day = dt.date.fromisoformat(session["date"])
            assert TODAY < day <= TODAY + dt.timedelta(days=275)
            assert re.fullmatch(r"[0-2][0-9]:[0-5][0-9]", session["starts"])
            assert session["starts"] < session["ends"]
            assert any(code.startswith(DAYS[day.weekday()]) for code in role["sessions"])
    regular = [r for r in data.roles if r["commitment"] == "regular"]
    assert regular and all(r["sessions"] and r["hours_per_week"] for r in regular)


@pytest.mark.parametrize("postcode", TEST_POSTCODES)
def test_roles_within_25_km_of_cities_across_britain(
    data: DemoDataset, geocoder: Geocoder, postcode: str
) -> None:
    here = geocoder.lookup(postcode)
    assert here.kind == "postcode"
    nearby = []
    for role in located(data):
        for location in role["locations"]:
            there = geocoder.lookup(location["postcode"])
            if distance_km(here.latitude, here.longitude, there.latitude, there.longitude) <= 25:
                nearby.append(role["title"])
                break
    assert len(nearby) >= 3, (postcode, nearby)


def test_every_demo_town_has_roles_within_25_km(data: DemoDataset) -> None:
    places = {p.postcode: p for town in town_places().values() for p in town.places}
    spots = [[places[loc["postcode"]] for loc in role["locations"]] for role in located(data)]
    for key in town_places():
        centre = TOWNS_BY_KEY[key]
        near = [
            spot
            for spot in spots
            if any(
                distance_km(centre.latitude, centre.longitude, p.latitude, p.longitude) <= 25
                for p in spot
            )
        ]
        assert len(near) >= 2, centre.name


def test_every_region_and_island_group_has_roles(data: DemoDataset) -> None:
    towns = town_of_postcode()
    regions = {
        TOWNS_BY_KEY[towns[location["postcode"]]].region
        for role in located(data)
        for location in role["locations"]
    }
    assert len(regions) == 11
    outwards = {loc["postcode"].split()[0] for r in located(data) for loc in r["locations"]}
    for island in ("HS1", "KW15", "ZE1", "IV51", "PO30"):  # Lewis, Orkney, Shetland, Skye, Wight
        assert island in outwards
