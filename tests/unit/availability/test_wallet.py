"""The credentials wallet: its rules, who may see and verify a credential, and the reminder
30 days before anything lapses (a DBS check off the Update Service lapses after 3 years)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from services.availability.adapters.wallet_repository import WalletRepository
from services.availability.domain.model import Credential
from services.availability.domain.wallet import (
    Entry,
    Verification,
    changed_values,
    credential_values,
    status_on,
    valid_until,
)
from services.availability.service_layer.unit_of_work import unit_of_work
from services.availability.service_layer.wallet import remind_expiring
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import NOW, Clock, Orgs, bearer

ME, OTHER = "vol-wallet-1", "vol-wallet-2"
URL = "/api/v1/credentials"
TODAY = NOW.date()  # 2026-11-23
DBS = {"kind": "dbs", "level": "enhanced", "workforce": "adult", "issued_on": "2025-06-01"}
TRAINING = {"kind": "training", "type": "FirstAid", "completed_on": "2025-01-10",
            "expires_on": "2027-01-10"}  # fmt: skip
REQUIREMENT = {"kind": "requirement", "code": "IDCheck", "obtained_on": "2026-01-05"}


def add(client: FlaskClient, doc: dict[str, Any], who: str = ME) -> dict[str, Any]:
    response = client.post(URL, json=doc, headers=bearer(who))
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == f"{URL}/{response.json['id']}"
    return dict(response.json)


def share(client: FlaskClient, orgs: list[str], who: str = ME) -> Any:
    return client.put(f"{URL}/shares", json={"organisation_ids": orgs}, headers=bearer(who))


def verify(client: FlaskClient, credential_id: str, org: str, headers: dict[str, str]) -> Any:
    return client.post(f"{URL}/{credential_id}/verify", json={"organisation_id": org},
                       headers=headers)  # fmt: skip


def expiring(runtime: ServiceRuntime) -> list[dict[str, Any]]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT key, payload FROM outbox WHERE topic = 'micro-volunteering' ORDER BY id"
            )
        ).all()
    events = [(key, json.loads(payload)) for key, payload in rows]
    assert all(key == e["key"] for key, e in events)
    return [e["data"] for _, e in events if e["event_type"] == "CredentialExpiring"]


# ---- rules, without HTTP ----


def training(expires: dt.date | None) -> Credential:
    return Credential("c1", "training", "FirstAid", dt.date(2025, 1, 1), expires)


@pytest.mark.parametrize(
    ("days_left", "status"),
    [(None, "valid"), (31, "valid"), (30, "expiring_soon"), (0, "expiring_soon"), (-1, "expired")],
)
def test_status_counts_down_to_expiry(days_left: int | None, status: str) -> None:
    expires = None if days_left is None else TODAY + dt.timedelta(days=days_left)
    assert status_on(training(expires), TODAY) == status


def test_a_dbs_check_off_the_update_service_lapses_after_three_years() -> None:
    off = Credential("d", "dbs", "DBSCheck", dt.date(2024, 2, 29), dbs_level="basic")
    assert valid_until(off) == dt.date(2027, 2, 28)
    assert valid_until(Credential("d", "dbs", "DBSCheck", dt.date(2024, 2, 29),
                                  update_service=True)) is None  # fmt: skip


def test_an_edit_undoes_verification_and_reminder_only_when_it_changes_something() -> None:
    old = training(dt.date(2026, 12, 1))
    entry = Entry(old, ME, Verification("org", "coord", NOW), reminded_at=NOW)
    same = credential_values({**TRAINING, "completed_on": old.obtained_on,
                              "expires_on": old.expires_on}, TODAY)  # fmt: skip
    assert changed_values(entry, same) == {}
    later = {**same, "expires_on": dt.date(2027, 12, 1)}
    assert changed_values(entry, later) == {
        "expires_on": dt.date(2027, 12, 1), "verified_by_organisation": None,
        "verified_by": None, "verified_at": None, "reminded_at": None,
    }  # fmt: skip


# ---- the wallet over HTTP ----


def test_a_dbs_check_is_added_and_listed(client: FlaskClient) -> None:
    created = add(client, DBS)
    assert created | {"id": "x", "created_at": "x", "updated_at": "x"} == {
        "id": "x", "kind": "dbs", "label": "Enhanced DBS check (adult workforce)",
        "level": "enhanced", "workforce": "adult", "issued_on": "2025-06-01",
        "update_service": False, "valid_until": "2028-06-01", "status": "valid",
        "verified": False, "verified_by": None, "verified_at": None,
        "created_at": "x", "updated_at": "x",
    }  # fmt: skip
    add(client, TRAINING)
    add(client, REQUIREMENT)
    wallet = client.get(URL, headers=bearer(ME)).json["items"]
    assert [c["kind"] for c in wallet] == ["dbs", "training", "requirement"]
    assert wallet[2]["label"] == "ID Check"
    assert client.get(URL, headers=bearer(OTHER)).json["items"] == []


def test_a_certificate_number_is_never_accepted(client: FlaskClient) -> None:
    response = client.post(URL, json={**DBS, "certificate_number": "001234567890"},
                           headers=bearer(ME))  # fmt: skip
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"certificate_number"}
    assert "never" in response.json["errors"]["certificate_number"][0]
    assert client.get(URL, headers=bearer(ME)).json["items"] == []


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"kind": "badge"}, "kind"),
    ({**DBS, "level": "super"}, "level"),
    ({**DBS, "workforce": None}, "workforce"),
    ({**DBS, "expires_on": "2029-01-01"}, "expires_on"),
    ({**DBS, "type": "FirstAid"}, "type"),
    ({**DBS, "issued_on": "2026-12-01"}, "issued_on"),
    ({"kind": "dbs", "level": "basic", "workforce": "adult"}, "issued_on"),
    ({**TRAINING, "type": "Juggling"}, "type"),
    ({**TRAINING, "expires_on": "2025-01-10"}, "expires_on"),
    ({**TRAINING, "completed_on": "1901-01-01"}, "completed_on"),
    ({**TRAINING, "level": "basic"}, "level"),
    ({**REQUIREMENT, "code": "DBSCheck"}, "code"),
    ({**REQUIREMENT, "code": "FirstAid"}, "code"),
    ({**REQUIREMENT, "code": "Jetpack"}, "code"),
    ({**REQUIREMENT, "obtained_on": "2026-11-24"}, "obtained_on"),
    ({**REQUIREMENT, "obtained_on": "yesterday"}, "obtained_on"),
]


@pytest.mark.parametrize(("doc", "field"), INVALID)
def test_each_invalid_field_is_named(client: FlaskClient, doc: dict[str, Any], field: str) -> None:
    response = client.post(URL, json=doc, headers=bearer(ME))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {field}, response.json


def test_status_shows_what_is_expiring_or_expired(client: FlaskClient) -> None:
    soon = add(client, {**TRAINING, "expires_on": "2026-12-03"})
    gone = add(client, {**TRAINING, "expires_on": "2026-11-22"})
    assert (soon["status"], gone["status"]) == ("expiring_soon", "expired")


def test_someone_elses_credential_is_not_found(client: FlaskClient) -> None:
    mine = add(client, TRAINING)["id"]
    path, theirs = f"{URL}/{mine}", bearer(OTHER)
    assert client.get(path, headers=theirs).status_code == 404
    assert client.patch(path, json={"expires_on": None}, headers=theirs).status_code == 404
    assert client.delete(path, headers=theirs).status_code == 404
    assert client.get(path, headers=bearer(ME)).json["expires_on"] == "2027-01-10"
    assert client.delete(path, headers=bearer(ME)).status_code == 204
    assert client.get(path, headers=bearer(ME)).status_code == 404


def test_an_edit_is_checked_and_cannot_change_the_kind(client: FlaskClient) -> None:
    path = f"{URL}/{add(client, TRAINING)['id']}"
    response = client.patch(path, json={"kind": "dbs"}, headers=bearer(ME))
    assert set(response.json["errors"]) == {"kind"}
    response = client.patch(path, json={"expires_on": "2024-01-01"}, headers=bearer(ME))
    assert set(response.json["errors"]) == {"expires_on"}
    response = client.patch(path, json={"expires_on": None}, headers=bearer(ME))
    assert (response.json["expires_on"], response.json["valid_until"]) == (None, None)


def test_shares_name_known_organisations_only(client: FlaskClient, orgs: Orgs) -> None:
    org = orgs.create("coord-1", name="Riverside Good Neighbours")
    response = share(client, [org, "no-such-org"])
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"organisation_ids[1]"}
    first = share(client, [org, org]).json
    assert first["organisation_ids"] == [org]
    assert first["organisations"][0]["name"] == "Riverside Good Neighbours"
    assert client.get(f"{URL}/shares", headers=bearer(ME)).json == first
    assert share(client, [org]).json == first  # granted_at kept
    assert share(client, []).json == {"organisation_ids": [], "organisations": []}


@pytest.fixture
def world(client: FlaskClient, orgs: Orgs) -> dict[str, str]:
    """ME shares with an organisation (member coord-1) and a Volunteer Centre (staff
    vc-1); another organisation (member coord-2) and centre are not shared with."""
    ids = {
        "org": orgs.create("coord-1"),
        "centre": orgs.create("vc-owner", name="Lambeth Volunteer Centre"),
        "unshared": orgs.create("coord-2"),
        "other_centre": orgs.create("vc-owner-2", name="Other Volunteer Centre"),
    }
    assert share(client, [ids["org"], ids["centre"]]).status_code == 200
    ids["credential"] = add(client, DBS)["id"]
    return ids


def staff(who: str, centre: str) -> dict[str, str]:
    return bearer(who, roles=["vc_staff"], centres=[centre])


def test_a_member_of_a_shared_organisation_verifies(
    client: FlaskClient, world: dict[str, str]
) -> None:
    response = verify(client, world["credential"], world["org"], bearer("coord-1"))
    assert response.status_code == 200, response.json
    assert response.json["verified"] is True
    assert response.json["verified_by"] == {
        "organisation_id": world["org"], "name": "Riverside Good Neighbours"
    }  # fmt: skip
    assert response.json["verified_at"].startswith("2026-11-23T09:00")
    mine = client.get(f"{URL}/{world['credential']}", headers=bearer(ME)).json
    assert mine["verified_by"]["name"] == "Riverside Good Neighbours"


def test_volunteer_centre_staff_verify_for_their_shared_centre(
    client: FlaskClient, world: dict[str, str]
) -> None:
    response = verify(client, world["credential"], world["centre"], staff("vc-1", world["centre"]))
    assert response.status_code == 200, response.json
    assert response.json["verified_by"]["name"] == "Lambeth Volunteer Centre"


def test_nobody_else_verifies_and_nothing_leaks(
    client: FlaskClient, world: dict[str, str], orgs: Orgs
) -> None:
    cred, org = world["credential"], world["org"]
    assert verify(client, cred, org, bearer("stranger")).status_code == 403
    assert verify(client, cred, org, staff("vc-2", world["other_centre"])).status_code == 403
    # A member, but the volunteer does not share with their organisation: as if absent.
    assert verify(client, cred, world["unshared"], bearer("coord-2")).status_code == 404
    centre = staff("vc-2", world["other_centre"])
    assert verify(client, cred, world["other_centre"], centre).status_code == 404
    assert verify(client, "no-such-id", org, bearer("coord-1")).status_code == 404
    orgs.member(org, ME, "editor")
    assert verify(client, cred, org, bearer(ME)).status_code == 403  # not your own
    assert client.get(f"{URL}/{cred}", headers=bearer(ME)).json["verified"] is False


def test_a_share_withdrawn_stops_verification(client: FlaskClient, world: dict[str, str]) -> None:
    share(client, [world["centre"]])
    assert verify(client, world["credential"], world["org"], bearer("coord-1")).status_code == 404


def test_changing_a_verified_credential_clears_its_verification(
    client: FlaskClient, world: dict[str, str]
) -> None:
    path = f"{URL}/{world['credential']}"
    verify(client, world["credential"], world["org"], bearer("coord-1"))
    unchanged = client.patch(path, json={"level": "enhanced"}, headers=bearer(ME)).json
    assert unchanged["verified"] is True
    changed = client.patch(path, json={"update_service": True}, headers=bearer(ME)).json
    assert (changed["verified"], changed["verified_by"], changed["verified_at"]) == (
        False, None, None,
    )  # fmt: skip
    assert changed["valid_until"] is None  # on the Update Service: no recheck date


def test_an_organisation_sees_who_shares_with_it(
    client: FlaskClient, world: dict[str, str]
) -> None:
    add(client, TRAINING, who=OTHER)
    share(client, [world["org"]], who=OTHER)
    add(client, TRAINING, who="not-sharing")
    path = f"{URL}/shared"
    first = client.get(path, query_string={"organisation_id": world["org"], "per_page": 1},
                       headers=bearer("coord-1")).json  # fmt: skip
    assert [i["account_id"] for i in first["items"]] == [ME]
    assert [c["kind"] for c in first["items"][0]["credentials"]] == ["dbs"]
    second = client.get(first["next"], headers=bearer("coord-1")).json
    assert [i["account_id"] for i in second["items"]] == [OTHER]
    assert second["items"][0]["credentials"][0]["type"] == "FirstAid"
    assert second["next"] is None
    by_staff = client.get(path, query_string={"organisation_id": world["centre"]},
                          headers=staff("vc-1", world["centre"])).json  # fmt: skip
    assert [i["account_id"] for i in by_staff["items"]] == [ME]
    query = {"organisation_id": world["org"]}
    assert client.get(path, query_string=query, headers=bearer("coord-2")).status_code == 403
    assert client.get(path, headers=bearer("coord-1")).status_code == 422


# ---- reminders ----


def test_a_reminder_goes_30_days_before_expiry_once(
    client: FlaskClient, runtime: ServiceRuntime, clock: Clock
) -> None:
    credential = add(client, {**TRAINING, "expires_on": "2026-12-24"})  # 31 days away
    assert remind_expiring(runtime)["reminded"] == 0
    clock.advance(days=1)
    assert remind_expiring(runtime)["reminded"] == 1
    assert expiring(runtime) == [{
        "credential_id": credential["id"], "account_id": ME, "kind": "training",
        "code": "FirstAid", "expires_on": "2026-12-24", "at": "2026-11-24T09:00:00Z",
    }]  # fmt: skip
    for _ in range(3):
        clock.advance(days=5)
        assert remind_expiring(runtime)["reminded"] == 0
    assert len(expiring(runtime)) == 1


def test_a_new_expiry_gets_its_own_reminder(
    client: FlaskClient, runtime: ServiceRuntime, clock: Clock
) -> None:
    path = f"{URL}/{add(client, {**TRAINING, 'expires_on': '2026-12-01'})['id']}"
    assert remind_expiring(runtime)["reminded"] == 1
    client.patch(path, json={"completed_on": "2025-01-11"}, headers=bearer(ME))
    assert remind_expiring(runtime)["reminded"] == 0  # the expiry did not move
    client.patch(path, json={"expires_on": "2027-06-01"}, headers=bearer(ME))
    assert remind_expiring(runtime)["reminded"] == 0  # not due yet
    clock.now = dt.datetime(2027, 5, 2, 9, tzinfo=dt.UTC)
    assert remind_expiring(runtime)["reminded"] == 1
    assert [e["expires_on"] for e in expiring(runtime)] == ["2026-12-01", "2027-06-01"]


def test_a_dbs_check_off_the_update_service_is_due_for_a_recheck(
    client: FlaskClient, runtime: ServiceRuntime, clock: Clock
) -> None:
    due = add(client, {**DBS, "issued_on": "2023-12-24"})  # three years on: 31 days away
    add(client, {**DBS, "issued_on": "2023-12-24", "update_service": True})
    add(client, {**TRAINING, "expires_on": "2026-11-22"})  # already expired: no reminder
    assert remind_expiring(runtime)["reminded"] == 0
    clock.advance(days=1)
    assert remind_expiring(runtime)["reminded"] == 1
    [event] = expiring(runtime)
    assert (event["credential_id"], event["kind"], event["code"], event["expires_on"]) == (
        due["id"], "dbs", "DBSCheck", "2026-12-24",
    )  # fmt: skip


def test_a_reminder_is_claimed_once_even_by_runs_that_race(
    client: FlaskClient, runtime: ServiceRuntime
) -> None:
    # Two runs may both read a credential as due; only the first claim may send.
    credential_id = add(client, {**TRAINING, "expires_on": "2026-12-01"})["id"]
    with unit_of_work(runtime) as uow:
        repo = WalletRepository(uow.session)
        assert repo.mark_reminded(credential_id, uow.now) is True
        assert repo.mark_reminded(credential_id, uow.now) is False
