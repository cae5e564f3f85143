"""The availability service in a temporary folder, with a clock tests can move, and the
organisations and members it learns from events."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.availability.definition import SERVICE
from services.common.auth import issue_token
from services.common.config import Config
from services.common.envelope import new_envelope
from services.common.eventlog.port import OutMessage
from services.common.runtime import ServiceRuntime
from tests.unit.conftest import POSTCODES

# A Monday morning, UK time = UTC in winter.
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
SECRET = "availability-test-secret-0123456789abcdef"


class Clock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(tmp_path: Path, clock: Clock) -> Iterator[Flask]:
    config = Config(
        service="availability",
        data_dir=tmp_path,
        postcodes_db=POSTCODES,
        database_url=f"sqlite:///{tmp_path / 'availability.sqlite'}",
        event_log_path=tmp_path / "eventlog.sqlite",
        auth_secret=SECRET,
    )
    app = SERVICE.create_app(config)
    app.extensions["runtime"].extensions["clock"] = clock
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def runtime(app: Flask) -> ServiceRuntime:
    found: ServiceRuntime = app.extensions["runtime"]
    return found


def bearer(account_id: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, account_id, **claims)}"}


class Orgs:
    """Organisations and their members, told to the service the way production tells it."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    def send(self, topic: str, event_type: str, version: int, key: str, data: dict) -> None:
        envelope = new_envelope(
            event_type=event_type, version=version, producer="t", key=key, data=data
        )
        self.runtime.event_log.publish([OutMessage(topic, key, json.dumps(envelope).encode())])
        [spec] = [
            s for s in SERVICE.consumer_specs(self.runtime) if s.group == "availability-copies"
        ]
        assert self.runtime.consumer(spec).run_once(2.0) >= 1

    def create(self, owner: str, name: str = "Riverside Good Neighbours") -> str:
        org_id = str(uuid.uuid4())
        self.send("organisations", "OrganisationRegistered", 3, org_id, {
            "organisation_id": org_id, "name": name, "type": "charity",
            "postcode": "SE1 7PB", "registered_at": "2026-11-01T09:00:00Z",
            "moderation": "approved",
        })  # fmt: skip
        self.member(org_id, owner, "owner")
        return org_id

    def member(self, org_id: str, account_id: str, role: str | None) -> None:
        data = {"organisation_id": org_id, "account_id": account_id, "role": role}
        self.send("organisations", "MembershipChanged", 3, org_id, data)


@pytest.fixture
def orgs(runtime: ServiceRuntime) -> Orgs:
    return Orgs(runtime)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
