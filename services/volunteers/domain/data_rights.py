"""Data rights (UK GDPR articles 15 and 17): what erasing an account keeps, and the event
that tells the other services. Plain Python.

Erasure deletes what is only about the person. Applications are the exception: organisations'
response-time statistics and a role's filled places count them, so they stay, cut loose from
the person (a fresh random volunteer id each, no message, answers or reason).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from services.volunteers.domain.applications import Application

ERASURE_ACCEPTED = (
    "Your account has been deleted and you have been signed out. Everything else held about "
    "you (organisation memberships, moderation records) is deleted or anonymised within a "
    "minute."
)


@dataclass(frozen=True)
class AccountErased:
    """The account is gone here; every other service forgets it too (ids and a time only)."""

    account_id: str
    erased_at: dt.datetime


def pseudonym() -> str:
    """A random stand-in for an account id: a uuid (the events' volunteer ids are uuids), drawn
    afresh each time and never stored next to the id it replaces, so it leads back to no one."""
    return str(uuid.uuid4())


def anonymise(application: Application, now: dt.datetime) -> None:
    """Keep the application's role, organisation, status and times; forget its author.

    A live application is withdrawn first: nobody is left to answer, and an accepted one
    frees its place. The withdrawal event already carries the pseudonym.
    """
    application.volunteer_id = pseudonym()
    application.message = ""
    application.answers = {}
    application.share_adjustments = False
    if application.live:
        application.withdraw(now)
    application.reason = None


def names_in_mail(name: str) -> list[str]:
    """How mail to other people may name the person: in full, or by first name (the
    response-time guarantee's reminders to an organisation do)."""
    words = name.split()
    return [" ".join(words), *(w for w in words[:1] if len(w) > 1)] if words else []
