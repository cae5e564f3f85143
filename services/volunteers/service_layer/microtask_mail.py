"""Micro-volunteering notices: offers, filled and cancelled tasks, credentials about to expire
and time-credit exchanges to confirm, told to the people concerned (consumer group
``volunteers-microtask-mail`` on the ``micro-volunteering`` and ``time-credits`` topics).

The availability service decides who is offered what; it holds no addresses. This service
holds them, so it turns those events into notices and hands them to the channels each person
allows (email today), queued in the consumer's transaction with the record of the event id:
both commit or neither does, so an event tells each person once. The handler is idempotent on
its own too: the email channel skips a notice whose Message-ID (made from the event id) is
already in the mail outbox.

What a notice says is only what the event says (a task's type, time, postcode district), never
the task's title or description: those can describe the person being helped.
Nobody is told anything when their account has gone (erased), has no verified address, or
when the news is stale: a new consumer group reads the topic from its start, and old offers
and lapses must not turn into a flood of email.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.consumer import ConsumerSpec, Handler
from services.common.envelope import Event
from services.common.runtime import ServiceRuntime
from services.common.vocab.micro import TASK_TYPES, TRAINING_TYPES
from services.common.vocab.vocabularies import load_vocabularies
from services.volunteers.adapters.copies import memberships
from services.volunteers.adapters.orm import accounts
from services.volunteers.adapters.profile_tables import profiles
from services.volunteers.domain.notifications import Link, Notice, Recipient, notify
from services.volunteers.service_layer.channels import channels_for
from services.volunteers.service_layer.unit_of_work import clock

log = logging.getLogger(__name__)
MICROTASK_MAIL_GROUP = "volunteers-microtask-mail"
MICRO, CREDITS = "micro-volunteering", "time-credits"
UK = ZoneInfo("Europe/London")
# News older than this is not worth an email (a lapse or cancellation the person can see on
# the site anyway); offers go stale when they expire, reminders when the credential does.
STALE = dt.timedelta(days=2)

TASK_LABELS = TASK_TYPES
TRAINING_LABELS = TRAINING_TYPES


@dataclass(frozen=True)
class Context:
    """What composing a notice may know besides the event: the site's address and now."""

    base_url: str
    now: dt.datetime


# A notice for each account it is for.
Addressed = list[tuple[str, Notice]]
Compose = Callable[[Event, Context], Addressed]


def microtask_mail_spec(runtime: ServiceRuntime) -> ConsumerSpec:
    """The consumer group; its handlers need the runtime for links, clock and channels."""

    def handler(compose: Compose) -> Handler:
        return lambda session, event: tell(runtime, session, event, compose)

    def withdrawn(session: Session, event: Event) -> None:
        coordinators = _members(session, event.data["organisation_id"])
        tell(runtime, session, event, lambda e, c: booking_withdrawn(e, c, coordinators))

    return ConsumerSpec(
        group=MICROTASK_MAIL_GROUP,
        handlers={
            MICRO: {
                "OfferMade": handler(offer_made),
                "OfferLapsed": handler(offer_lapsed),
                "TaskCancelled": handler(task_cancelled),
                "CredentialExpiring": handler(credential_expiring),
                "BookingWithdrawn": withdrawn,
            },
            CREDITS: {"ExchangeProposed": handler(exchange_proposed)},
        },
    )


def tell(runtime: ServiceRuntime, session: Session, event: Event, compose: Compose) -> None:
    """Compose the event's notices and deliver each to its person, in this transaction."""
    now = clock(runtime)
    addressed = compose(event, Context(runtime.config.public_url.rstrip("/"), now))
    if not addressed:
        return
    recipients = _recipients(session, {account_id for account_id, _ in addressed})
    channels = channels_for(runtime, session, now)
    for account_id, notice in addressed:
        recipient = recipients.get(account_id)
        used = notify(recipient, notice, channels) if recipient else []
        if not used:
            # Erased, unverified, or they chose no channel we have: nothing to do, not an error.
            log.info("notice not sent", extra={"event_id": event.event_id, "kind": notice.kind})


def _recipients(session: Session, account_ids: Iterable[str]) -> dict[str, Recipient]:
    """The accounts that still exist and have a verified address, with their choices."""
    a, p = accounts, profiles
    query = (
        sa.select(a.c.id, a.c.email, a.c.name, p.c.contact_channels, p.c.phone)
        .outerjoin(p, p.c.account_id == a.c.id)
        .where(a.c.id.in_(sorted(account_ids)), a.c.email_verified.is_(True))
    )
    found = {}
    for row in session.execute(query):
        # No profile: the default, email. A profile's choice stands, even an empty one.
        channels = ("email",) if row.contact_channels is None else tuple(row.contact_channels)
        addresses = {"email": row.email, **({"phone": row.phone} if row.phone else {})}
        found[row.id] = Recipient(row.id, row.name, channels, addresses)
    return found


# --- the notices ------------------------------------------------------------------------------


def offer_made(event: Event, context: Context) -> Addressed:
    data = event.data
    expires = _instant(data["expires_at"])
    if expires <= context.now:
        return []  # nobody can accept it any more
    label = TASK_LABELS.get(data["task_type"], "A short task")
    start = _instant(data["starts_at"])
    where = "remote" if data["remote"] else f"the {data['outward_code']} postcode area"
    body = _paragraphs(
        "A short task fits the times you said you are free. Could you help?",
        f"What: {label}",
        f"When: {when(start, data['duration_minutes'], context.now)}",
        f"Where: {where}",
        "We have offered it to a few volunteers, and the first to accept it gets it. "
        f"The offer stands until {moment(expires, context.now)}.",
        "If you cannot help, you need not reply. To stop offers for a while, pause them on "
        "your availability page.",
    )
    link = Link("See the task and accept it", _task_url(context, data["task_id"]))
    subject = f"A task you could help with: {label}"
    return [(data["account_id"], Notice("offer-made", subject, body, link, event.event_id))]


def offer_lapsed(event: Event, context: Context) -> Addressed:
    data = event.data
    if data["reason"] in ("expired", "withdrawn") or _stale(data["at"], context):
        return []  # run out (the next offer will come), or the person's own doing
    if data["reason"] == "filled":
        subject = "This task has been filled, thank you"
        first = "Another volunteer accepted the task we offered you, so it is now filled."
    else:
        subject = "This task was cancelled"
        first = "The task we offered you has been cancelled."
    body = _paragraphs(
        f"{first} There is nothing you need to do.",
        "Thank you for being ready to help. We will tell you about other tasks that fit the "
        "times you are free.",
    )
    link = Link("See the task", _task_url(context, data["task_id"]))
    notice = Notice(f"offer-{data['reason']}", subject, body, link, event.event_id)
    return [(data["account_id"], notice)]


def task_cancelled(event: Event, context: Context) -> Addressed:
    data = event.data
    if _stale(data["at"], context):
        return []
    body = _paragraphs(
        "A task you had accepted has been cancelled, so you no longer need to do it.",
        "Thank you for offering your time. We will tell you about other tasks that fit the "
        "times you are free.",
    )
    link = Link("See the task", _task_url(context, data["task_id"]))
    notice = Notice(
        "task-cancelled", "A task you accepted has been cancelled", body, link, event.event_id
    )
    return [(account_id, notice) for account_id in dict.fromkeys(data["account_ids"])]


def credential_expiring(event: Event, context: Context) -> Addressed:
    data = event.data
    expires_on = dt.date.fromisoformat(data["expires_on"])
    if expires_on < context.now.astimezone(UK).date():
        return []  # already expired: a reminder now would only confuse
    what = credential_name(data["kind"], data["code"])
    on = f"{expires_on.day} {expires_on:%B %Y}"
    body = _paragraphs(
        f"Your {what} expires on {expires_on:%A} {on}. After that date we cannot offer you "
        "tasks that need it.",
        "If you have renewed it, add the new dates to your credentials, so that organisations "
        "can see them.",
    )
    link = Link("Update your credentials", f"{context.base_url}/account/credentials")
    subject = f"Your {what} expires on {on}"
    notice = Notice("credential-expiring", subject, body, link, event.event_id)
    return [(data["account_id"], notice)]


def exchange_proposed(event: Event, context: Context) -> Addressed:
    data = event.data
    if _stale(data["at"], context):
        return []
    amount = credits(data["amount"])
    parties = dict.fromkeys((data["payer_id"], data["payee_id"]))
    addressed = []
    for account_id in parties:
        if account_id == data["proposed_by"]:
            continue  # they proposed it: they have confirmed their side
        if account_id == data["payer_id"]:
            ask = f"A member of the time bank has asked you to pay them {amount}."
        else:
            ask = f"A member of the time bank wants to pay you {amount}."
        body = _paragraphs(
            ask,
            "Nothing moves until you confirm it. If you do not recognise it, decline it.",
        )
        link = Link("Confirm or decline it", f"{context.base_url}/account/time-credits")
        subject = "Please confirm a time-credit exchange"
        addressed.append(
            (account_id, Notice("exchange-proposed", subject, body, link, event.event_id))
        )
    return addressed


# --- words --------------------------------------------------------------------------------


def credential_name(kind: str, code: str) -> str:
    """What the credential is called: "DBS check", "first aid training", a requirement's label."""
    if kind == "dbs":
        return "DBS check"
    if kind == "training":
        label = TRAINING_LABELS.get(code, code)
        return f"{label[:1].lower()}{label[1:]} training"
    requirements = load_vocabularies()["requirements"]
    return requirements.label(code) if code in requirements else code


def when(start: dt.datetime, minutes: int, now: dt.datetime) -> str:
    """When a task is, in UK time: "Wednesday 25 November, 2pm to 3pm"."""
    begins = start.astimezone(UK)
    ends = (start + dt.timedelta(minutes=minutes)).astimezone(UK)
    text = f"{day(begins.date(), now)}, {time_of_day(begins)} to {time_of_day(ends)}"
    if ends.date() != begins.date():
        text += f" on {ends:%A}"
    return text


def moment(instant: dt.datetime, now: dt.datetime) -> str:
    """An instant in UK time: "11am today", "9:30am tomorrow", "2pm on Friday 27 November"."""
    local, today = instant.astimezone(UK), now.astimezone(UK).date()
    if local.date() == today:
        return f"{time_of_day(local)} today"
    if local.date() == today + dt.timedelta(days=1):
        return f"{time_of_day(local)} tomorrow"
    return f"{time_of_day(local)} on {day(local.date(), now)}"


def day(date: dt.date, now: dt.datetime) -> str:
    """A day: "Wednesday 25 November", with the year only when it is not this year's."""
    text = f"{date:%A} {date.day} {date:%B}"
    return text if date.year == now.astimezone(UK).year else f"{text} {date.year}"


def time_of_day(local: dt.datetime) -> str:
    """A clock time, GOV.UK style: "2pm", "9:30am", "midday", "midnight"."""
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def credits(hundredths: int) -> str:
    """An amount sent in hundredths, in words: "2.5 credits", "1 credit", "0.25 credits"."""
    whole, part = divmod(hundredths, 100)
    number = f"{whole}.{part:02d}".rstrip("0") if part else str(whole)
    return f"{number} credit" if hundredths == 100 else f"{number} credits"


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(parts)


def booking_withdrawn(event: Event, context: Context, coordinators: list[str]) -> Addressed:
    """To the organisation's members: a place came free; it is being offered again."""
    data = event.data
    if _stale(data["at"], context):
        return []
    said = data["reason"].strip()
    body = _paragraphs(
        "A volunteer who had accepted one of your tasks can no longer do it, so the place is "
        "free again. We are offering it to other volunteers now.",
        *([f"They said: \u201c{said}\u201d"] if said else []),
    )
    link = Link("See the task and who it is offered to", _task_url(context, data["task_id"]))
    subject = "A volunteer can no longer do a task"
    notice = Notice("booking-withdrawn", subject, body, link, event.event_id)
    return [(account_id, notice) for account_id in coordinators]


def _members(session: Session, organisation_id: str) -> list[str]:
    query = sa.select(memberships.c.account_id).where(
        memberships.c.organisation_id == organisation_id
    )
    return sorted(session.execute(query).scalars())


def _task_url(context: Context, task_id: str) -> str:
    return f"{context.base_url}/microtasks/{task_id}"


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def _stale(at: str, context: Context) -> bool:
    return context.now - _instant(at) > STALE
