"""The mail port's adapters and the mail outbox relay: retries with backoff, never twice."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from services.common.config import Config
from services.common.db import make_engine, make_session_factory
from services.common.mail import (
    DevMailbox,
    MailRejected,
    MailRelay,
    MailUnavailable,
    Message,
    RelayOutcome,
    SmtpMailer,
    TeeMailer,
    UnconfiguredMailer,
    build_mailer,
    enqueue,
    mail_outbox_table,
    to_email_message,
)
from tests.support import free_port
from tests.unit.volunteers.test_accounts_support import START, FakeClock

HELLO = Message(
    "jane@example.org",
    "Hello",
    "Plain words.\n",
    "<p>Plain words.</p>",
    {"List-Unsubscribe": "<https://volunteer.example.org/unsubscribe/abc>"},
)


class FakeMailer:
    """Records what it was given; fails while ``failures`` holds exceptions to raise."""

    def __init__(self, *failures: Exception) -> None:
        self.sent: list[Message] = []
        self.failures = list(failures)

    def send(self, message: Message) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)


class Outbox:
    """A mail outbox table on its own SQLite database."""

    def __init__(self, folder: Path) -> None:
        metadata = sa.MetaData()
        self.table = mail_outbox_table(metadata)
        self.engine = make_engine(f"sqlite:///{folder / 'mail.sqlite'}")
        metadata.create_all(self.engine)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        self.clock = FakeClock()

    def add(self, *messages: Message) -> None:
        with self.sessions() as session, session.begin():
            for message in messages:
                enqueue(session, self.table, message, self.clock())

    def relay(self, mailer: object) -> MailRelay:
        return MailRelay(self.sessions, self.table, mailer, clock=self.clock)  # type: ignore[arg-type]

    def rows(self) -> list[sa.Row]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(self.table).order_by(self.table.c.id)))


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    box = Outbox(tmp_path)
    yield box
    box.engine.dispose()


def test_the_relay_sends_each_message_once_and_blanks_it(outbox: Outbox) -> None:
    outbox.add(HELLO, Message("sam@example.org", "Hi", "Text only\n"))
    mailer = FakeMailer()
    assert outbox.relay(mailer).send_pending().sent == 2
    assert outbox.relay(mailer).send_pending().sent == 0
    assert [m.to for m in mailer.sent] == ["jane@example.org", "sam@example.org"]
    assert mailer.sent[0].headers["List-Unsubscribe"] == HELLO.headers["List-Unsubscribe"]
    assert mailer.sent[0].headers["Message-ID"].startswith("<")
    assert all(row.sent_at and row.text == "" and row.html is None for row in outbox.rows())


def test_a_failing_server_delays_mail_with_growing_backoff(outbox: Outbox) -> None:
    outbox.add(HELLO)
    mailer = FakeMailer(MailUnavailable("down"), MailUnavailable("down"))
    relay = outbox.relay(mailer)
    assert relay.send_pending().retrying == 1
    [row] = outbox.rows()
    assert row.attempts == 1 and "MailUnavailable: down" in row.last_error
    outbox.clock.advance(seconds=1)
    assert relay.send_pending().sent == 0  # not before the backoff (2 s) is over
    outbox.clock.advance(seconds=1)
    assert relay.send_pending().retrying == 1
    outbox.clock.advance(seconds=3)
    assert relay.send_pending().sent == 0  # 4 s this time
    outbox.clock.advance(seconds=1)
    assert relay.send_pending().sent == 1
    assert len(mailer.sent) == 1 and outbox.rows()[0].attempts == 2


def test_an_outage_stops_the_batch_and_the_rest_waits(outbox: Outbox) -> None:
    outbox.add(HELLO, HELLO, HELLO)
    mailer = FakeMailer(MailUnavailable("down"))
    assert outbox.relay(mailer).send_pending().retrying == 1
    assert mailer.sent == []
    assert outbox.relay(mailer).send_pending().sent == 2  # the others were not held back
    outbox.clock.advance(seconds=2)
    assert outbox.relay(mailer).send_pending().sent == 1


def test_a_refused_recipient_is_given_up_at_once(outbox: Outbox) -> None:
    outbox.add(HELLO, Message("sam@example.org", "Hi", "Text\n"))
    mailer = FakeMailer(MailRejected("recipient refused (550)"))
    outcome = outbox.relay(mailer).send_pending()
    assert (outcome.sent, outcome.failed) == (1, 1)
    outbox.clock.advance(days=1)
    assert outbox.relay(mailer).send_pending().sent == 0
    first = outbox.rows()[0]
    assert first.failed_at and first.sent_at is None


def test_mail_is_given_up_after_48_hours_of_failures(outbox: Outbox) -> None:
    outbox.add(HELLO)
    mailer = FakeMailer(*[MailUnavailable("down")] * 100)
    relay = outbox.relay(mailer)
    relay.send_pending()
    outbox.clock.advance(hours=48)
    assert relay.send_pending().failed == 1
    outbox.clock.advance(hours=1)
    assert relay.send_pending() == RelayOutcome()  # nothing left to try
    assert outbox.rows()[0].failed_at is not None


def test_a_message_being_sent_is_not_sent_by_a_second_relay(outbox: Outbox) -> None:
    outbox.add(HELLO)
    delivered: list[Message] = []
    second = outbox.relay(FakeMailer())

    class SlowMailer:
        def send(self, message: Message) -> None:
            assert second.send_pending().sent == 0  # leased by the first relay
            delivered.append(message)

    assert outbox.relay(SlowMailer()).send_pending().sent == 1
    assert len(delivered) == 1


def test_a_crash_after_sending_resends_once_the_lease_runs_out(outbox: Outbox) -> None:
    outbox.add(HELLO)

    class Crash(BaseException):
        pass

    class CrashingMailer:
        def send(self, message: Message) -> None:
            raise Crash

    with pytest.raises(Crash):
        outbox.relay(CrashingMailer()).send_pending()
    mailer = FakeMailer()
    assert outbox.relay(mailer).send_pending().sent == 0
    outbox.clock.advance(minutes=10)
    assert outbox.relay(mailer).send_pending().sent == 1


def test_old_mail_is_pruned(outbox: Outbox) -> None:
    outbox.add(HELLO, HELLO)
    outbox.relay(FakeMailer()).send_pending()
    outbox.clock.advance(days=6)
    assert outbox.relay(FakeMailer()).prune() == 0
    outbox.clock.advance(days=2)
    assert outbox.relay(FakeMailer()).prune() == 2


def test_the_dev_mailbox_keeps_messages_newest_first(tmp_path: Path) -> None:
    box = DevMailbox(tmp_path / "mail" / "devmail.sqlite", clock=lambda: START)
    assert box.messages() == [] and not box.path.exists()  # reading creates nothing
    box.send(HELLO)
    box.send(Message("sam@example.org", "Second", "Again\n"))
    newest, oldest = box.messages()
    assert newest["subject"] == "Second" and newest["html"] is None
    assert oldest == {
        "id": 1,
        "to": "jane@example.org",
        "subject": "Hello",
        "text": "Plain words.\n",
        "html": "<p>Plain words.</p>",
        "headers": dict(HELLO.headers),
        "sent_at": "2026-12-01T09:00:00Z",
    }


def test_tee_sends_through_the_primary_and_keeps_copies(caplog: pytest.LogCaptureFixture) -> None:
    primary, copy = FakeMailer(), FakeMailer()
    TeeMailer(primary, copy).send(HELLO)
    assert primary.sent == copy.sent == [HELLO]
    down = FakeMailer(MailUnavailable("down"))
    with pytest.raises(MailUnavailable):
        TeeMailer(down, copy).send(HELLO)
    assert len(copy.sent) == 1  # no copy of what was not sent
    broken_copy = FakeMailer(OSError("disk full"))
    with caplog.at_level(logging.ERROR):
        TeeMailer(primary, broken_copy).send(HELLO)  # a copy cannot cause a resend
    assert len(primary.sent) == 2 and "could not keep a copy" in caplog.text


def config(tmp_path: Path, **env: str) -> Config:
    return Config.from_env("volunteers", {"VMP_DATA_DIR": str(tmp_path), **env})


def test_mail_settings_come_from_the_environment(tmp_path: Path) -> None:
    development = config(tmp_path)
    assert development.dev_mailbox and development.smtp_host == ""
    assert isinstance(build_mailer(development), DevMailbox)
    production = config(tmp_path, VMP_ENV="production", VMP_DEV_MAILBOX="on")
    assert isinstance(build_mailer(production), UnconfiguredMailer)  # never a dev mailbox there
    assert not config(tmp_path, VMP_ENV="production").dev_mailbox
    smtp = config(
        tmp_path,
        VMP_ENV="production",
        VMP_SMTP_HOST="smtp.example.org",
        VMP_SMTP_PORT="587",
        VMP_SMTP_STARTTLS="on",
        VMP_SMTP_USERNAME="platform",
        VMP_SMTP_PASSWORD="hunter2-secret",
        VMP_MAIL_FROM="Riverside VC <hello@riverside.example.org>",
        VMP_PUBLIC_URL="https://volunteer.example.org/",
    )
    mailer = build_mailer(smtp)
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.starttls) == ("smtp.example.org", 587, True)
    assert mailer.sender == "Riverside VC <hello@riverside.example.org>"
    assert smtp.public_url == "https://volunteer.example.org"
    assert "hunter2-secret" not in repr(smtp)
    both = build_mailer(config(tmp_path, VMP_SMTP_HOST="localhost"))
    assert isinstance(both, TeeMailer) and isinstance(both.copies[0], DevMailbox)
    assert not config(tmp_path, VMP_DEV_MAILBOX="off").dev_mailbox


def test_without_any_transport_mail_waits(outbox: Outbox) -> None:
    outbox.add(HELLO)
    assert outbox.relay(UnconfiguredMailer()).send_pending().retrying == 1
    assert outbox.rows()[0].sent_at is None


def test_smtp_to_nowhere_is_a_temporary_failure() -> None:
    mailer = SmtpMailer("127.0.0.1", free_port(), "Platform <no-reply@example.org>", timeout_s=2)
    with pytest.raises(MailUnavailable):
        mailer.send(HELLO)


def test_the_email_has_both_versions_and_the_extra_headers() -> None:
    email = to_email_message(
        Message(**{**vars(HELLO), "headers": {**HELLO.headers, "Message-ID": "<m1@x>"}}),
        "Platform <no-reply@example.org>",
    )
    assert email["Message-ID"] == "<m1@x>" and email["From"] == "Platform <no-reply@example.org>"
    assert email["List-Unsubscribe"] == HELLO.headers["List-Unsubscribe"]
    assert email.get_content_type() == "multipart/alternative"
    plain = email.get_body(("plain",))
    assert plain is not None and plain.get_content() == "Plain words.\n"
