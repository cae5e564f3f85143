"""The search-indexer consumer: only published roles of approved organisations are found,
and every later change (pause, close, expiry, deletion, rename, rejection) reaches search."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from services.common.config import Config
from services.common.consumer import ConsumerRunner
from services.common.envelope import new_envelope
from services.common.eventlog.port import OutMessage
from services.search.definition import SERVICE
from services.search.domain.query import SearchQuery
from tests.unit.conftest import POSTCODES

TODAY = dt.date(2026, 11, 23)
EXAMPLE = Path(__file__).parents[3] / "schemas/examples/opportunities/1/opportunity-published.json"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    config = Config(
        service="search",
        data_dir=tmp_path,
        postcodes_db=POSTCODES,
        database_url=f"sqlite:///{tmp_path / 'search.sqlite'}",
        event_log_path=tmp_path / "eventlog.sqlite",
    )
    app = SERVICE.create_app(config)
    yield app
    app.extensions["runtime"].close()


class Feed:
    """Publishes envelopes to the event log and runs the indexer until they are handled."""

    def __init__(self, app: Flask) -> None:
        self.runtime = app.extensions["runtime"]
        self.runner: ConsumerRunner = self.runtime.consumer(SERVICE.consumer_specs(self.runtime)[0])
        self.revisions: dict[str, int] = {}

    def send(self, topic: str, envelope: dict[str, Any]) -> None:
        message = OutMessage(topic, envelope["key"], json.dumps(envelope).encode())
        self.runtime.event_log.publish([message])
        assert self.runner.run_once(2.0) == 1

    def organisation(self, org_id: str, moderation: str = "approved", name: str = "Org") -> None:
        data = {
            "organisation_id": org_id,
            "name": name,
            "type": "charity",
            "postcode": "SE1 7AE",
            "registered_at": "2026-11-01T09:00:00Z",
            "moderation": moderation,
        }
        self.send("organisations", _envelope("OrganisationRegistered", 2, org_id, data))

    def decision(self, org_id: str, kind: str) -> None:
        data: dict[str, Any] = {"organisation_id": org_id, "decided_at": "2026-11-02T09:00:00Z"}
        if kind == "OrganisationRejected":
            data["reason"] = "Not a volunteering organisation."
        self.send("organisations", _envelope(kind, 2, org_id, data))

    def role(self, event_type: str, opp: dict[str, Any], revision: int | None = None) -> None:
        if revision is None:
            revision = self.revisions.get(opp["id"], 0) + 1
        self.revisions[opp["id"]] = max(revision, self.revisions.get(opp["id"], 0))
        data = {"opportunity_id": opp["id"], "revision": revision, "opportunity": opp}
        self.send("opportunities", _envelope(event_type, 1, opp["id"], data))


def _envelope(event_type: str, version: int, key: str, data: dict[str, Any]) -> dict[str, Any]:
    return new_envelope(event_type=event_type, version=version, producer="test", key=key, data=data)


def opportunity(org_id: str, **changes: Any) -> dict[str, Any]:
    base = json.loads(EXAMPLE.read_text())["data"]["opportunity"]
    opp = copy.deepcopy(base)
    opp.update(id=str(uuid.uuid4()), organisation_id=org_id, **changes)
    return opp


def found(app: Flask, **query: Any) -> set[str]:
    page = app.extensions["runtime"].extensions["index"].search(SearchQuery(today=TODAY, **query))
    return {hit.document.id for hit in page.hits}


def test_published_roles_of_approved_organisations_are_found(app: Flask) -> None:
    feed = Feed(app)
    org = str(uuid.uuid4())
    feed.organisation(org)
    draft = opportunity(org, status="draft", published_at=None)
    feed.role("OpportunityCreated", draft)
    assert found(app) == set()
    feed.role("OpportunityPublished", {**draft, "status": "published"})
    assert found(app) == {draft["id"]}


@pytest.mark.parametrize(
    ("event_type", "status"),
    [
        ("OpportunityPaused", "paused"),
        ("OpportunityClosed", "closed"),
        ("OpportunityExpired", "expired"),
        ("OpportunityDeleted", "deleted"),
    ],
)
def test_a_role_leaves_search_when_it_stops_recruiting(
    app: Flask, event_type: str, status: str
) -> None:
    feed = Feed(app)
    org = str(uuid.uuid4())
    feed.organisation(org)
    opp = opportunity(org)
    feed.role("OpportunityPublished", opp)
    assert found(app) == {opp["id"]}
    feed.role(event_type, {**opp, "status": status})
    assert found(app) == set()


def test_a_stale_revision_arriving_late_changes_nothing(app: Flask) -> None:
    feed = Feed(app)
    org = str(uuid.uuid4())
    feed.organisation(org)
    opp = opportunity(org)
    feed.role("OpportunityPublished", opp, revision=2)
    feed.role("OpportunityPaused", {**opp, "status": "paused"}, revision=3)
    feed.role("OpportunityPublished", opp, revision=2)  # a replayed older event
    assert found(app) == set()


def test_moderation_decides_whether_roles_are_shown(app: Flask) -> None:
    feed = Feed(app)
    org = str(uuid.uuid4())
    feed.organisation(org, moderation="pending")
    opp = opportunity(org)
    feed.role("OpportunityPublished", opp)
    assert found(app) == set()
    feed.decision(org, "OrganisationApproved")
    assert found(app) == {opp["id"]}
    feed.decision(org, "OrganisationRejected")
    assert found(app) == set()


def test_a_role_whose_organisation_is_not_known_yet_waits_for_it(app: Flask) -> None:
    feed = Feed(app)
    org = str(uuid.uuid4())
    opp = opportunity(org)
    feed.role("OpportunityPublished", opp)  # the organisations topic is behind
    assert found(app) == set()
    feed.organisation(org, name="Late Arrivals Trust")
    page = app.extensions["runtime"].extensions["index"].search(SearchQuery(today=TODAY))
    assert [h.document.organisation_name for h in page.hits] == ["Late Arrivals Trust"]


def test_a_rename_reaches_the_roles_already_indexed(app: Flask) -> None:
    feed = Feed(app)
    org = str(uuid.uuid4())
    feed.organisation(org, name="Old Name")
    feed.role("OpportunityPublished", opportunity(org))
    renamed = {"organisation_id": org, "name": "New Name"}
    feed.send("organisations", _envelope("OrganisationRenamed", 1, org, renamed))
    page = app.extensions["runtime"].extensions["index"].search(SearchQuery(today=TODAY))
    assert [h.document.organisation_name for h in page.hits] == ["New Name"]


def test_dated_sessions_count_as_their_weekday_and_part_of_day(app: Flask) -> None:
    feed = Feed(app)
    org = str(uuid.uuid4())
    feed.organisation(org)
    # 2027-02-06 is a Saturday; 10:00-13:00 spans the morning and the afternoon.
    opp = opportunity(
        org,
        sessions=[],
        dated_sessions=[{"date": "2027-02-06", "starts": "10:00", "ends": "13:00"}],
    )
    feed.role("OpportunityPublished", opp)
    assert found(app, available=frozenset({"SaturdayAfternoon"})) == {opp["id"]}
    assert found(app, available=frozenset({"SaturdayMorning"})) == {opp["id"]}
    assert found(app, available=frozenset({"SaturdayEvening", "SundayMorning"})) == set()
