"""The role and organisation aggregates on their own: rules, transitions, events."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common.validation import InvalidInput
from services.opportunities.domain.details import DatedSession, Details, Question, detail_problems
from services.opportunities.domain.errors import Conflict, NotFound
from services.opportunities.domain.opportunity import Opportunity, Status
from services.opportunities.domain.organisation import (
    Catchment,
    MemberRole,
    Moderation,
    Organisation,
    OrganisationType,
)

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _role(**fields: object) -> Opportunity:
    return Opportunity.create("org", Details("Helper", remote=True, **fields), NOW)  # type: ignore[arg-type]


def test_cross_field_rules_name_their_fields() -> None:
    details = Details(
        "  ",
        minimum_age=30,
        maximum_age=18,
        starts_on=dt.date(2027, 2, 1),
        ends_on=dt.date(2027, 1, 1),
        dated_sessions=(DatedSession(dt.date(2027, 1, 5), "10:00", "09:30"),),
        questions=(Question("q1", "Why?"), Question("q1", "When?")),
    )
    assert set(detail_problems(details)) == {
        "title",
        "locations",
        "maximum_age",
        "ends_on",
        "dated_sessions[0].ends",
        "questions[1].id",
    }


def test_a_coherent_role_has_no_problems() -> None:
    assert detail_problems(Details("Helper", remote=True, minimum_age=18, maximum_age=18)) == {}


def test_the_lifecycle_bumps_the_revision_and_emits_one_event_per_change() -> None:
    role = _role(closes_on=dt.date(2027, 1, 31))
    role.publish(NOW, organisation_approved=True)
    role.pause(NOW, "Full for now")
    role.publish(NOW, organisation_approved=True)
    role.confirm(NOW)
    role.close(NOW)
    names = [type(e).__name__ for e in role.events]
    assert names == [
        "OpportunityCreated",
        "OpportunityPublished",
        "OpportunityPaused",
        "OpportunityPublished",
        "OpportunityConfirmed",
        "OpportunityClosed",
    ]
    assert [e.revision for e in role.events] == [1, 2, 3, 4, 5, 6]
    assert role.events[2].reason == "Full for now"
    assert role.events[-1].opportunity["status"] == "closed"


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "pause"),
        ([], "confirm"),
        (["publish"], "publish"),
        (["publish"], "delete"),
        (["publish", "pause"], "pause"),
        (["publish", "pause"], "confirm"),
        (["close"], "publish"),
        (["close"], "close"),
        (["delete"], "publish"),
    ],
)
def test_illegal_transitions_conflict(setup: list[str], action: str) -> None:
    role = _role()
    for step in setup:
        _do(role, step)
    before = (role.status, role.revision)
    with pytest.raises(Conflict) as caught:
        _do(role, action)
    assert caught.value.code == "invalid-transition"
    assert (role.status, role.revision) == before


def _do(role: Opportunity, action: str) -> None:
    if action == "publish":
        role.publish(NOW, organisation_approved=True)
    else:
        getattr(role, action)(NOW)


def test_publishing_needs_an_approved_organisation_and_an_open_closing_date() -> None:
    role = _role(closes_on=dt.date(2026, 11, 30))
    with pytest.raises(Conflict) as caught:
        role.publish(NOW, organisation_approved=False)
    assert caught.value.code == "approval-required"
    with pytest.raises(InvalidInput) as invalid:
        role.publish(NOW, organisation_approved=True)
    assert set(invalid.value.errors) == {"closes_on"}
    assert role.status is Status.DRAFT and role.revision == 1


def test_a_role_created_published_is_one_event_on_publishings_terms() -> None:
    details = Details("Helper", remote=True)
    role = Opportunity.create("org", details, NOW, publish=True, organisation_approved=True)
    assert (role.status, role.revision, role.published_at) == (Status.PUBLISHED, 1, NOW)
    [event] = role.events
    assert type(event).__name__ == "OpportunityCreated"
    assert (event.revision, event.opportunity["status"]) == (1, "published")
    assert event.opportunity["published_at"] == NOW
    with pytest.raises(Conflict) as caught:
        Opportunity.create("org", details, NOW, publish=True, organisation_approved=False)
    assert caught.value.code == "approval-required"
    past = Details("Helper", remote=True, closes_on=dt.date(2026, 11, 30))
    with pytest.raises(InvalidInput) as invalid:
        Opportunity.create("org", past, NOW, publish=True, organisation_approved=True)
    assert set(invalid.value.errors) == {"closes_on"}


def test_an_unchanged_update_is_not_a_change() -> None:
    role = _role()
    assert role.update({"title": "Helper"}, NOW) is False
    assert role.revision == 1 and len(role.events) == 1


def test_an_organisation_keeps_an_owner() -> None:
    org = Organisation.register(
        name="Riverside", type_=OrganisationType.CHARITY, now=NOW, owner_id="a"
    )
    org.set_member("b", MemberRole.EDITOR)
    with pytest.raises(Conflict):
        org.remove_member("a")
    with pytest.raises(Conflict):
        org.set_member("a", MemberRole.EDITOR)
    org.set_member("b", MemberRole.OWNER)
    org.set_member("a", MemberRole.EDITOR)
    org.remove_member("a")
    assert org.members == {"b": MemberRole.OWNER}
    with pytest.raises(NotFound):
        org.remove_member("a")


def test_catchments_cover_outward_codes_and_districts() -> None:
    catchment = Catchment(("SE1",), ("E09000033",))
    assert catchment.covers("SE1", None)
    assert catchment.covers("SW1A", "E09000033")
    assert not catchment.covers("SE11", "E09000022")


def test_only_a_volunteer_centre_has_a_catchment() -> None:
    org = Organisation.register(name="Riverside", type_=OrganisationType.CHARITY, now=NOW)
    with pytest.raises(InvalidInput):
        org.update(NOW, catchment=Catchment(("SE1",)))
    vc = Organisation.register(name="VC", type_=OrganisationType.VOLUNTEER_CENTRE, now=NOW)
    assert vc.update(NOW, catchment=Catchment(("SE1",)))
    assert vc.update(NOW, type=OrganisationType.CHARITY)
    assert vc.catchment == Catchment()


def test_moderation_decisions() -> None:
    org = Organisation.register(
        name="Riverside", type_=OrganisationType.CHARITY, now=NOW, moderated=True
    )
    assert org.moderation is Moderation.PENDING
    with pytest.raises(InvalidInput):
        org.reject("staff", "  ", NOW)
    org.reject("staff", "Could not confirm the charity number", NOW)
    with pytest.raises(Conflict):
        org.reject("staff", "again", NOW)
    org.approve("admin", NOW)  # a rejection can be reconsidered
    with pytest.raises(Conflict):
        org.approve("admin", NOW)
    names = [type(e).__name__ for e in org.events]
    assert names == ["OrganisationRegistered", "OrganisationRejected", "OrganisationApproved"]
