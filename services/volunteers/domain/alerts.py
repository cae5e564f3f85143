"""Saved searches and their alerts: how often they go, when a digest is due, what it says.

Plain Python. A saved search is any search (the search API's parameters); the search
service's percolator reports which new roles appear in it, and the volunteer hears about
them in one email per digest: straight away (``instant``), once a day or once a week, at a
fixed time of the morning in the UK so digests arrive predictably and never twice a day.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
DIGEST_HOUR = 7  # UK time: before most people's working day
MAX_SAVED_SEARCHES = 20  # per person: alerts are for a handful of real interests
MAX_ROLES_PER_EMAIL = 25  # a longer list is read by nobody; the rest are one link away
# Parameters that page or order one page of results: not part of what a search *is*.
PAGING_PARAMS = ("page", "per_page", "cursor")


class Frequency(enum.StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"  # unsubscribed: the search stays saved, with no alerts

    @property
    def alerts(self) -> bool:
        return self is not Frequency.OFF


def next_digest_at(frequency: Frequency, last_sent_at: dt.datetime) -> dt.datetime | None:
    """The first moment after ``last_sent_at`` a digest may go (None: never, for ``off``).

    Daily digests go from 07:00 UK time, weekly ones from Monday 07:00; instant ones at
    once. Times are aware; the answer is in UK time.
    """
    if frequency is Frequency.INSTANT:
        return last_sent_at
    if frequency is Frequency.OFF:
        return None
    local = last_sent_at.astimezone(UK)
    # Built from the wall-clock date, so 07:00 stays 07:00 across the clock changes.
    slot = dt.datetime.combine(local.date(), dt.time(DIGEST_HOUR), tzinfo=UK)
    if slot <= local:
        slot = _add_days(slot, 1)
    if frequency is Frequency.WEEKLY:
        slot = _add_days(slot, (7 - slot.weekday()) % 7)  # Monday is 0
    return slot


def latest_slot(frequency: Frequency, now: dt.datetime) -> dt.datetime:
    """The last daily or weekly digest slot at or before ``now``: a digest is due exactly
    when the last one went before it, which lets SQL pick the due searches."""
    local = now.astimezone(UK)
    slot = dt.datetime.combine(local.date(), dt.time(DIGEST_HOUR), tzinfo=UK)
    if slot > local:
        slot = _add_days(slot, -1)
    if frequency is Frequency.WEEKLY:
        slot = _add_days(slot, -slot.weekday())  # back to Monday
    return slot


def digest_due(frequency: Frequency, last_sent_at: dt.datetime, now: dt.datetime) -> bool:
    due = next_digest_at(frequency, last_sent_at)
    return due is not None and now >= due


def _add_days(moment: dt.datetime, days: int) -> dt.datetime:
    day = moment.date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, moment.timetz())


# --- what a digest says ---------------------------------------------------------------------


@dataclass(frozen=True)
class AlertRole:
    """One role in a digest, as the volunteers service's copy of it describes it."""

    id: str
    title: str
    organisation: str
    place: str  # "SE1 7PB" or "Remote"
    url: str


@dataclass(frozen=True)
class Digest:
    subject: str
    text: str
    html: str


def compose_digest(
    search_name: str,
    roles: Sequence[AlertRole],
    *,
    frequency: Frequency,
    search_url: str,
    manage_url: str,
    unsubscribe_url: str,
) -> Digest:
    """The email for one saved search's new roles (at least one)."""
    shown = list(roles[:MAX_ROLES_PER_EMAIL])
    more = len(roles) - len(shown)
    count = "1 new role" if len(roles) == 1 else f"{len(roles)} new roles"
    subject = f"{count} for your saved search \u201c{search_name}\u201d"
    lines = [
        f"{_intro(frequency)} {count} that match your saved search \u201c{search_name}\u201d.",
        "",
    ]
    for role in shown:
        lines += [role.title, f"{role.organisation} \u2013 {role.place}", role.url, ""]
    if more:
        lines += [f"And {more} more: {search_url}", ""]
    lines += [
        f"See all results: {search_url}",
        f"Change how often you hear about this search: {manage_url}",
        f"Stop these emails: {unsubscribe_url}",
    ]
    return Digest(subject, "\n".join(lines) + "\n", _html(search_name, shown, more, lines[0], {
        "search": search_url, "manage": manage_url, "unsubscribe": unsubscribe_url,
    }))  # fmt: skip


def _intro(frequency: Frequency) -> str:
    return {
        Frequency.DAILY: "Since yesterday there are",
        Frequency.WEEKLY: "This week there are",
    }.get(frequency, "There are")


def _html(
    name: str, roles: Sequence[AlertRole], more: int, intro: str, links: Mapping[str, str]
) -> str:
    items = "".join(
        f'<li><a href="{escape(r.url)}">{escape(r.title)}</a><br>'
        f"{escape(r.organisation)} \u2013 {escape(r.place)}</li>"
        for r in roles
    )
    extra = f"<p>And {more} more.</p>" if more else ""
    return (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(name)}</title></head><body>"
        f"<p>{escape(intro)}</p><ul>{items}</ul>{extra}"
        f'<p><a href="{escape(links["search"])}">See all results</a></p>'
        f'<p><a href="{escape(links["manage"])}">Change how often you hear about this search</a>'
        f' \u00b7 <a href="{escape(links["unsubscribe"])}">Stop these emails</a></p>'
        "</body></html>"
    )
