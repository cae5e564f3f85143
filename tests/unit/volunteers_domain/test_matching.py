"""Suggested roles: hard filters, the documented score, reasons and stable order."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from services.common.geo.distance import distance_km
from services.search.domain.documents import GeoPoint
from services.volunteers.domain.matching import (
    Role,
    VolunteerProfile,
    age_on,
    distance_phrase,
    is_eligible,
    session_phrases,
    similar_roles,
    suggest,
)

TODAY = dt.date(2026, 6, 15)
HOME = GeoPoint(51.5, -0.1)
# One degree of latitude is 6371.0088 * pi / 180 = 111.19508 km along a meridian.
KM_PER_DEGREE = 111.19508


def north(km: float, of: GeoPoint = HOME) -> GeoPoint:
    return GeoPoint(of.latitude + km / KM_PER_DEGREE, of.longitude)


LABELS = {
    "OlderPeople": "Older People",
    "Health": "Health",
    "Environment": "Environment",
    "Driving": "Driving (car, van, off-road vehicles)",
    "DBSCheck": "DBS Check",
    "Gloves": "Gloves (work gloves, waterproof gloves)",
}
PROFILE = VolunteerProfile(
    home=HOME,
    travel_km=10.0,
    causes=frozenset({"OlderPeople", "Health"}),
    skills=frozenset({"Driving"}),
    availability=frozenset({"MondayMorning", "MondayAfternoon", "SaturdayAfternoon"}),
    commitments=frozenset({"regular"}),
    checks=frozenset({"DBSCheck"}),
)
BEFRIENDER = Role(
    id="r-befriender",
    title="Befriender",
    organisation_id="org-1",
    locations=(GeoPoint(51.52, -0.1, "N1 1AA"),),  # 0.02 degrees north: 2.2239 km
    causes=("OlderPeople", "Environment"),
    skills=("Driving",),
    sessions=("MondayMorning", "WednesdayEvening"),
    commitment="regular",
    requirements=("DBSCheck", "Gloves"),
)
REMOTE = Role(id="r-remote", title="Phone friend", organisation_id="org-2", remote=True)


def test_score_is_the_documented_weighted_sum() -> None:
    [found] = suggest(PROFILE, [BEFRIENDER], TODAY, labels=LABELS)
    # distance 0.25 * (1 - 2.2239 / 10) = 0.19440; causes 0.30 * 1/2 = 0.15;
    # skills 0.15 * 1/1 = 0.15; sessions 0.15 * 1/2 = 0.075; commitment 0.05;
    # requirements 0.10 * 1/2 = 0.05. Total 0.66940.
    assert found.score == 0.6694
    assert found.distance_km == pytest.approx(2.2239, abs=1e-4)
    assert found.unmet_requirements == ("Gloves",)


def test_reasons_are_plain_phrases_in_a_fixed_order() -> None:
    [found] = suggest(PROFILE, [BEFRIENDER], TODAY, labels=LABELS)
    assert found.reasons == (
        "2.2 km away",
        "Older People",
        "Driving (car, van, off-road vehicles)",
        "Monday mornings",
        "Regular commitment",
        "Already held: DBS Check",
    )


def test_reasons_fall_back_to_codes_without_labels() -> None:
    [found] = suggest(PROFILE, [BEFRIENDER], TODAY)
    assert found.reasons[1:3] == ("OlderPeople", "Driving")


def test_a_remote_role_scores_half_closeness_and_says_so() -> None:
    [found] = suggest(PROFILE, [REMOTE], TODAY, labels=LABELS)
    # distance 0.25 * 0.5 + requirements 0.10 (none to meet); nothing else shared.
    assert found.score == 0.225
    assert found.distance_km is None
    assert found.reasons == ("Can be done remotely",)


def test_a_remote_role_with_a_nearby_place_shows_both() -> None:
    both = replace(REMOTE, locations=(north(1.0),))
    [found] = suggest(PROFILE, [both], TODAY)
    assert found.reasons == ("1.0 km away", "Can be done remotely")
    assert found.score == pytest.approx(0.25 * 0.9 + 0.10)


# --- hard filters -----------------------------------------------------------------------------


def test_travel_distance_is_inclusive() -> None:
    exact = distance_km(51.5, -0.1, 51.52, -0.1)
    assert is_eligible(replace(PROFILE, travel_km=exact), BEFRIENDER, TODAY)
    assert not is_eligible(replace(PROFILE, travel_km=exact - 1e-9), BEFRIENDER, TODAY)


def test_the_nearest_of_several_locations_counts() -> None:
    role = replace(BEFRIENDER, locations=(north(30.0), north(4.0), north(12.0)))
    [found] = suggest(PROFILE, [role], TODAY)
    assert found.distance_km == pytest.approx(4.0, abs=1e-6)
    assert found.reasons[0] == "4.0 km away"


def test_remote_roles_pass_at_any_distance() -> None:
    far_but_remote = replace(REMOTE, locations=(GeoPoint(55.95, -3.19),))  # Edinburgh
    [found] = suggest(PROFILE, [far_but_remote, replace(BEFRIENDER, locations=(north(11),))], TODAY)
    assert found.role.id == "r-remote"
    assert found.distance_km is None


def test_without_a_home_only_remote_roles_are_suggested() -> None:
    nowhere = replace(PROFILE, home=None)
    assert [s.role.id for s in suggest(nowhere, [BEFRIENDER, REMOTE], TODAY)] == ["r-remote"]


def test_an_in_person_role_without_locations_is_never_suggested() -> None:
    assert not is_eligible(PROFILE, replace(BEFRIENDER, locations=()), TODAY)


def test_zero_travel_distance_allows_only_the_same_spot() -> None:
    stay_home = replace(PROFILE, travel_km=0.0)
    on_the_doorstep = replace(BEFRIENDER, locations=(HOME,))
    [found] = suggest(stay_home, [on_the_doorstep, BEFRIENDER], TODAY)
    assert found.distance_km == 0.0
    assert found.reasons[0] == "Less than 0.1 km away"


@pytest.mark.parametrize(
    ("closes_on", "eligible"),
    [
        (None, True),
        (TODAY, True),
        (TODAY + dt.timedelta(days=1), True),
        (dt.date(2026, 6, 14), False),
    ],
)
def test_expired_roles_are_left_out(closes_on: dt.date | None, eligible: bool) -> None:
    assert is_eligible(PROFILE, replace(BEFRIENDER, closes_on=closes_on), TODAY) is eligible


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (dt.date(2008, 6, 15), dt.date(2026, 6, 14), 17),
        (dt.date(2008, 6, 15), dt.date(2026, 6, 15), 18),  # on the birthday
        (dt.date(2008, 12, 31), dt.date(2026, 1, 1), 17),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),  # leap-day birthday, common year
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),  # ... counts from 1 March
        (dt.date(2008, 2, 29), dt.date(2028, 2, 28), 19),
        (dt.date(2008, 2, 29), dt.date(2028, 2, 29), 20),  # leap year: on the day itself
        (dt.date(2008, 3, 1), dt.date(2028, 2, 29), 19),
    ],
)
def test_age_on(born: dt.date, day: dt.date, age: int) -> None:
    assert age_on(born, day) == age


@pytest.mark.parametrize(
    ("born", "today", "eligible"),
    [
        (dt.date(2008, 6, 15), dt.date(2026, 6, 14), False),  # 17 the day before
        (dt.date(2008, 6, 15), dt.date(2026, 6, 15), True),  # 18 on the birthday
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), False),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), True),
        (dt.date(2001, 6, 15), dt.date(2026, 6, 14), True),  # 24, the maximum
        (dt.date(2001, 6, 15), dt.date(2026, 6, 15), False),  # 25 on the birthday
        (None, dt.date(2026, 6, 15), True),  # unknown: not filtered
    ],
)
def test_age_limits(born: dt.date | None, today: dt.date, eligible: bool) -> None:
    role = replace(BEFRIENDER, minimum_age=18, maximum_age=24)
    assert is_eligible(replace(PROFILE, date_of_birth=born), role, today) is eligible


def test_unmet_requirements_lower_the_score_but_do_not_exclude() -> None:
    no_checks = replace(PROFILE, checks=frozenset())
    [found] = suggest(no_checks, [BEFRIENDER], TODAY, labels=LABELS)
    assert found.score == pytest.approx(0.6694 - 0.05, abs=1e-4)
    assert found.unmet_requirements == ("DBSCheck", "Gloves")
    assert not any(r.startswith("Already held") for r in found.reasons)


# --- order -------------------------------------------------------------------------------------


def test_higher_score_first_then_nearer_then_id() -> None:
    # Remote closeness is max(1 - 8/10, 0.5) = 0.5 for both, so the scores tie at 0.225 and
    # the one with a place (8 km) goes before the remote-only ones, which go by id.
    placed = replace(REMOTE, id="r-z", locations=(north(8.0),))
    remote_b, remote_a = replace(REMOTE, id="r-b"), replace(REMOTE, id="r-a")
    found = suggest(PROFILE, [remote_b, BEFRIENDER, remote_a, placed], TODAY)
    assert [s.role.id for s in found] == ["r-befriender", "r-z", "r-a", "r-b"]
    assert [s.score for s in found] == [0.6694, 0.225, 0.225, 0.225]


def test_equal_scores_at_equal_distance_go_by_id() -> None:
    twins = [replace(BEFRIENDER, id=i) for i in ("r-3", "r-1", "r-2")]
    assert [s.role.id for s in suggest(PROFILE, twins, TODAY)] == ["r-1", "r-2", "r-3"]


def test_limit() -> None:
    many = [replace(REMOTE, id=f"r-{i:02}") for i in range(30)]
    found = suggest(PROFILE, many, TODAY, limit=5)
    assert [s.role.id for s in found] == ["r-00", "r-01", "r-02", "r-03", "r-04"]


# --- phrases -----------------------------------------------------------------------------------


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
ALL_DAYS = (*WEEKDAYS, "Saturday", "Sunday")


@pytest.mark.parametrize(
    ("codes", "phrases"),
    [
        (["MondayMorning"], ["Monday mornings"]),
        (["SaturdayAfternoon", "MondayMorning"], ["Monday mornings", "Saturday afternoons"]),
        (["MondayEvening", "MondayMorning"], ["Monday mornings and evenings"]),
        (
            ["FridayMorning", "MondayMorning", "WednesdayMorning"],
            ["Monday, Wednesday and Friday mornings"],
        ),
        (
            ["MondayMorning", "TuesdayMorning", "TuesdayEvening"],
            ["Monday mornings", "Tuesday mornings and evenings"],
        ),
        (
            ["MondayMorning", "MondayAfternoon", "MondayEvening"],
            ["Monday mornings, afternoons and evenings"],
        ),
        ([f"{d}Evening" for d in WEEKDAYS], ["Weekday evenings"]),
        (
            ["SundayMorning", "SaturdayMorning", "SaturdayAfternoon", "SundayAfternoon"],
            ["Weekend mornings and afternoons"],
        ),
        ([f"{d}Morning" for d in reversed(ALL_DAYS)], ["Weekday and weekend mornings"]),
        ([f"{d}Morning" for d in ALL_DAYS[:6]], ["Weekday and Saturday mornings"]),
        (
            [f"{d}Morning" for d in WEEKDAYS[1:]],
            ["Tuesday, Wednesday, Thursday and Friday mornings"],
        ),
        (["MondayMorning", "MondayMorning"], ["Monday mornings"]),
        (["Weekends", "MondayMorning"], ["Monday mornings", "Weekends label"]),
        ([], []),
    ],
)
def test_session_phrases(codes: list[str], phrases: list[str]) -> None:
    assert session_phrases(codes, {"Weekends": "Weekends label"}) == phrases


@pytest.mark.parametrize(
    ("km", "phrase"),
    [
        (0.0, "Less than 0.1 km away"),
        (0.049, "Less than 0.1 km away"),
        (2.2239, "2.2 km away"),
        (9.94, "9.9 km away"),
        (9.96, "10 km away"),
        (12.6, "13 km away"),
    ],
)
def test_distance_phrase(km: float, phrase: str) -> None:
    assert distance_phrase(km) == phrase


def test_role_from_an_opportunities_v1_snapshot() -> None:
    snapshot = {
        "id": "5d7a0c1e-0000-4000-8000-000000000001",
        "organisation_id": "5d7a0c1e-0000-4000-8000-000000000002",
        "title": "Befriender",
        "causes": ["OlderPeople"],
        "skills": [],
        "requirements": ["DBSCheck"],
        "commitment": "regular",
        "sessions": ["MondayMorning"],
        "locations": [{"postcode": "N1 1AA", "latitude": 51.52, "longitude": -0.1}],
        "remote": False,
        "minimum_age": 18,
        "maximum_age": None,
        "closes_on": "2026-07-01",
        "status": "published",
    }
    role = Role.from_snapshot(snapshot)
    assert role.locations == (GeoPoint(51.52, -0.1, "N1 1AA"),)
    assert (role.causes, role.requirements, role.sessions) == (
        ("OlderPeople",),
        ("DBSCheck",),
        ("MondayMorning",),
    )
    assert (role.minimum_age, role.maximum_age) == (18, None)
    assert role.closes_on == dt.date(2026, 7, 1)


# --- similar roles -----------------------------------------------------------------------------

ORIGINAL = Role(
    id="orig",
    title="Lunch club helper",
    organisation_id="silent-org",
    locations=(HOME,),
    causes=("OlderPeople",),
    skills=("Driving",),
)


def test_similar_roles_share_a_cause_or_skill_and_are_near_or_remote() -> None:
    candidates = [
        ORIGINAL,  # itself
        replace(ORIGINAL, id="near-cause", organisation_id="o1", skills=(), locations=(north(3),)),
        replace(ORIGINAL, id="near-nothing", organisation_id="o2", causes=(), skills=()),
        replace(ORIGINAL, id="far", organisation_id="o3", locations=(north(16),)),
        replace(ORIGINAL, id="far-remote", organisation_id="o4", locations=(north(300),),
                remote=True),
    ]  # fmt: skip
    found = similar_roles(ORIGINAL, candidates)
    assert [s.role.id for s in found] == ["far-remote", "near-cause"]
    # far-remote: causes 0.5 + skills 0.3 + remote closeness 0.2 * 0.5 = 0.9.
    # near-cause: causes 0.5 + skills 0 + closeness 0.2 * (1 - 3/15) = 0.66.
    assert [s.score for s in found] == [0.9, 0.66]
    assert found[1].distance_km == pytest.approx(3.0, abs=1e-6)
    assert found[0].distance_km is None


def test_same_organisation_roles_come_after_every_other_organisation() -> None:
    sibling = replace(ORIGINAL, id="sibling")  # a perfect match, same organisation
    weaker = replace(ORIGINAL, id="other", organisation_id="o1", skills=(), locations=(north(9),))
    found = similar_roles(ORIGINAL, [sibling, weaker])
    assert [(s.role.id, s.same_organisation) for s in found] == [
        ("other", False),
        ("sibling", True),
    ]
    assert found[0].score < found[1].score


def test_similar_roles_for_a_remote_only_role_are_remote() -> None:
    remote_original = replace(ORIGINAL, locations=(), remote=True)
    in_person = replace(ORIGINAL, id="in-person", organisation_id="o1")
    remote = replace(ORIGINAL, id="remote", organisation_id="o2", locations=(), remote=True)
    found = similar_roles(remote_original, [in_person, remote])
    assert [s.role.id for s in found] == ["remote"]


def test_similar_roles_drop_expired_roles_when_told_the_date_and_respect_the_limit() -> None:
    expired = replace(ORIGINAL, id="expired", organisation_id="o1", closes_on=dt.date(2026, 6, 14))
    fresh = [replace(ORIGINAL, id=f"r{i}", organisation_id="o2") for i in range(8)]
    assert "expired" in [s.role.id for s in similar_roles(ORIGINAL, [expired], 5)]
    found = similar_roles(ORIGINAL, [expired, *fresh], 3, today=TODAY)
    assert [s.role.id for s in found] == ["r0", "r1", "r2"]


def test_similar_radius_is_inclusive() -> None:
    edge = replace(ORIGINAL, id="edge", organisation_id="o1", locations=(north(5),))
    exact = distance_km(HOME.latitude, HOME.longitude, *_coords(north(5)))
    assert similar_roles(ORIGINAL, [edge], radius_km=exact)
    assert not similar_roles(ORIGINAL, [edge], radius_km=exact - 1e-9)


def _coords(point: GeoPoint) -> tuple[float, float]:
    return point.latitude, point.longitude
