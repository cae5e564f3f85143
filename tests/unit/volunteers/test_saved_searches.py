"""Saved searches: the API, the events the percolator hears, alerts turned into digests,
never twice per (saved search, role), and the unsubscribe link (page and one-click)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.common.envelope import new_envelope
from services.common.eventlog.port import OutMessage
from services.volunteers.adapters.saved_search_tables import alert_items
from services.volunteers.definition import DIGEST_JOB, SERVICE
from services.volunteers.service_layer.alerts import ALERTS_GROUP
from tests.unit.hostile.conformance import assert_documented
from tests.unit.volunteers.test_accounts_support import Accounts, build_accounts
from tests.unit.volunteers.test_applications import World

SEARCH = {"postcode": "se17pb", "radius_km": 5, "causes": ["OlderPeople"], "q": "befriending"}


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    accounts = build_accounts(tmp_path)
    accounts.register("jane@example.org")
    accounts.client.post(
        "/api/v1/auth/verify", json={"token": accounts.token_in("jane@example.org")}
    )
    return accounts


def jane(accounts: Accounts) -> dict[str, str]:
    return accounts.bearer("jane@example.org")


def save(accounts: Accounts, headers: dict[str, str], **body: Any) -> Any:
    body = {"name": "Befriending near work", "params": SEARCH, "frequency": "instant", **body}
    return accounts.client.post("/api/v1/saved-searches", json=body, headers=headers)


def outbox(accounts: Accounts, topic: str) -> list[dict[str, Any]]:
    return [e for e in _all_events(accounts) if e["_topic"] == topic]


def _all_events(accounts: Accounts) -> list[dict[str, Any]]:
    with accounts.runtime.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT topic, payload FROM outbox ORDER BY id")).all()
    found = []
    for row in rows:
        envelope = json.loads(row.payload)
        accounts.runtime.registry.validate(row.topic, envelope)  # every one is valid
        found.append({**envelope, "_topic": row.topic})
    return found


def match(accounts: Accounts, role_id: str, *search_ids: str, revision: int = 2) -> None:
    """The search service reporting that ``role_id`` is in these saved searches."""
    data = {"opportunity_id": role_id, "revision": revision, "saved_search_ids": list(search_ids),
            "matched_at": accounts.clock.now}  # fmt: skip
    envelope = new_envelope(
        event_type="SavedSearchesMatched", version=1, producer="search", key=role_id, data=data
    )
    runtime = accounts.runtime
    runtime.event_log.publish([OutMessage("alert-matches", role_id, json.dumps(envelope).encode())])
    [spec] = [s for s in SERVICE.consumer_specs(runtime) if s.group == ALERTS_GROUP]
    assert runtime.consumer(spec).run_once(2.0) == 1


def digests(accounts: Accounts) -> dict[str, Any]:
    [job] = [j for j in SERVICE.periodic_jobs(accounts.runtime) if j.name == DIGEST_JOB]
    report: dict[str, Any] = job.run()
    return report


def alerts_to(accounts: Accounts, to: str = "jane@example.org") -> list[dict[str, Any]]:
    return [m for m in accounts.mailbox() if m["to"] == to and "saved search" in m["subject"]]


# --- the API --------------------------------------------------------------------------------


def test_save_list_change_and_delete(accounts: Accounts) -> None:
    headers = jane(accounts)
    created = save(accounts, headers, params={**SEARCH, "page": 3, "per_page": 10})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert created.headers["Location"] == f"/api/v1/saved-searches/{body['id']}"
    # Kept as the search API takes them: postcode formatted, lists joined, paging dropped.
    assert body["params"] == {"postcode": "SE1 7PB", "radius_km": "5", "causes": "OlderPeople",
                              "q": "befriending"}  # fmt: skip
    assert body["search_url"] == (
        "https://volunteer.example.org/api/v1/search"
        "?causes=OlderPeople&postcode=SE1+7PB&q=befriending&radius_km=5"
    )
    listed = accounts.client.get("/api/v1/saved-searches", headers=headers).get_json()
    assert [s["id"] for s in listed["items"]] == [body["id"]]

    path = f"/api/v1/saved-searches/{body['id']}"
    changed = accounts.client.patch(path, json={"frequency": "weekly"}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["frequency"] == "weekly"
    assert accounts.client.delete(path, headers=headers).status_code == 204
    assert accounts.client.get(path, headers=headers).status_code == 404

    events = outbox(accounts, "saved-searches")
    assert [e["event_type"] for e in events] == [
        "SavedSearchSaved", "SavedSearchSaved", "SavedSearchDeleted"
    ]  # fmt: skip
    assert events[0]["data"]["params"] == body["params"] and events[0]["data"]["alerts"] is True
    # Pseudonymous: the percolator learns the search, not whose it is or what they called it.
    text = json.dumps(events)
    for secret in ("jane@example.org", "Jane Doe", "Befriending near work"):
        assert secret not in text


def test_the_list_and_its_timestamps_are_as_documented(accounts: Accounts) -> None:
    # Found by schemathesis: the list was documented as one saved search, and the times left
    # SQLite without their offset, which is not an RFC 3339 date-time.
    headers = jane(accounts)
    save(accounts, headers)
    listed = accounts.client.get("/api/v1/saved-searches", headers=headers)
    [item] = listed.get_json()["items"]
    assert item["created_at"] == item["updated_at"] == "2026-12-01T09:00:00+00:00"
    assert_documented(accounts.app, "GET", "/api/v1/saved-searches", listed)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"causes": "not-a-cause"}, "params.causes"),
        ({"postcode": "ZZ9 9ZZ"}, "params.postcode"),
        ({"colour": "blue"}, "params.colour"),
        ({"radius_km": "900"}, "params.radius_km"),
        ({"lat": "51.5"}, "params.lon"),
    ],
)
def test_bad_parameters_are_named(accounts: Accounts, params: dict, field: str) -> None:
    response = save(accounts, jane(accounts), params=params)
    assert response.status_code == 422
    problem = response.get_json()
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert field in problem["errors"], problem
    assert outbox(accounts, "saved-searches") == []  # nothing saved, nothing announced


def test_other_peoples_saved_searches_look_missing(accounts: Accounts) -> None:
    created = save(accounts, jane(accounts)).get_json()
    accounts.register("sam@example.org", name="Sam")
    accounts.client.post(
        "/api/v1/auth/verify", json={"token": accounts.token_in("sam@example.org")}
    )
    sam = accounts.bearer("sam@example.org")
    path = f"/api/v1/saved-searches/{created['id']}"
    assert accounts.client.get(path, headers=sam).status_code == 404
    assert accounts.client.patch(path, json={"name": "mine"}, headers=sam).status_code == 404
    assert accounts.client.delete(path, headers=sam).status_code == 404
    assert accounts.client.get("/api/v1/saved-searches", headers=sam).get_json()["items"] == []
    assert accounts.client.get(path, headers=jane(accounts)).get_json()["name"] == created["name"]


def test_saving_needs_a_signed_in_verified_person_and_has_a_limit(accounts: Accounts) -> None:
    assert accounts.client.post("/api/v1/saved-searches", json={}).status_code == 401
    accounts.register("unverified@example.org")
    response = save(accounts, accounts.bearer("unverified@example.org"))
    assert response.status_code == 403
    headers = jane(accounts)
    for n in range(20):
        assert save(accounts, headers, name=f"search {n}").status_code == 201
    refused = save(accounts, headers, name="one too many")
    assert refused.status_code == 409
    assert "20" in refused.get_json()["detail"]


# --- alerts ---------------------------------------------------------------------------------


def test_an_instant_alert_goes_once_with_a_working_unsubscribe_link(accounts: Accounts) -> None:
    world = World(accounts.app)
    search_id = save(accounts, jane(accounts)).get_json()["id"]
    match(accounts, world.role["id"], search_id)
    match(accounts, world.role["id"], search_id, revision=3)  # the role changed: reported again
    assert digests(accounts)["emails"] == 1
    assert digests(accounts)["emails"] == 0
    [mail] = alerts_to(accounts)
    assert mail["subject"] == "1 new role for your saved search \u201cBefriending near work\u201d"
    assert world.role["title"] in mail["text"]
    assert f"https://volunteer.example.org/opportunities/{world.role['id']}" in mail["text"]
    assert "Riverside Food Bank" in mail["text"]
    headers = mail["headers"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = headers["List-Unsubscribe"].strip("<>")
    assert link in mail["text"] and link in (mail["html"] or "")

    # A mail scanner following the link changes nothing: the page asks first.
    page = accounts.client.get(link, headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"Stop these emails" in page.data
    assert _frequency(accounts, search_id) == "instant"
    # The mail client's one-click POST (RFC 8058).
    one_click = accounts.client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert _frequency(accounts, search_id) == "off"
    assert outbox(accounts, "saved-searches")[-1]["data"]["alerts"] is False
    # A later match for another role sends nothing.
    other = World(accounts.app)
    match(accounts, other.role["id"], search_id)
    assert digests(accounts)["emails"] == 0
    assert len(alerts_to(accounts)) == 1


def test_a_forged_unsubscribe_link_is_refused(accounts: Accounts) -> None:
    search_id = save(accounts, jane(accounts)).get_json()["id"]
    path = f"/api/v1/saved-searches/{search_id}/unsubscribe?token=" + "0" * 32
    assert accounts.client.post(path).status_code == 404
    missing = f"/api/v1/saved-searches/{uuid.uuid4()}/unsubscribe?token=" + "0" * 32
    assert accounts.client.post(missing).status_code == 404
    assert _frequency(accounts, search_id) == "instant"


def test_a_daily_digest_groups_the_days_roles_and_skips_closed_ones(accounts: Accounts) -> None:
    first, second, paused = World(accounts.app), World(accounts.app), World(accounts.app)
    accounts.clock.now = accounts.clock.now.replace(hour=10)  # Tue 1 Dec 2026, 10:00 UTC
    search_id = save(accounts, jane(accounts), frequency="daily").get_json()["id"]
    for world in (first, second, paused):
        match(accounts, world.role["id"], search_id)
    paused.change_role("OpportunityPaused", 3, status="paused")
    assert digests(accounts)["emails"] == 0  # the next daily slot is tomorrow 07:00 UK
    accounts.clock.advance(hours=20, minutes=59)  # Wed 06:59 UTC = 06:59 UK (GMT)
    assert digests(accounts)["emails"] == 0
    accounts.clock.advance(minutes=1)
    report = digests(accounts)
    assert (report["emails"], report["roles"], report["dropped"]) == (1, 2, 1)
    [mail] = alerts_to(accounts)
    assert mail["subject"].startswith("2 new roles for")
    assert first.role["id"] in mail["text"] and second.role["id"] in mail["text"]
    assert paused.role["id"] not in mail["text"]
    states = _states(accounts, search_id)
    assert states == {first.role["id"]: "sent", second.role["id"]: "sent",
                      paused.role["id"]: "dropped"}  # fmt: skip


def test_matches_for_deleted_or_unknown_searches_are_ignored(accounts: Accounts) -> None:
    world = World(accounts.app)
    headers = jane(accounts)
    search_id = save(accounts, headers).get_json()["id"]
    accounts.client.delete(f"/api/v1/saved-searches/{search_id}", headers=headers)
    match(accounts, world.role["id"], search_id, str(uuid.uuid4()))
    assert _states(accounts, search_id) == {}
    assert digests(accounts)["emails"] == 0


def _frequency(accounts: Accounts, search_id: str) -> str:
    with accounts.runtime.engine.connect() as conn:
        return str(
            conn.execute(
                sa.text("SELECT frequency FROM saved_searches WHERE id = :id"), {"id": search_id}
            ).scalar_one()
        )


def _states(accounts: Accounts, search_id: str) -> dict[str, str]:
    with accounts.runtime.engine.connect() as conn:
        rows = conn.execute(
            sa.select(alert_items.c.opportunity_id, alert_items.c.state).where(
                alert_items.c.saved_search_id == search_id
            )
        )
        return {role: state for role, state in rows}


def test_searches_not_yet_due_never_hold_up_instant_ones(accounts: Accounts) -> None:
    from services.volunteers.service_layer.alerts import send_digests

    world = World(accounts.app)
    headers = jane(accounts)
    daily = [save(accounts, headers, name=f"daily {n}", frequency="daily").get_json()["id"]
             for n in range(3)]  # fmt: skip
    instant = save(accounts, headers, name="instant").get_json()["id"]
    match(accounts, world.role["id"], *daily, instant)
    # One search per page: the daily ones (not due until 07:00) must not fill the pages.
    report = send_digests(accounts.runtime, page=1)
    assert report.searches == [instant]
    assert {s for s in daily if _states(accounts, s)[world.role["id"]] == "pending"} == set(daily)
    accounts.clock.advance(days=1)
    assert sorted(send_digests(accounts.runtime, page=1).searches) == sorted(daily)
