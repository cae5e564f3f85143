"""The opportunities service alone, on a temporary SQLite database and embedded event log,
with a clock the tests move by hand."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from services.common.auth import issue_token
from services.common.config import Config
from services.common.runtime import ServiceRuntime
from services.common.service import runtime_of
from services.opportunities.definition import SERVICE
from tests.unit.conftest import POSTCODES

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


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
class Service:
    """The app, its runtime and clock, and helpers to call it as someone."""

    app: Flask
    clock: FakeClock

    @property
    def runtime(self) -> ServiceRuntime:
        return runtime_of(self.app)

    @property
    def client(self) -> FlaskClient:
        return self.app.test_client()

    def token(self, account_id: str, **claims: Any) -> dict[str, str]:
        token = issue_token(self.app.config["VMP_AUTH_SECRET"], account_id, **claims)
        return {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, as_: str | None = None, **kwargs: Any) -> Any:
        headers = self.token(as_, **kwargs.pop("claims", {})) if as_ else {}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def events(self, topic: str | None = None) -> list[dict[str, Any]]:
        """Envelopes in the outbox, oldest first, each checked against the registry again."""
        with self.runtime.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT topic, payload FROM outbox ORDER BY id")).all()
        envelopes = []
        for row in rows:
            envelope = json.loads(row.payload)
            self.runtime.registry.validate(row.topic, envelope)
            if topic is None or row.topic == topic:
                envelopes.append(envelope)
        return envelopes

    def event_types(self, topic: str | None = None) -> list[str]:
        return [e["event_type"] for e in self.events(topic)]

    def register(self, as_: str = "owner-1", **fields: Any) -> dict[str, Any]:
        body = {"name": "Riverside Food Bank", "type": "charity", "postcode": "SE1 7AE", **fields}
        response = self.call("POST", "/api/v1/organisations", as_, json=body)
        assert response.status_code == 201, response.get_json()
        created: dict[str, Any] = response.get_json()
        return created

    def create_role(self, org_id: str, as_: str = "owner-1", **fields: Any) -> dict[str, Any]:
        response = self.call("POST", "/api/v1/opportunities", as_, json=role_body(org_id, **fields))
        assert response.status_code == 201, response.get_json()
        created: dict[str, Any] = response.get_json()
        return created

    def act(self, role_id: str, action: str, as_: str = "owner-1", **kwargs: Any) -> Any:
        return self.call("POST", f"/api/v1/opportunities/{role_id}/{action}", as_, **kwargs)


def role_body(org_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "organisation_id": org_id,
        "title": "Befriending volunteer",
        "summary": "Weekly chats with an older neighbour.",
        "description": "Visit an older person once a week for tea and a chat.",
        "causes": ["OlderPeople"],
        "skills": ["Communication"],
        "requirements": [],
        "accessibility": [],
        "commitment": "regular",
        "locations": [{"postcode": "SE1 7AE"}],
        "remote": False,
        "minimum_age": 16,
        "places": 3,
        "sessions": ["MondayMorning"],
        "closes_on": "2027-01-31",
        **fields,
    }


def service_config(tmp_path: Path, **overrides: Any) -> Config:
    config = Config(
        service="opportunities",
        data_dir=tmp_path,
        event_log_path=tmp_path / "eventlog.sqlite",
        database_url=f"sqlite:///{tmp_path / 'opportunities.sqlite'}",
        postcodes_db=POSTCODES,
    )
    return replace(config, **overrides)


def build_service(folder: Path, **overrides: Any) -> Service:
    app = SERVICE.create_app(service_config(folder, **overrides))
    clock = FakeClock()
    runtime_of(app).extensions["clock"] = clock
    return Service(app, clock)


@pytest.fixture
def make_service(tmp_path: Path) -> Iterator[Callable[..., Service]]:
    built: list[Service] = []

    def make(**overrides: Any) -> Service:
        built.append(build_service(tmp_path / str(len(built)), **overrides))
        return built[-1]

    yield make
    for service in built:
        service.runtime.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service for a whole module, for tests that must leave nothing behind."""
    service = build_service(tmp_path_factory.mktemp("shared"))
    yield service
    service.runtime.close()


@pytest.fixture
def svc(make_service: Callable[..., Service]) -> Service:
    """Moderation off: organisations are approved when they register."""
    return make_service()


@pytest.fixture
def moderated(make_service: Callable[..., Service]) -> Service:
    return make_service(moderation_required=True)
