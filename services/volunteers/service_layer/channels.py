"""The notification port's adapters: email through the mail outbox, and any channel registered
later (an SMS channel would queue its texts the same way, in the caller's transaction).

Channels are built per transaction (``channels_for``), because a notice queued in the mail
outbox must commit or roll back with the event that caused it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from email.utils import parseaddr

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.mail import Message, enqueue
from services.common.runtime import ServiceRuntime
from services.volunteers.adapters.orm import outbox_mail
from services.volunteers.domain.notifications import Channel, Notice, Recipient
from services.volunteers.service_layer import guarantee_mail
from services.volunteers.service_layer.guarantee_mail import Paragraph

# runtime.extensions[CHANNELS]: factories of extra channels, each given the transaction.
CHANNELS = "notification_channels"
ChannelFactory = Callable[[Session, dt.datetime], Channel]
# Message-IDs are derived from the notice's key in this namespace (uuid5): the same notice
# always has the same id, which is how a second delivery is recognised.
_MESSAGE_IDS = uuid.UUID("5d0f8f0e-2c1b-4f7a-9a53-0b6c7e1d2f44")


def register_channel(runtime: ServiceRuntime, factory: ChannelFactory) -> None:
    """Add a channel (SMS, say) next to email; notices go to it for people who allow it."""
    runtime.extensions.setdefault(CHANNELS, []).append(factory)


def channels_for(runtime: ServiceRuntime, session: Session, now: dt.datetime) -> list[Channel]:
    """Every channel, bound to this transaction: email first, then registered ones."""
    email: Channel = EmailChannel(runtime, session, now)
    extra: list[ChannelFactory] = runtime.extensions.get(CHANNELS, [])
    return [email, *(factory(session, now) for factory in extra)]


class EmailChannel:
    """Queues a notice as an email in the mail outbox, in the caller's transaction.

    The outbox has no unique key of its own, so the notice's key becomes the Message-ID and a
    notice whose Message-ID is already queued (or sent, until the relay prunes it) is skipped.
    """

    name = "email"
    uses = "email"

    def __init__(self, runtime: ServiceRuntime, session: Session, now: dt.datetime) -> None:
        self.session, self.now = session, now
        self.sender = runtime.config.mail_from
        self.domain = parseaddr(self.sender)[1].rpartition("@")[2] or "volunteer-platform.invalid"

    def deliver(self, recipient: Recipient, notice: Notice) -> None:
        message = self.message(recipient, notice)
        if notice.key and self._queued(message):
            return
        enqueue(self.session, outbox_mail, message, self.now, self.sender)

    def message(self, recipient: Recipient, notice: Notice) -> Message:
        hello = recipient.first_name
        paragraphs: list[Paragraph] = [f"Hello {hello}," if hello else "Hello,"]
        paragraphs += notice.paragraphs
        if notice.link is not None:
            paragraphs.append(guarantee_mail.Link(notice.link.text, notice.link.url))
        letter = guarantee_mail.letter(recipient.addresses["email"], notice.subject, paragraphs)
        if not notice.key:
            return letter
        headers = {**letter.headers, "Message-ID": self._message_id(recipient, notice)}
        return Message(letter.to, letter.subject, letter.text, letter.html, headers)

    def _message_id(self, recipient: Recipient, notice: Notice) -> str:
        unique = uuid.uuid5(_MESSAGE_IDS, f"{notice.key}|{recipient.account_id}|{self.name}")
        return f"<{unique}@{self.domain}>"

    def _queued(self, message: Message) -> bool:
        query = sa.select(outbox_mail.c.id).where(
            outbox_mail.c.to_address == message.to,
            outbox_mail.c.headers["Message-ID"].as_string() == message.headers["Message-ID"],
        )
        return self.session.execute(query.limit(1)).first() is not None
