"""Real SMTP: an aiosmtpd server on a free port receives what SmtpMailer and the mail relay
send, exactly once, with its headers; outages and refusals behave as the relay promises."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from services.common.db import make_engine, make_session_factory
from services.common.mail import (
    DevMailbox,
    MailRejected,
    MailRelay,
    Message,
    SmtpMailer,
    enqueue,
    mail_outbox_table,
)
from services.common.service import runtime_of
from tests.support import free_port
from tests.unit.volunteers.test_accounts_support import FakeClock, build_accounts

SENDER = "Riverside Volunteer Centre <no-reply@riverside.example.org>"
UNSUBSCRIBE = "<https://volunteer.example.org/unsubscribe/abc>"
HELLO = Message(
    "jane@example.org",
    "Roles near you this week",
    "Three new roles near SE1.\n",
    "<p>Three new roles near <b>SE1</b>.</p>",
    {"List-Unsubscribe": UNSUBSCRIBE, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
)


class Inbox:
    """aiosmtpd handler: keeps every message it accepts; refuses recipients it is told to."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # On the wire lines end in CRLF; read them back as Python text.
        content = envelope.content.replace(b"\r\n", b"\n")
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def start(inbox: Inbox, port: int, **kwargs: Any) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = start(inbox, port)
    yield inbox, port
    controller.stop()


def test_smtp_mailer_delivers_both_versions_and_the_headers(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    SmtpMailer("127.0.0.1", port, SENDER).send(HELLO)
    [(mail_from, rcpt_tos, message)] = inbox.received
    assert mail_from == "no-reply@riverside.example.org" and rcpt_tos == ["jane@example.org"]
    assert message["Subject"] == "Roles near you this week"
    assert message["From"] == SENDER and message["To"] == "jane@example.org"
    assert message["List-Unsubscribe"] == UNSUBSCRIBE
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] and message["Date"]
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and plain.get_content() == "Three new roles near SE1.\n"
    assert rich is not None and "<b>SE1</b>" in rich.get_content()


class Outbox:
    def __init__(self, folder: Path) -> None:
        metadata = sa.MetaData()
        self.table = mail_outbox_table(metadata)
        self.engine = make_engine(f"sqlite:///{folder / 'mail.sqlite'}")
        metadata.create_all(self.engine)
        self.sessions = make_session_factory(self.engine)
        self.clock = FakeClock()

    def add(self, message: Message) -> None:
        with self.sessions() as session, session.begin():
            enqueue(session, self.table, message, self.clock())

    def relay(self, port: int) -> MailRelay:
        mailer = SmtpMailer("127.0.0.1", port, SENDER, timeout_s=5)
        return MailRelay(self.sessions, self.table, mailer, clock=self.clock)


def test_the_relay_delivers_exactly_once_with_headers(
    smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    outbox = Outbox(tmp_path)
    outbox.add(HELLO)
    assert outbox.relay(port).send_pending().sent == 1
    assert outbox.relay(port).send_pending().sent == 0
    outbox.clock.advance(hours=1)
    assert outbox.relay(port).send_pending().sent == 0
    [(_, _, message)] = inbox.received
    assert message["List-Unsubscribe"] == UNSUBSCRIBE
    with outbox.engine.connect() as conn:
        row = conn.execute(sa.select(outbox.table)).one()
    assert message["Message-ID"].strip() == row.headers["Message-ID"]  # fixed when queued
    outbox.engine.dispose()


def test_mail_queued_while_the_server_is_down_arrives_once_it_is_back(tmp_path: Path) -> None:
    inbox, port = Inbox(), free_port()
    outbox = Outbox(tmp_path)
    outbox.add(HELLO)
    assert outbox.relay(port).send_pending().retrying == 1
    controller = start(inbox, port)
    try:
        assert outbox.relay(port).send_pending().sent == 0  # still backing off
        outbox.clock.advance(seconds=2)
        assert outbox.relay(port).send_pending().sent == 1
        assert outbox.relay(port).send_pending().sent == 0
    finally:
        controller.stop()
    assert len(inbox.received) == 1
    outbox.engine.dispose()


def test_a_refused_recipient_is_not_retried(smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    inbox.refuse.add("gone@example.org")
    with pytest.raises(MailRejected):
        SmtpMailer("127.0.0.1", port, SENDER).send(Message("gone@example.org", "Hi", "Hi\n"))
    outbox = Outbox(tmp_path)
    outbox.add(Message("gone@example.org", "Hi", "Hi\n"))
    outbox.add(HELLO)
    outcome = outbox.relay(port).send_pending()
    assert (outcome.sent, outcome.failed) == (1, 1)
    outbox.clock.advance(days=1)
    assert outbox.relay(port).send_pending().sent == 0
    assert [rcpt for _, rcpt, _ in inbox.received] == [["jane@example.org"]]
    outbox.engine.dispose()


def test_the_mailer_signs_in_when_given_credentials(tmp_path: Path) -> None:
    seen: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        assert isinstance(data, LoginPassword)
        seen.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret-pass")

    inbox, port = Inbox(), free_port()
    controller = start(inbox, port, authenticator=authenticator, auth_require_tls=False)
    try:
        SmtpMailer("127.0.0.1", port, SENDER, username="platform", password="s3cret-pass").send(
            HELLO
        )
    finally:
        controller.stop()
    assert seen == [(b"platform", b"s3cret-pass")] and len(inbox.received) == 1


def test_a_verification_email_reaches_smtp_once_and_the_dev_mailbox(
    smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    service = build_accounts(tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    assert service.register().status_code == 201
    assert service.relay_mail().sent == 1
    assert service.relay_mail().sent == 0
    [(_, rcpt_tos, message)] = inbox.received
    assert rcpt_tos == ["jane@example.org"]
    assert message["Subject"] == "Confirm your email address"
    assert message["Auto-Submitted"] == "auto-generated"
    plain = message.get_body(("plain",))
    assert plain is not None and "/account/verify?token=" in plain.get_content()
    [copy] = DevMailbox(tmp_path / "devmail.sqlite").messages()
    assert copy["text"] == plain.get_content()
    runtime_of(service.app).close()
