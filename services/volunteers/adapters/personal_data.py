"""Every row of the volunteers database that is about one person, read (for an export) and
deleted (for an erasure) in one place, so the two cannot drift apart.

Rows are found by account id, or, for sign-in attempts and mail, by the addresses the person
used: their current one and any their one-time links went to (an address they changed from,
or to).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.volunteers.adapters.accounts_repository import utc
from services.volunteers.adapters.application_tables import applications
from services.volunteers.adapters.orm import (
    account_sessions,
    account_tokens,
    accounts,
    auth_attempts,
    outbox_mail,
)
from services.volunteers.adapters.profile_tables import ProfileRepository, profiles
from services.volunteers.adapters.saved_search_tables import alert_items, saved_searches
from services.volunteers.domain.profile import Profile


class PersonalData:
    """The person's rows outside the account, applications and profile repositories."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def addresses(self, account_id: str, email: str) -> set[str]:
        """Every address the person used here, case-folded (mail and attempts are kept by it)."""
        t = account_tokens
        used = self.session.execute(
            sa.select(t.c.email).where(t.c.account_id == account_id).distinct()
        ).scalars()
        return {address.casefold() for address in [email, *used]}

    def application_ids(self, account_id: str) -> list[str]:
        a = applications
        query = sa.select(a.c.id).where(a.c.volunteer_id == account_id)
        return list(self.session.execute(query.order_by(a.c.submitted_at)).scalars())

    def profile(self, account_id: str) -> Profile | None:
        found = self.session.execute(
            sa.select(profiles.c.account_id).where(profiles.c.account_id == account_id)
        ).first()
        return None if found is None else ProfileRepository(self.session).get(account_id)

    def sessions(self, account_id: str) -> list[dict[str, Any]]:
        s = account_sessions
        query = sa.select(s.c.created_at, s.c.expires_at, s.c.last_seen_at)
        return self._rows(query.where(s.c.account_id == account_id).order_by(s.c.created_at))

    def links(self, account_id: str) -> list[dict[str, Any]]:
        """One-time links sent (never their secrets, which are not kept anyway)."""
        t = account_tokens
        query = sa.select(t.c.purpose, t.c.email, t.c.created_at, t.c.expires_at, t.c.used_at)
        return self._rows(query.where(t.c.account_id == account_id).order_by(t.c.created_at))

    def attempts(self, addresses: Collection[str]) -> list[dict[str, Any]]:
        a = auth_attempts
        query = sa.select(a.c.kind, a.c.ip, a.c.outcome, a.c.at).where(a.c.email_key.in_(addresses))
        return self._rows(query.order_by(a.c.id))

    def mail(self, addresses: Collection[str]) -> list[dict[str, Any]]:
        """Emails sent or waiting, without their bodies (a pending one holds a live link)."""
        m = outbox_mail
        query = sa.select(m.c.to_address, m.c.subject, m.c.created_at, m.c.sent_at, m.c.failed_at)
        return self._rows(query.where(_to(addresses)).order_by(m.c.id))

    def saved_searches(self, account_id: str) -> list[dict[str, Any]]:
        s, a = saved_searches, alert_items
        searches = self._rows(
            sa.select(s).where(s.c.account_id == account_id).order_by(s.c.created_at)
        )
        for search in searches:
            search["alerts"] = self._rows(
                sa.select(a.c.opportunity_id, a.c.matched_at, a.c.state, a.c.sent_at)
                .where(a.c.saved_search_id == search["id"])
                .order_by(a.c.matched_at)
            )
        return searches

    def delete(self, account_id: str, addresses: Collection[str], mentions: Mentions) -> None:
        """Everything above but saved searches, and the account itself (the caller deals with
        saved searches and anonymises applications), and mail to others that mentions them."""
        for table, where in (
            (account_sessions, account_sessions.c.account_id == account_id),
            (account_tokens, account_tokens.c.account_id == account_id),
            (auth_attempts, auth_attempts.c.email_key.in_(addresses)),
            (outbox_mail, sa.or_(_to(addresses), _mentioning(mentions))),
            (profiles, profiles.c.account_id == account_id),
            (accounts, accounts.c.id == account_id),
        ):
            self.session.execute(sa.delete(table).where(where))

    def delete_saved_searches(self, account_id: str) -> None:
        """The person's saved searches and the alerts queued for them."""
        owned = sa.select(saved_searches.c.id).where(saved_searches.c.account_id == account_id)
        self.session.execute(sa.delete(alert_items).where(alert_items.c.saved_search_id.in_(owned)))
        self.session.execute(
            sa.delete(saved_searches).where(saved_searches.c.account_id == account_id)
        )

    def _rows(self, query: sa.Select[Any]) -> list[dict[str, Any]]:
        rows = [dict(row) for row in self.session.execute(query).mappings()]
        for row in rows:
            for name, value in row.items():
                if isinstance(value, dt.datetime):
                    row[name] = utc(value)
        return rows


@dataclass(frozen=True)
class Mentions:
    """How mail to other people may mention the person (the guarantee's reminders tell an
    organisation the volunteer's first name, with a link to the application)."""

    # Found in any mail, waiting or not: a reminder about an application being anonymised.
    ids: Collection[str]
    # Found only in mail already sent or given up on, which is kept as a record only (a week):
    # a name may also be someone else's, whose waiting mail must still go.
    names: Collection[str]


def _to(addresses: Collection[str]) -> sa.ColumnElement[bool]:
    return sa.func.lower(outbox_mail.c.to_address).in_(sorted(addresses))


def _mentioning(mentions: Mentions) -> sa.ColumnElement[bool]:
    m = outbox_mail
    done = sa.or_(m.c.sent_at.is_not(None), m.c.failed_at.is_not(None))
    by_id = [_contains(text) for text in mentions.ids]
    by_name = [sa.and_(done, _contains(text)) for text in mentions.names]
    return sa.or_(sa.false(), *by_id, *by_name)


def _contains(text: str) -> sa.ColumnElement[bool]:
    """Case-insensitively (SQLite's lower() folds ASCII only: the text as given too)."""
    found = []
    for column in (outbox_mail.c.subject, outbox_mail.c.text, outbox_mail.c.html):
        found.append(column.contains(text, autoescape=True))
        found.append(sa.func.lower(column).contains(text.lower(), autoescape=True))
    return sa.or_(*found)
