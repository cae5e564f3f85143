"""The search service's half of alerts: saved searches reach the percolator from their
events, and each newly searchable role is matched and reported once per change, never
slowing the indexer (it only queues the role)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import sqlalchemy as sa
from flask import Flask

from services.common.consumer import ConsumerRunner
from services.common.envelope import new_envelope
from services.common.eventlog.port import OutMessage
from services.search.adapters.orm import percolation_queue
from services.search.definition import PERCOLATE_JOB, SERVICE
from services.search.service_layer.alerts import ALERTS_GROUP
from tests.unit.search.test_indexer import Feed, app, opportunity  # noqa: F401

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
# Near the example role (SE1 7PB, causes OlderPeople and MentalHealth, "Befriending ...").
NEAR = {"postcode": "SE1 7AE", "radius_km": "3"}


class Alerts:
    def __init__(self, flask_app: Flask) -> None:
        self.runtime = flask_app.extensions["runtime"]
        self.runtime.extensions["clock"] = lambda: NOW
        [spec] = [s for s in SERVICE.consumer_specs(self.runtime) if s.group == ALERTS_GROUP]
        self.runner: ConsumerRunner = self.runtime.consumer(spec)
        [self.job] = [j for j in SERVICE.periodic_jobs(self.runtime) if j.name == PERCOLATE_JOB]

    def saved(self, params: dict[str, str], alerts: bool = True, search_id: str = "") -> str:
        search_id = search_id or str(uuid.uuid4())
        data = {"saved_search_id": search_id, "params": params, "alerts": alerts,
                "saved_at": NOW}  # fmt: skip
        self._send("SavedSearchSaved", search_id, data)
        return search_id

    def deleted(self, search_id: str) -> None:
        self._send("SavedSearchDeleted", search_id, {"saved_search_id": search_id,
                                                      "deleted_at": NOW})  # fmt: skip

    def _send(self, event_type: str, key: str, data: dict[str, Any]) -> None:
        envelope = new_envelope(event_type=event_type, version=1, producer="t", key=key, data=data)
        message = OutMessage("saved-searches", key, json.dumps(envelope).encode())
        self.runtime.event_log.publish([message])
        assert self.runner.run_once(2.0) == 1

    def percolate(self) -> dict[str, int]:
        report: dict[str, int] = self.job.run()
        return report

    def reported(self) -> list[dict[str, Any]]:
        """SavedSearchesMatched events in the outbox, oldest first (each schema-valid)."""
        with self.runtime.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT payload FROM outbox WHERE topic = 'alert-matches' ORDER BY id")
            ).all()
        found = []
        for (payload,) in rows:
            envelope = json.loads(payload)
            self.runtime.registry.validate("alert-matches", envelope)
            found.append(envelope["data"])
        return found

    def queued(self) -> int:
        with self.runtime.engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(percolation_queue))
            return int(count.scalar_one())


def test_a_published_role_is_reported_to_the_searches_it_is_in(app: Flask) -> None:  # noqa: F811
    feed, alerts = Feed(app), Alerts(app)
    near = alerts.saved(NEAR)
    by_cause = alerts.saved({"causes": "OlderPeople"})
    by_text = alerts.saved({"q": "befriend"})  # stemmed, as a search is
    alerts.saved({"causes": "Environment"})
    alerts.saved({"postcode": "M1 1AE", "radius_km": "10"})  # Manchester: too far
    alerts.saved({"q": "befriending", "remote": "only"})
    off = alerts.saved(NEAR, alerts=False)
    org = str(uuid.uuid4())
    feed.organisation(org)
    role = opportunity(org, closes_on="2027-01-31")
    feed.role("OpportunityPublished", role)
    assert alerts.queued() == 1
    assert alerts.percolate() == {"roles": 1, "matches": 3}
    [event] = alerts.reported()
    assert event["opportunity_id"] == role["id"]
    assert set(event["saved_search_ids"]) == {near, by_cause, by_text}
    assert off not in event["saved_search_ids"]
    assert alerts.queued() == 0
    assert alerts.percolate() == {"roles": 0, "matches": 0}  # nothing new: nothing reported


def test_drafts_unapproved_organisations_and_forgotten_searches_report_nothing(
    app: Flask,  # noqa: F811
) -> None:
    feed, alerts = Feed(app), Alerts(app)
    search = alerts.saved({"causes": "OlderPeople"})
    pending_org = str(uuid.uuid4())
    feed.organisation(pending_org, moderation="pending")
    feed.role("OpportunityPublished", opportunity(pending_org, closes_on="2027-01-31"))
    org = str(uuid.uuid4())
    feed.organisation(org)
    feed.role("OpportunityCreated", opportunity(org, status="draft", published_at=None))
    assert alerts.queued() == 0
    alerts.deleted(search)
    feed.role("OpportunityPublished", opportunity(org, closes_on="2027-01-31"))
    assert alerts.percolate()["matches"] == 0
    assert alerts.reported() == []


def test_approval_makes_an_organisations_roles_newly_matching(app: Flask) -> None:  # noqa: F811
    feed, alerts = Feed(app), Alerts(app)
    search = alerts.saved({"causes": "OlderPeople"})
    org = str(uuid.uuid4())
    feed.organisation(org, moderation="pending")
    role = opportunity(org, closes_on="2027-01-31")
    feed.role("OpportunityPublished", role)
    assert alerts.percolate()["roles"] == 0
    feed.decision(org, "OrganisationApproved")
    assert alerts.percolate() == {"roles": 1, "matches": 1}
    assert alerts.reported()[0]["saved_search_ids"] == [search]


def test_a_role_hidden_before_its_turn_is_not_reported(app: Flask) -> None:  # noqa: F811
    feed, alerts = Feed(app), Alerts(app)
    alerts.saved({"causes": "OlderPeople"})
    org = str(uuid.uuid4())
    feed.organisation(org)
    role = opportunity(org, closes_on="2027-01-31")
    feed.role("OpportunityPublished", role)
    feed.role("OpportunityPaused", {**role, "status": "paused"})
    assert alerts.percolate() == {"roles": 1, "matches": 0}


def test_a_changed_saved_search_replaces_the_old_one(app: Flask) -> None:  # noqa: F811
    feed, alerts = Feed(app), Alerts(app)
    search = alerts.saved({"causes": "Environment"})
    alerts.saved({"causes": "OlderPeople"}, search_id=search)
    org = str(uuid.uuid4())
    feed.organisation(org)
    feed.role("OpportunityPublished", opportunity(org, closes_on="2027-01-31"))
    alerts.percolate()
    assert [e["saved_search_ids"] for e in alerts.reported()] == [[search]]


def test_a_role_in_many_searches_is_reported_in_events_of_500(app: Flask) -> None:  # noqa: F811
    feed, alerts = Feed(app), Alerts(app)
    percolator = alerts.runtime.extensions["percolator"]
    from services.search.service_layer.alerts import saved_query

    geocoder = alerts.runtime.extensions["geocoder"]
    ids = [str(uuid.uuid4()) for _ in range(1201)]
    query = saved_query({"causes": "OlderPeople"}, geocoder, NOW.date())
    percolator.add_many([(sid, query) for sid in ids])
    org = str(uuid.uuid4())
    feed.organisation(org)
    feed.role("OpportunityPublished", opportunity(org, closes_on="2027-01-31"))
    assert alerts.percolate()["matches"] == 1201
    sizes = [len(e["saved_search_ids"]) for e in alerts.reported()]
    assert sizes == [500, 500, 201]
    assert sorted(sid for e in alerts.reported() for sid in e["saved_search_ids"]) == sorted(ids)
