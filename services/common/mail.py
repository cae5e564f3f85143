"""Outgoing email: a ``Mailer`` port, its adapters, and a mail outbox that survives SMTP outages.

A request never talks to an SMTP server. A use case adds the email to its service's
``outbox_mail`` table in the same transaction as the change it announces (a verification email
commits with the account), and ``MailRelay`` sends pending rows afterwards, retrying with
backoff, so a failed SMTP server delays a verification email but never loses it.

Adapters: ``SmtpMailer`` (real SMTP via smtplib), ``DevMailbox`` (a SQLite file in the data
folder that the gateway shows at ``/dev/mail``), and ``TeeMailer`` (one delivery, copies kept).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import sqlite3
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from services.common.config import Config
from services.common.envelope import isoformat, utcnow

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
DEV_MAILBOX_FILE = "devmail.sqlite"


@dataclass(frozen=True)
class Message:
    """One email to one recipient: plain text always, HTML optionally, extra headers."""

    to: str
    subject: str
    text: str
    html: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


class MailUnavailable(Exception):
    """The message could not be handed over now; try again later."""


class MailRejected(Exception):
    """The server refused the message for good (an unknown mailbox): retrying will not help."""


class Mailer(Protocol):
    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise ``MailUnavailable`` / ``MailRejected``."""


def to_email_message(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    headers = dict(message.headers)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    email["Message-ID"] = headers.pop("Message-ID", None) or make_msgid(domain=domain)
    for name, value in headers.items():
        email[name] = value
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    return email


class SmtpMailer:
    """Hands messages to an SMTP server (a relay, or a provider's SMTP endpoint)."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password = starttls, username, password
        self.timeout_s = timeout_s

    def send(self, message: Message) -> None:
        email = to_email_message(message, self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise MailRejected(f"recipient refused ({codes[0]})") from exc
            raise MailUnavailable(f"recipient deferred ({codes[0] if codes else '?'})") from exc
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise MailRejected(f"message refused ({exc.smtp_code})") from exc
            raise MailUnavailable(f"message deferred ({exc.smtp_code})") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MailUnavailable(f"{type(exc).__name__} talking to {self.host}") from exc


class DevMailbox:
    """Development only: keeps every message in a SQLite file instead of sending it."""

    def __init__(self, path: Path, clock: Clock = utcnow) -> None:
        self.path = Path(path)
        self.clock = clock

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute(
            "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, to_address TEXT, "
            "subject TEXT, text TEXT, html TEXT, headers TEXT, sent_at TEXT)"
        )
        return conn

    def send(self, message: Message) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        row = (message.to, message.subject, message.text, message.html)
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO messages (to_address, subject, text, html, headers, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (*row, json.dumps(dict(message.headers)), isoformat(self.clock())),
            )
        conn.close()

    def forget(self, addresses: Iterable[str], mentions: Iterable[str] = ()) -> int:
        """Erasure: delete every message to these addresses, or mentioning any of ``mentions``
        (case-insensitively); returns how many there were."""
        wanted = sorted({address.lower() for address in addresses})
        texts = sorted({text.lower() for text in mentions if text})
        if not (wanted or texts) or not self.path.exists():
            return 0
        conditions = [f"lower(to_address) IN ({', '.join('?' * len(wanted))})"] if wanted else []
        body = "lower(subject || ' ' || ifnull(text, '') || ' ' || ifnull(html, ''))"
        conditions += [f"instr({body}, ?) > 0" for _ in texts]
        with self._connect() as conn:
            # Overwrite the deleted rows, or the file would keep them in its free pages.
            conn.execute("PRAGMA secure_delete=ON")
            found = conn.execute(
                f"DELETE FROM messages WHERE {' OR '.join(conditions)}", [*wanted, *texts]
            )
        conn.close()
        return found.rowcount

    def messages(self, limit: int = 200) -> list[dict[str, Any]]:
        """The latest messages, newest first (none if nothing was ever sent)."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM messages ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        conn.close()
        return [
            {
                "id": r["id"],
                "to": r["to_address"],
                "subject": r["subject"],
                "text": r["text"],
                "html": r["html"],
                "headers": json.loads(r["headers"] or "{}"),
                "sent_at": r["sent_at"],
            }
            for r in rows
        ]


class TeeMailer:
    """Delivers through ``primary`` and keeps copies in ``copies`` (e.g. the dev mailbox).

    The primary goes first: if it fails, nothing is copied and the relay retries the whole
    message; a failing copy is only logged, so it cannot make the relay send twice.
    """

    def __init__(self, primary: Mailer, *copies: Mailer) -> None:
        self.primary = primary
        self.copies = copies

    def send(self, message: Message) -> None:
        self.primary.send(message)
        for copy in self.copies:
            try:
                copy.send(message)
            except Exception:
                log.exception("could not keep a copy of an email", extra={"mailer": str(copy)})


def forget_copies(mailer: Mailer, addresses: Iterable[str], mentions: Iterable[str] = ()) -> int:
    """Erasure: delete the copies ``mailer`` keeps (the dev mailbox's) of mail to these
    addresses or mentioning ``mentions``. Mail handed to an SMTP server has left the platform."""
    if isinstance(mailer, DevMailbox):
        return mailer.forget(addresses, mentions)
    if isinstance(mailer, TeeMailer):
        to, about = list(addresses), list(mentions)
        return sum(forget_copies(m, to, about) for m in (mailer.primary, *mailer.copies))
    return 0


class UnconfiguredMailer:
    """No way to send: mail stays pending (and is retried) until SMTP is configured."""

    def send(self, message: Message) -> None:
        raise MailUnavailable("no mail transport configured: set VMP_SMTP_HOST")


def dev_mailbox_path(config: Config) -> Path:
    return Path(config.data_dir) / DEV_MAILBOX_FILE


def dev_mailbox_enabled(config: Config) -> bool:
    return config.dev_mailbox and not config.production


def build_mailer(config: Config) -> Mailer:
    """SMTP if a host is set, the dev mailbox in development, both when both apply."""
    smtp = (
        SmtpMailer(
            config.smtp_host,
            config.smtp_port,
            config.mail_from,
            starttls=config.smtp_starttls,
            username=config.smtp_username or None,
            password=config.smtp_password or None,
        )
        if config.smtp_host
        else None
    )
    dev = DevMailbox(dev_mailbox_path(config)) if dev_mailbox_enabled(config) else None
    if smtp and dev:
        return TeeMailer(smtp, dev)
    return smtp or dev or UnconfiguredMailer()


def mail_outbox_table(metadata: sa.MetaData) -> sa.Table:
    """Declare a service's ``outbox_mail`` table (its migration spells the same out)."""
    return sa.Table(
        "outbox_mail",
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("html", sa.Text, nullable=True),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        # Not before this moment: backoff after a failure, or a lease while one relay sends.
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Index("ix_outbox_mail_pending", "next_attempt_at", "id"),
    )


def enqueue(
    session: Session, table: sa.Table, message: Message, now: dt.datetime, sender: str = ""
) -> None:
    """Add ``message`` to the outbox in the caller's transaction; the relay sends it later."""
    headers = dict(message.headers)
    # Fixed now, so a resend after a crash carries the same id and clients can tell.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "volunteer-platform.invalid"
    headers.setdefault("Message-ID", make_msgid(domain=domain))
    session.execute(
        table.insert().values(
            to_address=message.to,
            subject=message.subject,
            text=message.text,
            html=message.html,
            headers=headers,
            created_at=now,
            attempts=0,
            next_attempt_at=now,
        )
    )


@dataclass(frozen=True)
class RelayOutcome:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


class MailRelay:
    """Sends a service's pending mail, one row per transaction, and marks each row.

    A row is leased (``next_attempt_at`` moved ahead) before sending so that two relays never
    send it at once; a crash between sending and marking sends it again once the lease runs
    out (at least once, same Message-ID). A sent row's body is blanked: it held the link.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        table: sa.Table,
        mailer: Mailer,
        clock: Clock = utcnow,
        batch_size: int = 50,
        lease: dt.timedelta = dt.timedelta(minutes=10),
        give_up_after: dt.timedelta = dt.timedelta(hours=48),
        max_backoff: dt.timedelta = dt.timedelta(minutes=15),
    ) -> None:
        self.session_factory, self.table, self.mailer = session_factory, table, mailer
        self.clock, self.batch_size, self.lease = clock, batch_size, lease
        self.give_up_after, self.max_backoff = give_up_after, max_backoff

    def send_pending(self) -> RelayOutcome:
        sent = retrying = failed = 0
        while sent + failed < self.batch_size:
            row = self._claim()
            if row is None:
                break
            try:
                self.mailer.send(_message(row))
            except MailRejected as exc:
                self._mark(row.id, failed_at=self._now(), last_error=str(exc)[:200])
                failed += 1
                continue
            except Exception as exc:
                gave_up = self._retry_later(row, exc)
                failed, retrying = failed + gave_up, retrying + (not gave_up)
                break  # the server is struggling: leave the rest for the next run
            self._mark(row.id, sent_at=self._now(), text="", html=None, last_error=None)
            sent += 1
        return RelayOutcome(sent, retrying, failed)

    def _now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def _claim(self) -> Any:
        t, now = self.table, self._now()
        query = (
            sa.select(t)
            .where(t.c.sent_at.is_(None), t.c.failed_at.is_(None), t.c.next_attempt_at <= now)
            .order_by(t.c.next_attempt_at, t.c.id)
            .limit(1)
        )
        with self.session_factory() as session, session.begin():
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row = session.execute(query).first()
            if row is not None:
                lease = t.update().where(t.c.id == row.id)
                session.execute(lease.values(next_attempt_at=now + self.lease))
            return row

    def _retry_later(self, row: Any, exc: Exception) -> bool:
        now, attempts = self._now(), row.attempts + 1
        log.warning("mail not sent yet: %s", exc, extra={"mail_id": row.id, "attempts": attempts})
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
        backoff = min(dt.timedelta(seconds=2**attempts), self.max_backoff)
        give_up = now - created >= self.give_up_after
        self._mark(
            row.id,
            attempts=attempts,
            next_attempt_at=now + backoff,
            failed_at=now if give_up else None,
            last_error=f"{type(exc).__name__}: {exc}"[:200],
        )
        return give_up

    def _mark(self, mail_id: int, **values: Any) -> None:
        with self.session_factory() as session, session.begin():
            session.execute(self.table.update().where(self.table.c.id == mail_id).values(**values))

    def prune(self, older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
        """Forget sent and abandoned mail after a while (addresses are personal data)."""
        t, cutoff = self.table, self._now() - older_than
        done = sa.or_(t.c.sent_at < cutoff, t.c.failed_at < cutoff)
        with self.session_factory() as session, session.begin():
            return int(getattr(session.execute(t.delete().where(done)), "rowcount", 0) or 0)


def _message(row: Any) -> Message:
    headers = row.headers if isinstance(row.headers, dict) else json.loads(row.headers or "{}")
    return Message(row.to_address, row.subject, row.text, row.html, headers)
