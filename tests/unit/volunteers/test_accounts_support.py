"""Helpers for the account tests (no tests here): the volunteers service on a temporary
SQLite database, a clock the tests move by hand, a cheap password hasher, and the dev mailbox.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from services.common.config import Config
from services.common.mail import DevMailbox, RelayOutcome
from services.common.runtime import ServiceRuntime
from services.common.service import runtime_of
from services.volunteers.definition import MAIL_RELAY_JOB, SERVICE
from services.volunteers.domain.passwords import Passwords
from tests.unit.conftest import POSTCODES

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"
# Real argon2id, with parameters small enough for hundreds of hashes in a test run.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class FakeClock:
    """Stands still until a test moves it."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@dataclass
class Accounts:
    """The service, its clock and mailbox, and the calls the account tests make."""

    app: Flask
    clock: FakeClock
    folder: Path

    @property
    def runtime(self) -> ServiceRuntime:
        return runtime_of(self.app)

    @property
    def client(self) -> FlaskClient:
        return self.app.test_client()

    def post(self, path: str, body: dict[str, Any], ip: str = "192.0.2.1", **kw: Any) -> Any:
        environ = {"REMOTE_ADDR": ip}
        return self.client.post(f"/api/v1/auth/{path}", json=body, environ_base=environ, **kw)

    def register(self, email: str = "jane@example.org", **fields: Any) -> TestResponse:
        body = {
            "email": email,
            "password": PASSWORD,
            "name": "Jane Doe",
            "account_type": "volunteer",
            **fields,
        }
        response: TestResponse = self.post("register", body)
        return response

    def sign_in(self, email: str = "jane@example.org", password: str = PASSWORD, **kw: Any) -> Any:
        return self.post("token", {"email": email, "password": password}, **kw)

    def bearer(self, email: str = "jane@example.org", password: str = PASSWORD) -> dict[str, str]:
        response = self.sign_in(email, password)
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    def relay_mail(self) -> RelayOutcome:
        [job] = [j for j in SERVICE.periodic_jobs(self.runtime) if j.name == MAIL_RELAY_JOB]
        outcome = job.run()
        assert isinstance(outcome, RelayOutcome)
        return outcome

    def mailbox(self) -> list[dict[str, Any]]:
        """Messages in the dev mailbox, newest first (after relaying what is pending)."""
        self.relay_mail()
        return DevMailbox(self.folder / "devmail.sqlite").messages()

    def link(self, to: str, subject: str | None = None) -> str:
        """The link in the newest email to ``to`` (with that subject)."""
        for message in self.mailbox():
            if message["to"] == to and subject in (None, message["subject"]):
                found = re.search(r"https?://\S+", message["text"])
                assert found, message["text"]
                return found.group(0)
        raise AssertionError(f"no email to {to} ({subject})")

    def token_in(self, to: str, subject: str | None = None) -> str:
        return self.link(to, subject).split("token=", 1)[1]

    def events(self) -> list[dict[str, Any]]:
        """Account envelopes in the outbox, oldest first, each checked against the registry."""
        with self.runtime.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT topic, payload FROM outbox ORDER BY id")).all()
        envelopes = []
        for row in rows:
            envelope = json.loads(row.payload)
            self.runtime.registry.validate(row.topic, envelope)
            if row.topic == "accounts":
                envelopes.append(envelope)
        return envelopes

    def database_text(self) -> str:
        """Every value in every table, as one string (to look for what must not be there)."""
        parts: list[str] = []
        with self.runtime.engine.connect() as conn:
            for table in sa.inspect(conn).get_table_names():
                for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                    parts.extend(str(value) for value in row)
        return "\n".join(parts)


def service_config(folder: Path, **overrides: Any) -> Config:
    config = Config(
        service="volunteers",
        data_dir=folder,
        event_log_path=folder / "eventlog.sqlite",
        database_url=f"sqlite:///{folder / 'volunteers.sqlite'}",
        postcodes_db=POSTCODES,
        public_url="https://volunteer.example.org",
    )
    return replace(config, **overrides)


def build_accounts(folder: Path, hasher: PasswordHasher = FAST, **overrides: Any) -> Accounts:
    app = SERVICE.create_app(service_config(folder, **overrides))
    clock = FakeClock()
    runtime_of(app).extensions["clock"] = clock
    runtime_of(app).extensions["passwords"] = Passwords(hasher)
    return Accounts(app, clock, folder)
