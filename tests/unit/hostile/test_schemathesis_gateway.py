"""schemathesis over the gateway's merged OpenAPI document, through the gateway's own routing
and proxying to every service in-process. The HTML pages are not in the document."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from services.common.config import Config
from tests.unit.hostile import worlds
from tests.unit.hostile.fuzz import fuzz
from tests.unit.opportunities.conftest import role_body


@pytest.fixture
def gateway(embedded_config: Config) -> Iterator[Flask]:
    from gateway.wsgi import create_app

    app = create_app(embedded_config, start_workers=False)
    yield app
    app.extensions["platform"].shutdown()


def test_gateway_public_api(gateway: Flask) -> None:
    org = worlds.created(
        gateway,
        "/api/v1/organisations",
        {"name": "Riverside Food Bank", "type": "charity", "postcode": "SE1 7AE"},
    )
    role = worlds.created(gateway, "/api/v1/opportunities", role_body(org["id"]))
    ids = {
        "org_id": [org["id"]],
        "organisation_id": [org["id"]],
        "role_id": [role["id"]],
        "account_id": [worlds.OWNER],
    }
    report = fuzz(worlds.target(gateway, ids))
    assert report.operations >= 100
    assert not report.failures, report.summary()
    assert len(report.answered(2)) >= 30, sorted(report.statuses)
