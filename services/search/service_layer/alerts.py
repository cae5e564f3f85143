"""Saved-search alerts, the search service's half: keep the percolator's saved searches in
step with the volunteers service, and match each newly searchable role against them.

- ``SavedSearches`` (consumer group ``search-alerts``, topic ``saved-searches``) adds,
  replaces and forgets saved searches in the percolator, in the consumer's transaction;
- ``percolate_pending`` (a periodic job) takes roles the indexer queued, matches each
  against every saved search and emits ``SavedSearchesMatched`` through the outbox in the
  same transaction that takes the role off the queue. A crash in between matches the role
  again; the volunteers service alerts once per (saved search, role) whatever repeats.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from services.common.consumer import ConsumerSpec
from services.common.envelope import Event, new_envelope, utcnow
from services.common.geo.postcodes import Geocoder
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput
from services.search.adapters.orm import opportunities, organisations, percolation_queue
from services.search.adapters.percolator.sql import SqlPercolator
from services.search.api.params import SearchParams
from services.search.domain.indexing import is_searchable, to_document
from services.search.domain.query import SearchQuery, default_sort
from services.search.service_layer.searching import build_query, resolve_place, uk_today

log = logging.getLogger(__name__)
ALERTS_GROUP = "search-alerts"
TOPIC = ("alert-matches", 1)
MAX_IDS_PER_EVENT = 500  # the schema's limit: a role in many searches takes several events


def saved_query(params: Mapping[str, str], geocoder: Geocoder, today: dt.date) -> SearchQuery:
    """A saved search's parameters as the query a search with them would run."""
    checked = SearchParams().load(dict(params))
    origin, _ = resolve_place(geocoder, checked)
    sort = checked.get("sort") or default_sort(checked.get("q"), origin)
    return build_query(checked, origin, today, sort=sort)


class SavedSearches:
    """The ``search-alerts`` consumer group's handlers."""

    def __init__(self, percolator: SqlPercolator, geocoder: Geocoder) -> None:
        self.percolator = percolator
        self.geocoder = geocoder

    def on_saved(self, session: Session, event: Event) -> None:
        data = event.data
        search_id = data["saved_search_id"]
        if not data["alerts"]:
            self.percolator.remove(search_id, session.connection())
            return
        try:
            query = saved_query(data["params"], self.geocoder, uk_today())
        except (InvalidInput, ValidationError) as exc:
            # Checked when saved; a postcode withdrawn since is the likely cause. Nothing
            # will ever match it, and a retry cannot help: forget it rather than dead-letter.
            log.warning("saved search %s cannot run: %s", search_id, exc)
            self.percolator.remove(search_id, session.connection())
            return
        self.percolator.add(search_id, query, session.connection())

    def on_deleted(self, session: Session, event: Event) -> None:
        self.percolator.remove(event.data["saved_search_id"], session.connection())

    def spec(self) -> ConsumerSpec:
        return ConsumerSpec(
            group=ALERTS_GROUP,
            handlers={
                "saved-searches": {
                    "SavedSearchSaved": self.on_saved,
                    "SavedSearchDeleted": self.on_deleted,
                }
            },
        )


@dataclass
class PercolationReport:
    roles: int = 0
    matches: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"roles": self.roles, "matches": self.matches}


def percolate_pending(
    runtime: ServiceRuntime, percolator: SqlPercolator, limit: int = 200
) -> PercolationReport:
    """Match up to ``limit`` queued roles, oldest first, each in its own transaction."""
    report = PercolationReport()
    with runtime.session_factory() as session:
        queued = session.execute(
            sa.select(percolation_queue.c.opportunity_id, percolation_queue.c.queued_at)
            .order_by(percolation_queue.c.queued_at)
            .limit(limit)
        ).all()
    for role_id, queued_at in queued:
        with runtime.session_factory() as session, session.begin():
            report.matches += _percolate(runtime, percolator, session, role_id)
            # Only the entry we matched: if the role changed again meanwhile, its newer
            # entry stays for the next run.
            session.execute(
                sa.delete(percolation_queue).where(
                    percolation_queue.c.opportunity_id == role_id,
                    percolation_queue.c.queued_at == queued_at,
                )
            )
        report.roles += 1
    return report


def _percolate(
    runtime: ServiceRuntime, percolator: SqlPercolator, session: Session, role_id: str
) -> int:
    row = session.execute(
        sa.select(opportunities.c.revision, opportunities.c.snapshot, organisations.c.name,
                  organisations.c.moderation)
        .join(organisations, organisations.c.id == opportunities.c.organisation_id)
        .where(opportunities.c.id == role_id)
    ).first()  # fmt: skip
    if row is None or not is_searchable(row.snapshot, row.moderation):
        return 0  # hidden again since it was queued: nobody can find it, nobody hears of it
    now = runtime.extensions.get("clock", utcnow)()
    doc = to_document(row.snapshot, row.name)
    found = sorted(percolator.match(doc, uk_today(now), session.connection()))
    for start in range(0, len(found), MAX_IDS_PER_EVENT):
        data: dict[str, Any] = {
            "opportunity_id": role_id,
            "revision": row.revision,
            "saved_search_ids": found[start : start + MAX_IDS_PER_EVENT],
            "matched_at": now,
        }
        envelope = new_envelope(
            event_type="SavedSearchesMatched",
            version=TOPIC[1],
            producer="search",
            key=role_id,
            data=data,
            occurred_at=now,
        )
        runtime.outbox.add(session, TOPIC[0], envelope)
    return len(found)
