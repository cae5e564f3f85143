"""Volunteer Centre staff and the response-time guarantee's emails.

- Access tokens say ``vc_staff`` with the centres, only for members of approved Volunteer
  Centres.
- Staff of a centre read (never answer) the applications escalated to it, and no others.
- Reminders at 2 and 5 working days go to the organisation's members, once; the escalation at 7
  goes to the centre's staff and to the volunteer, with similar roles. No email ever holds the
  volunteer's accessibility needs.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from services.common.auth import Principal, verify_token
from services.volunteers.adapters.accounts_repository import AccountRepository
from services.volunteers.adapters.orm import outbox_mail
from services.volunteers.definition import SERVICE
from services.volunteers.domain.accounts import Account, AccountType
from services.volunteers.domain.passwords import Passwords
from services.volunteers.service_layer.guarantee import sweep
from tests.unit.volunteers.test_accounts_support import FAST, PASSWORD, service_config
from tests.unit.volunteers.test_applications import World

SITE = "https://volunteer.example.org"
SUBMITTED = dt.datetime(2026, 12, 18, 16, 0, tzinfo=dt.UTC)  # a Friday, 16:00 in London
# Working days after SUBMITTED (the weekend, 25 and 28 December are not working days).
DAY_2 = dt.datetime(2026, 12, 22, 16, 0, tzinfo=dt.UTC)
DAY_5 = dt.datetime(2026, 12, 29, 16, 0, tzinfo=dt.UTC)
DAY_7 = dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC)
NEEDS = "I use a wheelchair and need step-free access"
ROLE = "Befriending volunteer for older people"  # the example role's title


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = SERVICE.create_app(replace(service_config(tmp_path), public_url=SITE))
    runtime = app.extensions["runtime"]
    runtime.extensions["clock"] = lambda: SUBMITTED
    runtime.extensions["passwords"] = Passwords(FAST)
    yield app
    runtime.close()


def organisation(world: World, name: str, kind: str = "charity", **extra: Any) -> str:
    org_id = str(uuid.uuid4())
    world.send("organisations", "OrganisationRegistered", 3, org_id, {
        "organisation_id": org_id, "name": name, "type": kind, "postcode": "SE1 7AE",
        "registered_at": "2026-01-01T09:00:00Z", "moderation": "approved", **extra,
    })  # fmt: skip
    return org_id


def centre(world: World, name: str, outward: str, moderation: str = "approved") -> str:
    catchment = {"outward_codes": [outward], "districts": []}
    return organisation(world, name, "volunteer_centre", moderation=moderation, catchment=catchment)


def join(world: World, org_id: str, account_id: str, role: str | None = "editor") -> None:
    data = {"organisation_id": org_id, "account_id": account_id, "role": role}
    world.send("organisations", "MembershipChanged", 3, org_id, data)


def account(
    world: World, account_id: str, name: str, *, verified: bool = True, admin: bool = False
) -> str:
    """An account (as registration would leave it); its email address is returned."""
    email = f"{account_id}@example.org"
    runtime = world.runtime
    with runtime.session_factory() as session, session.begin():
        AccountRepository(session).add(
            Account(
                id=account_id,
                email=email,
                name=name,
                account_type=AccountType.VOLUNTEER,
                password_hash=runtime.extensions["passwords"].hash(PASSWORD),
                email_verified=verified,
                created_at=SUBMITTED,
                updated_at=SUBMITTED,
                roles=frozenset({"admin"}) if admin else frozenset(),
            )
        )
    return email


def role_like(world: World, title: str, **changes: Any) -> str:
    """Another published role, like the world's unless ``changes`` say otherwise."""
    role = dict(copy.deepcopy(world.role), id=str(uuid.uuid4()), title=title, **changes)
    data = {"opportunity_id": role["id"], "revision": 1, "opportunity": role}
    world.send("opportunities", "OpportunityPublished", 1, role["id"], data)
    return str(role["id"])


def signed_in(app: Flask, email: str) -> Principal:
    response = app.test_client().post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    return verify_token(app.config["VMP_AUTH_SECRET"], response.get_json()["access_token"])


def mails(app: Flask) -> list[dict[str, Any]]:
    """Everything in the mail outbox, oldest first."""
    with app.extensions["runtime"].engine.connect() as conn:
        rows = conn.execute(sa.select(outbox_mail).order_by(outbox_mail.c.id)).mappings()
        return [dict(row) for row in rows]


def at(app: Flask, moment: dt.datetime) -> None:
    app.extensions["runtime"].extensions["clock"] = lambda: moment


def test_tokens_name_vc_staff_only_for_approved_volunteer_centres(app: Flask) -> None:
    world = World(app)
    southwark = centre(world, "Southwark Volunteer Centre", "SE1")
    leeds = centre(world, "Leeds Volunteer Centre", "LS1", moderation="pending")
    for account_id, name in [("vc-1", "Vic Centre"), ("vc-2", "Val Pending"),
                             ("owner-1", "Olive Owner"), ("both-1", "Bo Both")]:  # fmt: skip
        account(world, account_id, name)
    join(world, southwark, "vc-1")
    join(world, leeds, "vc-2", "owner")
    join(world, southwark, "both-1", "owner")
    join(world, leeds, "both-1")

    staff = signed_in(app, "vc-1@example.org")
    assert (staff.roles, staff.centres) == ({"vc_staff"}, {southwark})
    pending = signed_in(app, "vc-2@example.org")  # the Leeds centre is not approved yet
    assert (pending.roles, pending.centres) == (frozenset(), frozenset())
    charity = signed_in(app, "owner-1@example.org")  # a charity's owner is not VC staff
    assert (charity.roles, charity.centres) == (frozenset(), frozenset())
    assert signed_in(app, "both-1@example.org").centres == {southwark}

    world.send("organisations", "OrganisationApproved", 3, leeds, {
        "organisation_id": leeds, "decided_at": "2026-12-01T10:00:00Z", "decided_by": "admin-1",
    })  # fmt: skip
    assert signed_in(app, "vc-2@example.org").centres == {leeds}
    assert signed_in(app, "both-1@example.org").centres == {southwark, leeds}
    join(world, southwark, "vc-1", None)  # they left the centre
    assert signed_in(app, "vc-1@example.org").roles == frozenset()


def test_an_admin_who_works_for_a_centre_has_both_roles(app: Flask) -> None:
    world = World(app)
    southwark = centre(world, "Southwark Volunteer Centre", "SE1")
    account(world, "admin-1", "Ada Admin", admin=True)
    join(world, southwark, "admin-1")
    principal = signed_in(app, "admin-1@example.org")
    assert (principal.roles, principal.centres) == ({"admin", "vc_staff"}, {southwark})


def escalated_world(app: Flask) -> tuple[World, dict[str, str]]:
    """One application escalated to Southwark (vol-1), one to Leeds (vol-2)."""
    world = World(app)
    ids = {
        "southwark": centre(world, "Southwark Volunteer Centre", "SE1"),
        "leeds": centre(world, "Leeds Volunteer Centre", "LS1"),
    }
    leeds_location = {"postcode": "LS1 4AP", "latitude": 53.7997, "longitude": -1.5492}
    ids["leeds_role"] = role_like(world, "Library helper", locations=[leeds_location])
    ids["first"] = world.apply("vol-1").get_json()["id"]
    ids["second"] = world.apply("vol-2", opportunity_id=ids["leeds_role"]).get_json()["id"]
    escalated = sweep(world.runtime, DAY_7).escalated
    assert sorted(escalated) == sorted([ids["first"], ids["second"]])
    return world, ids


def test_centre_staff_read_only_what_was_escalated_to_their_centre(app: Flask) -> None:
    world, ids = escalated_world(app)
    first, second = (f"/api/v1/applications/{ids[k]}" for k in ("first", "second"))
    southwark = world.client("vc-1", roles=["vc_staff"], centres=[ids["southwark"]])
    leeds = world.client("vc-2", roles=["vc_staff"], centres=[ids["leeds"]])

    listed = southwark.get("/api/v1/applications/escalated").get_json()
    assert [a["id"] for a in listed["items"]] == [ids["first"]]
    assert listed["items"][0]["escalated_to"] == ids["southwark"]
    shown = southwark.get(first)
    assert shown.status_code == 200
    assert (shown.get_json()["escalated"], shown.get_json()["message"]) == (
        True, "I can help on Mondays.",
    )  # fmt: skip
    assert "similar_roles" not in shown.get_json()  # offered to the volunteer only
    assert southwark.get(second).status_code == 404
    assert [a["id"] for a in leeds.get("/api/v1/applications/escalated").get_json()["items"]] == [
        ids["second"]
    ]
    assert leeds.get(first).status_code == 404

    # Read only: answering stays with the organisation.
    for move in ("seen", "in-contact", "accept", "decline", "withdraw"):
        refused = southwark.post(f"{first}/{move}")
        assert refused.status_code == 403, move
        assert refused.mimetype == "application/problem+json"
        assert southwark.post(f"{second}/{move}").status_code == 404, move
    assert world.client("owner-1").get(first).get_json()["status"] == "submitted"
    assert world.client("owner-1").post(f"{first}/seen").status_code == 200
    after = southwark.get("/api/v1/applications/escalated").get_json()["items"]
    assert [a["status"] for a in after] == ["seen"]


def test_only_centre_staff_and_admins_list_escalations(app: Flask) -> None:
    world, ids = escalated_world(app)
    other_org = organisation(world, "Bermondsey Lunch Club")
    join(world, other_org, "owner-2", "owner")
    path = "/api/v1/applications/escalated"
    for client in (
        world.client("owner-1"),  # the organisation itself
        world.client("owner-2"),  # another organisation
        world.client("vol-1"),  # the volunteer
        # Claims to be staff of a centre that is not a Volunteer Centre: the copy says no.
        world.client("owner-2", roles=["vc_staff"], centres=[other_org]),
    ):
        refused = client.get(path)
        assert refused.status_code == 403
        assert refused.mimetype == "application/problem+json"
        assert "Volunteer Centre" in refused.get_json()["detail"]
    assert (
        world.client("owner-2", roles=["vc_staff"], centres=[other_org])
        .get(f"/api/v1/applications/{ids['first']}")
        .status_code
        == 404
    )
    admin = world.client("admin-1", roles=["admin"])
    assert sorted(a["id"] for a in admin.get(path).get_json()["items"]) == sorted(
        [ids["first"], ids["second"]]
    )


def test_organisations_and_volunteers_keep_their_own_view(app: Flask) -> None:
    world, ids = escalated_world(app)
    first, second = (f"/api/v1/applications/{ids[k]}" for k in ("first", "second"))
    other_org = organisation(world, "Bermondsey Lunch Club")
    join(world, other_org, "owner-2", "owner")
    outsider = world.client("owner-2")
    assert (outsider.get(first).status_code, outsider.get(second).status_code) == (404, 404)
    inbox = outsider.get(f"/api/v1/applications?organisation_id={world.org_id}")
    assert inbox.status_code == 403
    volunteer = world.client("vol-1")
    assert volunteer.get(first).status_code == 200
    assert volunteer.get(second).status_code == 404
    mine = volunteer.get("/api/v1/applications").get_json()["items"]
    assert [a["id"] for a in mine] == [ids["first"]]


def test_escalated_listings_are_paged(app: Flask) -> None:
    world = World(app, places=5)
    southwark = centre(world, "Southwark Volunteer Centre", "SE1")
    applied = []
    for n in range(3):
        at(app, SUBMITTED + dt.timedelta(minutes=n))
        applied.append(world.apply(f"vol-{n}").get_json()["id"])
    assert len(sweep(world.runtime, DAY_7 + dt.timedelta(hours=1)).escalated) == 3
    staff = world.client("vc-1", roles=["vc_staff"], centres=[southwark])
    first = staff.get("/api/v1/applications/escalated?per_page=2").get_json()
    assert [a["id"] for a in first["items"]] == [applied[2], applied[1]]  # newest first
    assert (first["page"], first["per_page"]) == (1, 2)
    assert first["next"] == "/api/v1/applications/escalated?page=2&per_page=2"
    last = staff.get(first["next"]).get_json()
    assert ([a["id"] for a in last["items"]], last["next"]) == ([applied[0]], None)
    filtered = staff.get("/api/v1/applications/escalated?status=seen").get_json()
    assert filtered["items"] == []
    bad = staff.get("/api/v1/applications/escalated?per_page=0&status=lost")
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"per_page", "status"}


def mail_world(app: Flask) -> World:
    """Riverside Food Bank with four members; Alex applied, sharing accessibility needs."""
    world = World(app)
    account(world, "owner-1", "Olive Owner")
    account(world, "editor-1", "Ed Editor")
    account(world, "new-1", "Nell New", verified=False)  # no verified address: no email
    account(world, "quiet-1", "Quentin Quiet")
    for member in ("editor-1", "new-1", "quiet-1"):
        world.member(member, "editor")
    world.client("quiet-1").patch("/api/v1/me/profile", json={"contact_channels": ["phone"]})
    account(world, "vol-1", "Alex Smith")
    profile = world.client("vol-1").patch("/api/v1/me/profile", json={"accessibility_needs": NEEDS})
    assert profile.status_code == 200, profile.get_json()
    assert world.apply("vol-1", share_adjustments=True).status_code == 201
    return world


def test_reminders_go_to_the_organisations_members_once(app: Flask) -> None:
    world = mail_world(app)
    [application] = world.client("vol-1").get("/api/v1/applications").get_json()["items"]
    link = f"{SITE}/api/v1/applications/{application['id']}"
    for moment in (DAY_2 - dt.timedelta(minutes=1), DAY_2, DAY_2, DAY_2 + dt.timedelta(days=1)):
        sweep(world.runtime, moment)  # twice at the deadline: still one reminder each
    assert [(m["to_address"], m["subject"]) for m in mails(app)] == [
        ("editor-1@example.org", f"Reply to Alex's application for {ROLE} (2 working days)"),
        ("owner-1@example.org", f"Reply to Alex's application for {ROLE} (2 working days)"),
    ]
    sweep(world.runtime, DAY_5)
    sweep(world.runtime, DAY_5)
    queued = mails(app)
    assert [(m["to_address"], m["subject"][-16:]) for m in queued[2:]] == [
        ("editor-1@example.org", "(5 working days)"),
        ("owner-1@example.org", "(5 working days)"),
    ]
    owner_mail = queued[1]["text"]
    assert owner_mail.startswith("Hello Olive Owner,\n\nAlex applied for " + ROLE)
    assert "Riverside Food Bank 2 working days ago" in owner_mail
    assert f"Open the application: {link}" in owner_mail
    assert "in the next 5 working days" in owner_mail
    assert "in the next 2 working days" in queued[3]["text"]
    assert f'<a href="{link}">Open the application</a>' in queued[1]["html"]
    assert all(m["headers"]["Auto-Submitted"] == "auto-generated" for m in queued)
    for mail in queued:
        assert NEEDS not in mail["text"] + mail["html"]
        assert "I can help on Mondays" not in mail["text"]  # the message stays in the app


def test_escalation_mails_the_centre_staff_and_the_volunteer(app: Flask) -> None:
    world = mail_world(app)
    southwark = centre(world, "Southwark Volunteer Centre", "SE1")
    leeds = centre(world, "Leeds Volunteer Centre", "LS1")
    account(world, "vc-1", "Vic Centre")
    account(world, "vc-2", "Viv Unverified", verified=False)
    account(world, "vc-leeds", "Lee Leeds")
    join(world, southwark, "vc-1")
    join(world, southwark, "vc-2")
    join(world, leeds, "vc-leeds")
    lunch = role_like(world, "Lunch club helper", organisation_id=str(uuid.uuid4()))
    phone = role_like(world, "Telephone befriender")
    [application] = world.client("vol-1").get("/api/v1/applications").get_json()["items"]
    link = f"{SITE}/api/v1/applications/{application['id']}"

    for moment in (DAY_2, DAY_5):
        sweep(world.runtime, moment)
    before = len(mails(app))
    assert sweep(world.runtime, DAY_7).escalated == [application["id"]]
    assert sweep(world.runtime, DAY_7 + dt.timedelta(days=3)).escalated == []
    escalation = mails(app)[before:]
    assert [(m["to_address"], m["subject"]) for m in escalation] == [
        ("vc-1@example.org", "An application has waited 7 working days for a reply"),
        ("vol-1@example.org", f"No reply yet about {ROLE}"),
    ]
    to_centre, to_volunteer = (m["text"] for m in escalation)
    assert "reply from Riverside Food Bank, so we are asking Southwark Volunteer Centre" in (
        to_centre
    )
    assert f"Open the application: {link}" in to_centre
    assert "Alex" not in to_centre  # the centre reads the rest in the application itself
    assert to_volunteer.startswith("Hello Alex,\n\nRiverside Food Bank has not replied")
    assert "We have asked Southwark Volunteer Centre to help." in to_volunteer
    assert (
        "Meanwhile, here are similar roles:\n\n"
        f"- Lunch club helper: {SITE}/roles/{lunch}\n"
        f"- Telephone befriender: {SITE}/roles/{phone}\n\n"
        f"See your application: {link}\n"
    ) in to_volunteer
    assert f'<li><a href="{SITE}/roles/{lunch}">Lunch club helper</a></li>' in escalation[1]["html"]
    for mail in mails(app):
        assert NEEDS not in mail["text"] + mail["html"]


def test_after_an_outage_only_the_latest_action_is_mailed(app: Flask) -> None:
    world = mail_world(app)  # no Volunteer Centre covers this role
    sweep(world.runtime, DAY_5)  # the 2-day reminder was missed: one reminder, not two
    assert [m["subject"][-16:] for m in mails(app)] == ["(5 working days)"] * 2
    # Sam applies two working days after Alex, for a role nothing is similar to.
    soup = role_like(world, "Soup kitchen helper", causes=["Homelessness"], skills=[])
    account(world, "vol-2", "Sam Second")
    at(app, DAY_2)
    second = world.apply("vol-2", opportunity_id=soup).get_json()["id"]
    sweep(world.runtime, DAY_7 + dt.timedelta(days=7))
    late = [m for m in mails(app) if second in m["text"]]
    # Escalated straight away: no reminders to the organisation, and no centre to tell.
    assert [(m["to_address"], m["subject"]) for m in late] == [
        ("vol-2@example.org", "No reply yet about Soup kitchen helper")
    ]
    assert "We are sorry." in late[0]["text"]
    assert "We have asked" not in late[0]["text"]
    assert "We have not found similar roles nearby at the moment." in late[0]["text"]


def test_a_volunteer_who_wants_no_email_gets_none(app: Flask) -> None:
    world = mail_world(app)
    centre(world, "Southwark Volunteer Centre", "SE1")
    world.client("vol-1").patch("/api/v1/me/profile", json={"contact_channels": ["post"]})
    sweep(world.runtime, DAY_7)
    assert "vol-1@example.org" not in {m["to_address"] for m in mails(app)}
    shown = world.client("vol-1").get("/api/v1/applications").get_json()["items"][0]
    assert shown["escalated_at"] is not None  # the page still tells them
