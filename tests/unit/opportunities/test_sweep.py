"""The "still recruiting?" sweep against the service's database, with a hand-moved clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.common.config import Config
from services.opportunities.definition import SERVICE
from services.opportunities.entrypoints.cli import main
from services.opportunities.service_layer.sweep import sweep
from tests.unit.conftest import POSTCODES
from tests.unit.opportunities.conftest import START, Service, role_body


def _published(svc: Service, **fields: Any) -> str:
    org_id = svc.register()["id"]
    role_id = str(svc.create_role(org_id, **fields)["id"])
    assert svc.act(role_id, "publish").status_code == 200
    return role_id


def _reminders(svc: Service) -> list[tuple[str, str]]:
    with svc.runtime.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT opportunity_id, reason FROM recruiting_reminders ORDER BY id")
        ).all()
    return [(row[0], row[1]) for row in rows]


def _status(svc: Service, role_id: str) -> str:
    return str(svc.call("GET", f"/api/v1/opportunities/{role_id}").get_json()["status"])


def test_an_idle_role_is_asked_after_90_days_and_paused_7_days_later(svc: Service) -> None:
    role_id = _published(svc, closes_on=None)
    svc.clock.advance(days=89)
    assert sweep(svc.runtime).as_dict() == {"asked": [], "paused": [], "expired": []}
    svc.clock.advance(days=1)
    assert sweep(svc.runtime).asked == [role_id]
    assert sweep(svc.runtime).asked == []  # asked once, not on every run
    assert _reminders(svc) == [(role_id, "idle")]
    svc.clock.advance(days=6, hours=23)
    assert sweep(svc.runtime).paused == []
    svc.clock.advance(hours=1)
    assert sweep(svc.runtime).paused == [role_id]
    assert _status(svc, role_id) == "paused"
    paused = svc.events("opportunities")[-1]
    assert paused["event_type"] == "OpportunityPaused"
    assert paused["data"]["reason"] == "Not confirmed as still recruiting"
    assert paused["data"]["revision"] == 3
    assert paused["occurred_at"] == "2027-03-08T09:00:00Z"  # 1 December + 97 days


def test_confirming_after_the_ask_keeps_the_role_published(svc: Service) -> None:
    role_id = _published(svc, closes_on=None)
    svc.clock.advance(days=90)
    assert sweep(svc.runtime).asked == [role_id]
    svc.clock.advance(days=1)
    confirmed = svc.act(role_id, "confirm")
    assert confirmed.status_code == 200
    assert confirmed.get_json()["confirmed_at"] == "2027-03-02T09:00:00Z"
    svc.clock.advance(days=30)
    assert sweep(svc.runtime).as_dict() == {"asked": [], "paused": [], "expired": []}
    assert _status(svc, role_id) == "published"
    assert svc.event_types("opportunities")[-1] == "OpportunityConfirmed"


def test_a_role_is_asked_a_week_before_closing_then_expires(svc: Service) -> None:
    role_id = _published(svc, closes_on="2026-12-31")
    svc.clock.advance(days=22)  # 23 December: 8 days to go
    assert sweep(svc.runtime).asked == []
    svc.clock.advance(days=1)
    assert sweep(svc.runtime).asked == [role_id]
    assert _reminders(svc) == [(role_id, "closing_soon")]
    svc.act(role_id, "confirm")
    svc.clock.advance(days=7)  # 31 December: closes today, still open
    assert sweep(svc.runtime).as_dict() == {"asked": [], "paused": [], "expired": []}
    svc.clock.advance(days=1)
    assert sweep(svc.runtime).expired == [role_id]
    assert _status(svc, role_id) == "expired"
    expired = svc.events("opportunities")[-1]
    assert (expired["event_type"], expired["data"]["opportunity"]["status"]) == (
        "OpportunityExpired",
        "expired",
    )


def test_paused_roles_expire_and_drafts_and_closed_roles_do_not(svc: Service) -> None:
    paused = _published(svc, closes_on="2026-12-05")
    svc.act(paused, "pause")
    org_id = svc.register(name="Other")["id"]
    draft = svc.create_role(org_id, closes_on="2026-12-05")["id"]
    closed = _published(svc, closes_on="2026-12-05")
    svc.act(closed, "close")
    svc.clock.advance(days=5)
    assert sweep(svc.runtime).expired == [paused]
    draft_status = svc.call("GET", f"/api/v1/opportunities/{draft}", "owner-1").get_json()["status"]
    assert (_status(svc, paused), draft_status, _status(svc, closed)) == (
        "expired",
        "draft",
        "closed",
    )


def test_an_expired_role_can_be_given_a_new_date_and_republished(svc: Service) -> None:
    role_id = _published(svc, closes_on="2026-12-05")
    svc.clock.advance(days=5)
    sweep(svc.runtime)
    path = f"/api/v1/opportunities/{role_id}"
    assert svc.call("PATCH", path, "owner-1", json={"closes_on": "2027-02-01"}).status_code == 200
    assert svc.act(role_id, "publish").status_code == 200


def test_the_periodic_job_runs_the_sweep(svc: Service) -> None:
    expiring = _published(svc, closes_on="2026-12-05")
    later = _published(svc, closes_on="2026-12-17")
    [job] = SERVICE.periodic_jobs(svc.runtime)
    assert job.name == "recruiting-sweep" and 0 < job.interval_s <= 86400
    svc.clock.advance(days=10)
    assert job.run() == {"asked": [later], "paused": [], "expired": [expiring]}
    assert _status(svc, expiring) == "expired"
    svc.clock.advance(days=10)
    job.run()
    assert _status(svc, later) == "expired"


def test_the_cli_sweeps_once_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VMP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VMP_POSTCODES_DB", str(POSTCODES))
    monkeypatch.setenv("VMP_MODERATION", "off")
    app = SERVICE.create_app(Config.from_env("opportunities"))
    svc = Service(app, clock=lambda: START)  # type: ignore[arg-type]
    org_id = svc.register()["id"]
    role = svc.call("POST", "/api/v1/opportunities", "owner-1", json=role_body(org_id))
    role_id = role.get_json()["id"]
    svc.act(role_id, "publish")
    svc.runtime.close()
    capsys.readouterr()
    assert main(["sweep", "--now", "2027-02-01T06:00:00"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report == {"asked": [], "paused": [], "expired": [role_id]}
