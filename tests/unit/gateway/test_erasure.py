"""The right to erasure, end to end, on the embedded platform as it runs (worker threads on).

A volunteer with a distinctive email address, name and date of birth registers, fills in a
profile, applies for a role, saves a search, is an editor of an organisation and (as an
admin) approved it; the organisation is reminded about their application, by first name.
They delete their account. Within 60 s every service has forgotten them; then every table of
every database in the data folder (the services', the event log, the search index, the dev
mailbox), every byte of those files, and every log line are searched for the email address,
the name and the date of birth in several spellings, and none is found.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from gateway.embedded import DEFINITIONS, EmbeddedPlatform
from gateway.wsgi import create_app
from services.common.auth import issue_token
from services.common.config import Config
from services.common.envelope import utcnow
from services.common.logs import JsonFormatter
from services.common.mail import DevMailbox, dev_mailbox_path
from services.common.runtime import ServiceRuntime
from services.common.service import runtime_of
from services.volunteers.adapters.saved_search_tables import alert_items, saved_searches
from services.volunteers.domain.passwords import Passwords
from services.volunteers.service_layer.guarantee import sweep
from tests.support import wait_for
from tests.unit.conftest import POSTCODES
from tests.unit.volunteers.test_accounts_support import FAST, PASSWORD

EMAIL, NAME, BORN = "Zephyrine.Quillfeather@example.org", "Zephyrine Quillfeather", "1987-03-14"
NEEDLES = (
    EMAIL, "zephyrine.quillfeather", "Zephyrine", "Quillfeather",
    BORN, "14/03/1987", "14.03.1987", "14 March 1987", "March 14, 1987", "19870314",
    "07700 900123", "Ramp-and-hoist-7Q",
)  # fmt: skip
ERASURE_DEADLINE_S = 60.0


@dataclass
class Running:
    app: Flask
    config: Config
    data: Path
    log_file: Path

    @property
    def platform(self) -> EmbeddedPlatform:
        platform: EmbeddedPlatform = self.app.extensions["platform"]
        return platform

    def runtime(self, service: str) -> ServiceRuntime:
        return runtime_of(self.platform.apps[service])

    def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response: TestResponse = self.app.test_client().open(
            path, method=method, headers=headers, **kw
        )
        return response

    def ok(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        response = self.call(method, path, token, **kw)
        assert 200 <= response.status_code < 300, (path, response.get_json())
        return response.get_json()

    def token(self, account_id: str, **claims: Any) -> str:
        return issue_token(self.app.config["VMP_AUTH_SECRET"], account_id, **claims)

    def mail(self, to: str, containing: str) -> dict[str, Any]:
        """The newest message to ``to`` containing the text (the mail relay thread sends it)."""

        def find() -> dict[str, Any] | None:
            messages = DevMailbox(dev_mailbox_path(self.config)).messages()
            return next(
                (m for m in messages if m["to"] == to and containing in m["subject"] + m["text"]),
                None,
            )

        found: dict[str, Any] = wait_for(find, timeout_s=30)
        return found

    def register(self, email: str, name: str, kind: str) -> str:
        body = {"email": email, "password": PASSWORD, "name": name, "account_type": kind}
        account = self.ok("POST", "/api/v1/auth/register", json=body)["id"]
        token = re.search(r"token=([\w-]+)", self.mail(email, "Confirm")["text"])
        assert token is not None
        self.ok("POST", "/api/v1/auth/verify", json={"token": token.group(1)})
        return str(account)

    def scalar(self, service: str, query: str, **params: Any) -> Any:
        with self.runtime(service).engine.connect() as conn:
            return conn.execute(sa.text(query), params).scalar()

    def stop_workers_and_drain(self) -> None:
        """Stop the threads, then relay and consume by hand until nothing is left."""
        self.platform.stop.set()
        for thread in self.platform.threads:
            thread.join(10)
        runtimes = {d.name: self.runtime(d.name) for d in DEFINITIONS}
        relays = [r.relay() for r in runtimes.values()]
        consumers = [
            runtime.consumer(spec)
            for runtime, d in ((runtimes[d.name], d) for d in DEFINITIONS)
            for spec in d.consumer_specs(runtime)
        ]
        while sum(r.publish_pending() for r in relays) + sum(c.run_once(0) for c in consumers):
            pass


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    log_file = tmp_path / "platform.log"
    handler = logging.FileHandler(log_file)
    handler.setFormatter(JsonFormatter("platform"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # what runs in production (VMP_LOG_LEVEL's default)
    data = tmp_path / "data"
    config = Config(
        service="gateway",
        data_dir=data,
        event_log_path=data / "eventlog.sqlite",
        database_url=f"sqlite:///{data / 'gateway.sqlite'}",
        postcodes_db=POSTCODES,
    )
    config = replace(config, moderation_required=True)
    app = create_app(config, start_workers=False)
    runtime_of(app.extensions["platform"].apps["volunteers"]).extensions["passwords"] = Passwords(
        FAST
    )
    app.extensions["platform"].start_workers()
    try:
        yield Running(app, config, data, log_file)
    finally:
        app.extensions["platform"].shutdown()
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)


def _role(org: str) -> dict[str, Any]:
    closes = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    return {
        "organisation_id": org, "title": "Befriending volunteer", "summary": "Weekly chats.",
        "description": "Visit an older person once a week for tea and a chat.",
        "causes": ["OlderPeople"], "skills": ["Communication"], "requirements": [],
        "accessibility": [], "commitment": "regular", "remote": False, "places": 3,
        "sessions": ["MondayMorning"], "closes_on": closes, "locations": [{"postcode": "SE1 7AE"}],
    }  # fmt: skip


@dataclass
class World:
    person: str
    person_token: str
    session_cookie: str
    owner_token: str
    org: str
    application: str


def build(run: Running) -> World:
    owner = run.register("olive.owner@example.org", "Olive Owner", "organisation")
    person = run.register(EMAIL, NAME, "volunteer")
    signed_in = run.call("POST", "/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD})
    cookie = signed_in.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]
    person_token = signed_in.get_json()["access_token"]
    wrong = {"email": EMAIL.upper(), "password": "not the password"}
    assert run.call("POST", "/api/v1/auth/token", json=wrong).status_code == 401
    profile = {
        "date_of_birth": BORN, "postcode": "SE1 7AE", "phone": "07700 900123",
        "accessibility_needs": "Ramp-and-hoist-7Q", "consents": {"research": True},
    }  # fmt: skip
    run.ok("PATCH", "/api/v1/me/profile", person_token, json=profile)

    owner_token = run.token(owner, account_type="organisation")
    admin_token = run.token(person, roles=["admin"])  # the person also moderates
    body = {"name": "Riverside Befrienders", "type": "charity", "postcode": "SE1 7AE"}
    org = run.ok("POST", "/api/v1/organisations", owner_token, json=body)["id"]
    run.ok("POST", f"/api/v1/organisations/{org}/approve", admin_token)
    member = {"account_id": person, "role": "editor"}
    run.ok("POST", f"/api/v1/organisations/{org}/members", owner_token, json=member)
    role = run.ok("POST", "/api/v1/opportunities", owner_token, json=_role(org))["id"]
    run.ok("POST", f"/api/v1/opportunities/{role}/publish", owner_token)

    copied = "SELECT count(*) FROM role_copies WHERE id = :role AND status = 'published'"
    wait_for(lambda: run.scalar("volunteers", copied, role=role), timeout_s=30)
    wait_for(lambda: run.scalar("volunteers", "SELECT count(*) FROM memberships") == 2)
    message = f"Hello, I am {NAME}, born 14/03/1987. Ramp-and-hoist-7Q."
    application = run.ok(
        "POST",
        "/api/v1/applications",
        person_token,
        json={"opportunity_id": role, "message": message},
    )["id"]
    _save_search(run, person, role)
    # It has waited four days (two working days at least): the organisation is reminded.
    with run.runtime("volunteers").engine.begin() as conn:
        waited = utcnow() - dt.timedelta(days=4)
        conn.execute(sa.text("UPDATE applications SET submitted_at = :t"), {"t": waited})
    report = sweep(run.runtime("volunteers"))
    assert report.reminded == [application]
    assert "Zephyrine" in run.mail("olive.owner@example.org", "Reply to")["subject"]
    run.ok("POST", f"/api/v1/applications/{application}/seen", owner_token)
    run.ok("POST", "/api/v1/auth/password-reset", json={"email": EMAIL})
    run.mail(EMAIL, "reset the password")
    return World(person, person_token, cookie, owner_token, org, application)


def _save_search(run: Running, person: str, role: str) -> None:
    # Straight into the tables: the saved-search API is another change's.
    now = utcnow()
    with run.runtime("volunteers").engine.begin() as conn:
        conn.execute(saved_searches.insert().values(
            id="5e0c7a43-1b2d-4e5f-8a9b-0c1d2e3f4a5b", account_id=person, name="Zephyrine's tea",
            params={"q": "tea"}, frequency="daily", created_at=now, updated_at=now,
            last_sent_at=now,
        ))  # fmt: skip
        conn.execute(alert_items.insert().values(
            saved_search_id="5e0c7a43-1b2d-4e5f-8a9b-0c1d2e3f4a5b", opportunity_id=role,
            matched_at=now, state="sent", sent_at=now,
        ))  # fmt: skip


def test_an_erased_person_is_nowhere_to_be_found(running: Running) -> None:
    run = running
    world = build(run)
    export = run.ok("GET", "/api/v1/me/export", world.person_token)
    text = str(export)
    assert all(needle in text for needle in (EMAIL, NAME, BORN, "Zephyrine's tea")), text
    assert export["opportunities"]["memberships"][0]["role"] == "editor"
    assert export["opportunities"]["moderation_decisions"][0]["organisation_id"] == world.org
    pending = "SELECT count(*) FROM outbox_mail WHERE sent_at IS NULL AND failed_at IS NULL"
    wait_for(lambda: run.scalar("volunteers", pending) == 0)  # no email half-way out

    refused = run.call("DELETE", "/api/v1/me", world.person_token, json={})
    assert refused.status_code == 422
    started = time.monotonic()
    erased = run.call("DELETE", "/api/v1/me", world.person_token, json={"password": PASSWORD})
    assert erased.status_code == 202, erased.get_json()

    def forgotten() -> bool:
        held = {
            ("opportunities", "SELECT count(*) FROM organisation_members WHERE account_id = :a"),
            ("opportunities", "SELECT count(*) FROM organisations WHERE decided_by = :a"),
            ("volunteers", "SELECT count(*) FROM memberships WHERE account_id = :a"),
        }
        return not any(run.scalar(service, query, a=world.person) for service, query in held)

    wait_for(forgotten, timeout_s=ERASURE_DEADLINE_S)
    assert time.monotonic() - started < ERASURE_DEADLINE_S
    run.stop_workers_and_drain()

    stats = run.ok("GET", "/api/v1/applications/stats", query_string={"organisation_id": world.org})
    assert (stats["applications"], stats["answered"]) == (1, 1)  # still counted, anonymously
    inbox = run.ok(
        "GET",
        "/api/v1/applications",
        world.owner_token,
        query_string={"organisation_id": world.org},
    )
    [kept] = inbox["items"]
    assert kept["id"] == world.application and kept["status"] == "withdrawn"
    assert kept["volunteer_id"] != world.person and kept["message"] == ""
    cookie = {"HTTP_COOKIE": f"vmp_session={world.session_cookie}"}
    assert run.call("POST", "/api/v1/auth/refresh", environ_base=cookie).status_code == 401

    run.platform.shutdown()
    found = _search(run)
    assert found == [], found


def _search(run: Running) -> list[str]:
    """Where any needle is: table rows, raw file bytes, log lines."""
    needles = [n.casefold() for n in NEEDLES]
    found: list[str] = []
    databases = [p for p in sorted(run.data.rglob("*")) if p.is_file() and _is_sqlite(p)]
    expected = {"volunteers", "opportunities", "availability", "search", "eventlog", "devmail"}
    expected = {f"{name}.sqlite" for name in expected} | {"search-index.sqlite"}
    assert expected <= {p.name for p in databases}
    for database in databases:
        for table, value in _values(database):
            found += [f"{database.name}:{table}: {n}" for n in needles if n in value.casefold()]
    for path in sorted(p for p in run.data.rglob("*") if p.is_file()):
        raw = path.read_bytes().lower()
        found += [f"bytes of {path.name}: {n}" for n in needles if n.encode() in raw]
    for number, line in enumerate(run.log_file.read_text().splitlines(), start=1):
        found += [f"log line {number}: {n}" for n in needles if n in line.casefold()]
    return found


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(16) == b"SQLite format 3\x00"


def _values(database: Path) -> Iterator[tuple[str, str]]:
    """Every value of every table, as text; the write-ahead log folded in first."""
    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    text = (
                        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    )
                    yield table, text
    finally:
        conn.close()
