"""Telling people things: a notice, who receives it, and the channels it can go through.

A notice says what happened in plain words; a channel (email today, SMS one day) turns it into
a message. Which channels a person gets is their choice: the contact channels on their
profile ("email", "phone", "post"). A new channel joins by implementing ``Channel`` and being
registered with the service; nothing that composes notices changes. Plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Link:
    """Where to act on a notice: the words to show and the address."""

    text: str
    url: str


@dataclass(frozen=True)
class Notice:
    """One thing to tell one person.

    ``kind`` names the notice for logs and metrics (``offer-made``); ``body`` is plain text,
    paragraphs separated by blank lines; ``key`` is the same whenever the same notice is sent
    again (after a redelivered event), so a channel can send it at most once.
    """

    kind: str
    subject: str
    body: str
    link: Link | None = None
    key: str = ""

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.split("\n\n") if part.strip()]


@dataclass(frozen=True)
class Recipient:
    """A person we may contact: the channels they allow, in their order, and their address
    for each (an email address under "email", a phone number under "phone")."""

    account_id: str
    name: str
    contact_channels: tuple[str, ...] = ("email",)
    addresses: Mapping[str, str] = field(default_factory=dict)

    @property
    def first_name(self) -> str | None:
        words = self.name.split()
        return words[0] if words else None


class Channel(Protocol):
    """A way to reach people (email, SMS). ``uses`` is the profile's contact channel a person
    must allow for it: an SMS channel would use "phone"."""

    @property
    def name(self) -> str:
        """What it is, for logs: "email", "sms"."""
        ...

    @property
    def uses(self) -> str:
        """The contact channel it needs, as a profile names them."""
        ...

    def deliver(self, recipient: Recipient, notice: Notice) -> None:
        """Send (or queue) ``notice``; sending the same ``notice.key`` again does nothing."""
        ...


def choose_channels(contact_channels: Sequence[str], available: Sequence[Channel]) -> list[Channel]:
    """The available channels the person allows, in the order they listed their choices."""
    rank = {choice: position for position, choice in enumerate(contact_channels)}
    allowed = [channel for channel in available if channel.uses in rank]
    return sorted(allowed, key=lambda channel: rank[channel.uses])


def notify(recipient: Recipient, notice: Notice, available: Sequence[Channel]) -> list[str]:
    """Deliver ``notice`` on every channel the person allows and has an address for; the
    names of the channels used (none: they chose no channel we have, and that stands)."""
    used = []
    for channel in choose_channels(recipient.contact_channels, available):
        if recipient.addresses.get(channel.uses):
            channel.deliver(recipient, notice)
            used.append(channel.name)
    return used
