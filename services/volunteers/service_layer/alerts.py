"""Alerts: the percolator's matches become alert items, and digests become emails.

Two steps, so a burst of matches is one email, not many:
- ``on_matched`` (consumer group ``volunteers-alerts``, topic ``alert-matches``) records one
  item per (saved search, role). The pair is the primary key, so a role reported again after
  an update, or an event delivered twice, never alerts twice;
- ``send_digests`` (a periodic job) turns each saved search's pending items into one email
  when its digest is due (instant: at once; daily, weekly: see ``domain.alerts``), through
  the mail outbox in the same transaction that marks the items sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.consumer import ConsumerSpec
from services.common.db import insert_for
from services.common.envelope import Event
from services.common.mail import Message, enqueue
from services.common.runtime import ServiceRuntime
from services.volunteers.adapters.accounts_repository import utc
from services.volunteers.adapters.copies import organisation_copies, role_copies
from services.volunteers.adapters.orm import accounts, outbox_mail
from services.volunteers.adapters.saved_search_tables import alert_items, saved_searches
from services.volunteers.domain.alerts import (
    AlertRole,
    Frequency,
    compose_digest,
    digest_due,
    latest_slot,
)
from services.volunteers.service_layer.saved_searches import search_url, unsubscribe_url
from services.volunteers.service_layer.unit_of_work import clock

log = logging.getLogger(__name__)
ALERTS_GROUP = "volunteers-alerts"
# A match can overtake the role's own event on its way to our copy (different topics): wait
# this long for the copy before giving up on the item.
COPY_GRACE = dt.timedelta(hours=1)


def alerts_spec() -> ConsumerSpec:
    return ConsumerSpec(
        group=ALERTS_GROUP, handlers={"alert-matches": {"SavedSearchesMatched": on_matched}}
    )


def on_matched(session: Session, event: Event) -> None:
    data = event.data
    ids = list(data["saved_search_ids"])
    # Only searches that still exist and still want alerts: a deleted or unsubscribed one
    # may be matched by a percolator that has not heard yet.
    wanted = session.execute(
        sa.select(saved_searches.c.id).where(
            saved_searches.c.id.in_(ids), saved_searches.c.frequency != Frequency.OFF.value
        )
    ).scalars()
    matched_at = dt.datetime.fromisoformat(data["matched_at"].replace("Z", "+00:00"))
    rows = [
        {"saved_search_id": sid, "opportunity_id": data["opportunity_id"],
         "matched_at": matched_at, "state": "pending"}
        for sid in wanted
    ]  # fmt: skip
    if rows:
        session.execute(_insert_new(session), rows)


def _insert_new(session: Session) -> Any:
    """INSERT that skips rows whose (saved search, role) is already there."""
    return insert_for(session, alert_items).on_conflict_do_nothing(
        index_elements=["saved_search_id", "opportunity_id"]
    )


# --- digests --------------------------------------------------------------------------------


@dataclass
class DigestReport:
    emails: int = 0
    roles: int = 0
    dropped: int = 0
    waiting: int = 0
    searches: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"emails": self.emails, "roles": self.roles, "dropped": self.dropped,
                "waiting": self.waiting}  # fmt: skip


def send_digests(runtime: ServiceRuntime, page: int = 500) -> DigestReport:
    """Queue one email for every saved search whose digest is due and has new roles.

    Only due searches are read (most daily and weekly ones hold pending items that are not
    due yet), a page at a time in id order, so none can starve the others."""
    now = clock(runtime)
    report = DigestReport()
    after = ""
    while True:
        with runtime.session_factory() as session:
            due = list(session.execute(_due_searches(now, after, page)).scalars())
        for search_id in due:
            with runtime.session_factory() as session, session.begin():
                _digest(runtime, session, search_id, now, report)
        if len(due) < page:
            return report
        after = due[-1]


def _due_searches(now: dt.datetime, after: str, page: int) -> sa.Select[tuple[str]]:
    # Bound in UTC: SQLite keeps the UTC wall-clock time and compares text.
    last = sa.func.coalesce(saved_searches.c.last_sent_at, saved_searches.c.created_at)
    frequency = saved_searches.c.frequency
    return (
        sa.select(alert_items.c.saved_search_id)
        .join(saved_searches, saved_searches.c.id == alert_items.c.saved_search_id)
        .where(
            alert_items.c.state == "pending",
            alert_items.c.saved_search_id > after,
            sa.or_(
                frequency.in_([Frequency.INSTANT.value, Frequency.OFF.value]),
                sa.and_(frequency == Frequency.DAILY.value,
                        last < latest_slot(Frequency.DAILY, now).astimezone(dt.UTC)),
                sa.and_(frequency == Frequency.WEEKLY.value,
                        last < latest_slot(Frequency.WEEKLY, now).astimezone(dt.UTC)),
            ),
        )
        .group_by(alert_items.c.saved_search_id)
        .order_by(alert_items.c.saved_search_id)
        .limit(page)
    )  # fmt: skip


def _digest(
    runtime: ServiceRuntime,
    session: Session,
    search_id: str,
    now: dt.datetime,
    report: DigestReport,
) -> None:
    search = session.execute(
        sa.select(saved_searches)
        .where(saved_searches.c.id == search_id)
        .with_for_update(skip_locked=True)  # two schedulers: one takes it, one skips it
    ).mappings().first()  # fmt: skip
    if search is None:
        return  # deleted meanwhile (its items went with it)
    frequency = Frequency(search["frequency"])
    if frequency is Frequency.OFF:
        _settle(session, search_id, None, "dropped", now)
        return
    last = search["last_sent_at"] or search["created_at"]  # never sent: count from saving
    if not digest_due(frequency, utc(last), now):
        return
    account = session.execute(
        sa.select(accounts.c.email, accounts.c.email_verified).where(
            accounts.c.id == search["account_id"]
        )
    ).first()
    if account is None or not account.email_verified:
        return  # alerts go to confirmed addresses only; they wait until then
    roles, dropped, waiting = _roles(runtime, session, search_id, now)
    report.dropped += len(dropped)
    report.waiting += waiting
    _settle(session, search_id, dropped, "dropped", now)
    if not roles:
        return
    _send(runtime, session, dict(search), account.email, roles, now)
    _settle(session, search_id, [r.id for r in roles], "sent", now)
    session.execute(
        sa.update(saved_searches).where(saved_searches.c.id == search_id).values(last_sent_at=now)
    )
    report.emails += 1
    report.roles += len(roles)
    report.searches.append(search_id)


def _roles(
    runtime: ServiceRuntime, session: Session, search_id: str, now: dt.datetime
) -> tuple[list[AlertRole], list[str], int]:
    """The pending items' roles still open to applicants, the ones to drop, and how many
    wait for our copy of their role."""
    rows = session.execute(
        sa.select(
            alert_items.c.opportunity_id,
            alert_items.c.matched_at,
            role_copies.c.status,
            role_copies.c.snapshot,
            organisation_copies.c.name,
        )
        .select_from(alert_items)
        .outerjoin(role_copies, role_copies.c.id == alert_items.c.opportunity_id)
        .outerjoin(organisation_copies, organisation_copies.c.id == role_copies.c.organisation_id)
        .where(alert_items.c.saved_search_id == search_id, alert_items.c.state == "pending")
        .order_by(alert_items.c.matched_at, alert_items.c.opportunity_id)
    ).all()
    roles, dropped, waiting = [], [], 0
    base = runtime.config.public_url.rstrip("/")
    for role_id, matched_at, status, snapshot, org_name in rows:
        if snapshot is None:
            if now - utc(matched_at) < COPY_GRACE:
                waiting += 1
            else:
                dropped.append(role_id)
        elif status != "published":
            dropped.append(role_id)  # paused or closed since: nobody can apply
        else:
            roles.append(_alert_role(snapshot, org_name or "", base))
    return roles, dropped, waiting


def _alert_role(snapshot: Mapping[str, Any], organisation: str, base: str) -> AlertRole:
    locations = snapshot.get("locations") or []
    if locations:
        place = locations[0]["postcode"] + (" or remote" if snapshot.get("remote") else "")
    else:
        place = "Remote"
    return AlertRole(
        id=snapshot["id"],
        title=snapshot["title"],
        organisation=organisation,
        place=place,
        url=f"{base}/opportunities/{snapshot['id']}",
    )


def _send(
    runtime: ServiceRuntime,
    session: Session,
    search: dict[str, Any],
    to: str,
    roles: list[AlertRole],
    now: dt.datetime,
) -> None:
    base = runtime.config.public_url.rstrip("/")
    stop = unsubscribe_url(runtime, search["id"])
    digest = compose_digest(
        search["name"],
        roles,
        frequency=Frequency(search["frequency"]),
        search_url=search_url(runtime, search["params"]),
        manage_url=f"{base}/api/v1/saved-searches/{search['id']}",
        unsubscribe_url=stop,
    )
    headers = {
        # RFC 2369 and RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs
        # "List-Unsubscribe=One-Click" to this address, no sign-in or page needed.
        "List-Unsubscribe": f"<{stop}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = Message(to, digest.subject, digest.text, digest.html, headers)
    enqueue(session, outbox_mail, message, now, runtime.config.mail_from)


def _settle(
    session: Session, search_id: str, role_ids: list[str] | None, state: str, now: dt.datetime
) -> None:
    if role_ids is not None and not role_ids:
        return
    query = sa.update(alert_items).where(
        alert_items.c.saved_search_id == search_id, alert_items.c.state == "pending"
    )
    if role_ids is not None:
        query = query.where(alert_items.c.opportunity_id.in_(role_ids))
    session.execute(query.values(state=state, sent_at=now))
