"""schemathesis over every service's OpenAPI document and the gateway's: no server errors and
no response that breaks its own declared schema.

Run longer with ``VMP_FUZZ_EXAMPLES=500`` (requests per operation; 12 by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from services.availability.definition import SERVICE as AVAILABILITY
from services.common.service import runtime_of
from services.opportunities.definition import SERVICE as OPPORTUNITIES
from services.search.definition import SERVICE as SEARCH
from tests.unit.availability.conftest import Clock, Orgs
from tests.unit.availability.test_microtasks import task_body
from tests.unit.hostile import worlds
from tests.unit.hostile.fuzz import Report, fuzz
from tests.unit.opportunities.conftest import role_body
from tests.unit.search.test_search_api import role
from tests.unit.volunteers.test_accounts_support import build_accounts
from tests.unit.volunteers.test_applications import World

ORGANISATION = {"name": "Riverside Food Bank", "type": "charity", "postcode": "SE1 7AE"}


def _passes(report: Report, minimum_operations: int) -> None:
    assert report.operations >= minimum_operations
    assert not report.failures, report.summary()
    # The generated requests reached real handlers, not only the authentication layer.
    assert len(report.answered(2)) >= minimum_operations // 3, sorted(report.statuses)


@pytest.fixture
def closing() -> Iterator[list[Flask]]:
    apps: list[Flask] = []
    yield apps
    for app in apps:
        runtime_of(app).close()


def test_opportunities_service(tmp_path: Path, closing: list[Flask]) -> None:
    app = OPPORTUNITIES.create_app(worlds.service_config("opportunities", tmp_path))
    closing.append(app)
    org = worlds.created(app, "/api/v1/organisations", ORGANISATION)
    draft = worlds.created(app, "/api/v1/opportunities", role_body(org["id"]))
    ids = {
        "org_id": [org["id"]],
        "organisation_id": [org["id"]],
        "role_id": [draft["id"]],
        "account_id": [worlds.OWNER],
    }
    _passes(fuzz(worlds.target(app, ids)), 25)


def test_volunteers_service(tmp_path: Path, closing: list[Flask]) -> None:
    accounts = build_accounts(tmp_path)
    closing.append(accounts.app)
    jane = accounts.register("jane@example.org").get_json()
    accounts.post("verify", {"token": accounts.token_in("jane@example.org")})
    saved = worlds.created(
        accounts.app,
        "/api/v1/saved-searches",
        {"name": "Near work", "params": {"postcode": "SE1 7PB"}, "frequency": "daily"},
        as_=jane["id"],
    )
    world = World(accounts.app)  # an organisation of OWNER's with a published role
    application = worlds.created(
        accounts.app,
        "/api/v1/applications",
        {"opportunity_id": world.role["id"], "message": "I can help on Mondays."},
        as_=jane["id"],
    )
    ids = {
        "search_id": [saved["id"]],
        "application_id": [application["id"]],
        "opportunity_id": [world.role["id"]],
    }
    _passes(fuzz(worlds.target(accounts.app, ids, volunteer=jane["id"])), 25)


def test_availability_service(tmp_path: Path, closing: list[Flask]) -> None:
    app = AVAILABILITY.create_app(worlds.service_config("availability", tmp_path))
    closing.append(app)
    runtime_of(app).extensions["clock"] = Clock()  # the tasks below start after it
    org_id = Orgs(runtime_of(app)).create(worlds.OWNER)
    credential = worlds.created(
        app,
        "/api/v1/credentials",
        {"kind": "dbs", "level": "enhanced", "workforce": "adult", "issued_on": "2025-06-01"},
        as_=worlds.VOLUNTEER,
    )
    task = worlds.created(app, "/api/v1/microtasks", task_body(org_id))
    ids = {
        "org_id": [org_id],
        "organisation_id": [org_id],
        "credential_id": [credential["id"]],
        "task_id": [task["id"]],
    }
    _passes(fuzz(worlds.target(app, ids)), 40)


def test_search_service(tmp_path: Path, closing: list[Flask]) -> None:
    app = SEARCH.create_app(worlds.service_config("search", tmp_path))
    closing.append(app)
    runtime = runtime_of(app)
    runtime.extensions["clock"] = lambda: dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    runtime.extensions["index"].upsert([role("near"), role("online", remote=True, locations=())])
    _passes(fuzz(worlds.target(app)), 8)
