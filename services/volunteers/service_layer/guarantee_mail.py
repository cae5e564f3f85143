"""The response-time guarantee's emails: reminders to the organisation after 2 and 5 working
days, and at 7 the escalation to the Volunteer Centre's staff and to the volunteer.

The sweep queues them in its own transaction (the mail outbox), with the record of the
reminder or escalation they announce: both commit or neither does, and an action recorded is
never due again, so no email goes twice.

What the emails hold is the least that does the job: the role, the organisation, the centre,
the volunteer's first name (to the organisation, who will read the application anyway) and a
link. Never the message, the answers, or anything from the volunteer's profile (the
accessibility needs above all). An account's profile may leave email out of its contact
channels: then it gets no email; the application's page still shows everything.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from services.common.mail import Message, enqueue
from services.common.runtime import ServiceRuntime
from services.volunteers.adapters.accounts_repository import AccountRepository, Contact
from services.volunteers.adapters.applications_repository import ApplicationRepository
from services.volunteers.adapters.orm import outbox_mail
from services.volunteers.domain.matching import Role
from services.volunteers.domain.responsiveness import ESCALATION_DAYS

EMAIL = "email"
SUBJECT_MAX = 200  # the mail outbox's column


@dataclass(frozen=True)
class Link:
    text: str
    url: str


# A paragraph: words, one link, or a list of links.
Paragraph = str | Link | list[Link]


@dataclass(frozen=True)
class Facts:
    """What every email about one application may mention."""

    application_id: str
    role: str
    organisation: str
    link: str


class GuaranteeMail:
    """Queues the guarantee's emails in the sweep's transaction (``session``)."""

    def __init__(self, runtime: ServiceRuntime, session: Session, now: dt.datetime) -> None:
        self.session, self.now = session, now
        self.sender = runtime.config.mail_from
        self.base = runtime.config.public_url.rstrip("/")
        self.accounts = AccountRepository(session)
        self.applications = ApplicationRepository(session)

    def reminded(self, application: Mapping[str, Any], days: int) -> int:
        """Remind every member of the organisation; how many emails were queued."""
        facts = self._facts(application)
        volunteer = self.accounts.get(application["volunteer_id"])
        who = first_name(volunteer.name) if volunteer else None
        members = emailable(self.accounts.member_contacts(application["organisation_id"]))
        for member in members:
            self._send(reminder(member, facts, who, days))
        return len(members)

    def escalated(
        self, application: Mapping[str, Any], centre_id: str | None, similar: Sequence[Role]
    ) -> int:
        """Tell the centre's staff (if a centre covers the role) and the volunteer."""
        facts = self._facts(application)
        centre = self.applications.organisation_name(centre_id) if centre_id else None
        staff = emailable(self.accounts.member_contacts(centre_id)) if centre_id else []
        for member in staff:
            self._send(to_centre(member, facts, centre or "your Volunteer Centre"))
        volunteers = emailable(self.accounts.contacts([application["volunteer_id"]]))
        roles = [Link(role.title, f"{self.base}/roles/{role.id}") for role in similar]
        for volunteer in volunteers:
            self._send(to_volunteer(volunteer, facts, centre, roles))
        return len(staff) + len(volunteers)

    def _facts(self, application: Mapping[str, Any]) -> Facts:
        role = self.applications.role(application["opportunity_id"])
        organisation = self.applications.organisation_name(application["organisation_id"])
        return Facts(
            application_id=application["id"],
            role=role.title if role else "a volunteering role",
            organisation=organisation or "the organisation",
            link=f"{self.base}/api/v1/applications/{application['id']}",
        )

    def _send(self, message: Message) -> None:
        enqueue(self.session, outbox_mail, message, self.now, self.sender)


def emailable(contacts: Sequence[Contact]) -> list[Contact]:
    """Those whose contact channels include email (the default when they chose nothing)."""
    return [contact for contact in contacts if EMAIL in contact.channels]


def first_name(name: str) -> str | None:
    words = name.split()
    return words[0] if words else None


def reminder(member: Contact, facts: Facts, volunteer: str | None, days: int) -> Message:
    who = volunteer or "A volunteer"
    left = ESCALATION_DAYS - days
    whose = f"{volunteer}'s" if volunteer else "a volunteer's"
    subject = f"Reply to {whose} application for {facts.role} ({days} working days)"
    return letter(member.email, subject, [
        f"Hello {member.name},",
        f"{who} applied for {facts.role} with {facts.organisation} {days} working days ago "
        "and is still waiting for a reply.",
        "Please reply now, even if only to say you have seen it: open the application and mark "
        "it seen, get in touch, accept or decline it.",
        f"If nobody replies in the next {left} working days, we will ask the local Volunteer "
        "Centre to help.",
        Link("Open the application", facts.link),
        f"You get this email because you are a member of {facts.organisation}.",
    ])  # fmt: skip


def to_centre(member: Contact, facts: Facts, centre: str) -> Message:
    subject = f"An application has waited {ESCALATION_DAYS} working days for a reply"
    return letter(member.email, subject, [
        f"Hello {member.name},",
        f"An application has waited {ESCALATION_DAYS} working days for a reply from "
        f"{facts.organisation}, so we are asking {centre} to help. The role is {facts.role}.",
        "Please get in touch with the organisation, or help the volunteer find another role. "
        "You can read the application; only the organisation can answer it.",
        Link("Open the application", facts.link),
        f"You get this email because you work for {centre}.",
    ])  # fmt: skip


def to_volunteer(
    volunteer: Contact, facts: Facts, centre: str | None, similar: list[Link]
) -> Message:
    hello = first_name(volunteer.name)
    asked = f"We have asked {centre} to help." if centre else "We are sorry."
    offer: list[Paragraph] = (
        ["Meanwhile, here are similar roles:", similar]
        if similar
        else ["We have not found similar roles nearby at the moment."]
    )
    return letter(volunteer.email, f"No reply yet about {facts.role}", [
        f"Hello {hello}," if hello else "Hello,",
        f"{facts.organisation} has not replied to your application for {facts.role} in "
        f"{ESCALATION_DAYS} working days. {asked}",
        f"Your application is still open, and {facts.organisation} can still reply.",
        *offer,
        Link("See your application", facts.link),
    ])  # fmt: skip


def letter(to: str, subject: str, paragraphs: Sequence[Paragraph]) -> Message:
    """A plain-text email with the same words in simple HTML."""
    # One line (a role's title must not break the header), short enough for the outbox.
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    text = "\n\n".join(_text(p) for p in paragraphs)
    body = "".join(_html(p) for p in paragraphs)
    page = (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>{body}</body></html>"
    )
    # Automatic mail (RFC 3834): out-of-office replies are not sent back to it.
    return Message(to, subject, text + "\n", page, {"Auto-Submitted": "auto-generated"})


def _text(paragraph: Paragraph) -> str:
    if isinstance(paragraph, Link):
        return f"{paragraph.text}: {paragraph.url}"
    if isinstance(paragraph, list):
        return "\n".join(f"- {link.text}: {link.url}" for link in paragraph)
    return paragraph


def _html(paragraph: Paragraph) -> str:
    if isinstance(paragraph, Link):
        return f"<p>{_anchor(paragraph)}</p>"
    if isinstance(paragraph, list):
        return "<ul>" + "".join(f"<li>{_anchor(link)}</li>" for link in paragraph) + "</ul>"
    return f"<p>{html.escape(paragraph)}</p>"


def _anchor(link: Link) -> str:
    return f'<a href="{html.escape(link.url)}">{html.escape(link.text)}</a>'
