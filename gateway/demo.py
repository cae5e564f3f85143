"""Demo data for `make run`: on first start, a few hundred roles at real postcodes.

Loaded through the public API (the opportunities service in-process), as an organisation
would post them, so demo roles take the same path as real ones: validation, the outbox,
the relay and the search indexer. A marker file in the data folder makes it once only.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from rich.progress import track

from services.common.auth import issue_token
from services.common.service import runtime_of
from services.opportunities.demo import demo_dataset

log = logging.getLogger(__name__)
DEMO_OWNER = "demo-owner"
MARKER = "demo-data-loaded"


class DemoLoadFailed(RuntimeError):
    pass


def load_demo(opportunities: Flask, data_dir: Path, today: dt.date | None = None) -> int:
    """Post every demo organisation and role; returns the number of roles published."""
    marker = Path(data_dir) / MARKER
    if marker.exists() or _has_organisations(opportunities):
        return 0  # loaded before, or a real deployment: never mix demo roles into real ones
    dataset = demo_dataset(today or dt.date.today())
    token = issue_token(opportunities.config["VMP_AUTH_SECRET"], DEMO_OWNER, roles=["admin"])
    client = opportunities.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = client.open(path, method=method, json=body, headers=headers)
        if response.status_code >= 300:
            raise DemoLoadFailed(f"{method} {path}: {response.status_code} {response.get_data()!r}")
        result: dict[str, Any] = response.get_json()
        return result

    ids = {}
    for org in track(dataset.organisations, description="demo organisations"):
        body = {k: v for k, v in org.items() if k not in {"key", "catchment"}}
        created = call("POST", "/api/v1/organisations", body)
        ids[org["key"]] = created["id"]
        if created.get("moderation") == "pending":  # a deployment with moderation on
            call("POST", f"/api/v1/organisations/{created['id']}/approve")
        if org.get("catchment"):
            call("PATCH", f"/api/v1/organisations/{created['id']}", {"catchment": org["catchment"]})
    for role in track(dataset.roles, description="demo roles"):
        body = {k: v for k, v in role.items() if k != "organisation_key"}
        body["organisation_id"] = ids[role["organisation_key"]]
        created = call("POST", "/api/v1/opportunities", body)
        call("POST", f"/api/v1/opportunities/{created['id']}/publish")
    marker.write_text(f"{len(dataset.roles)} roles loaded {dt.datetime.now(dt.UTC).isoformat()}\n")
    log.info("demo data loaded", extra={"roles": len(dataset.roles)})
    return len(dataset.roles)


def _has_organisations(opportunities: Flask) -> bool:
    engine = runtime_of(opportunities).engine
    with engine.connect() as conn:
        return bool(conn.execute(sa.text("SELECT count(*) FROM organisations")).scalar())


def load_demo_in_background(opportunities: Flask, data_dir: Path) -> threading.Thread:
    """The server answers at once; the roles appear in search as they are indexed."""

    def run() -> None:
        try:
            load_demo(opportunities, data_dir)
        except Exception:
            log.exception("demo data failed to load")

    thread = threading.Thread(target=run, name="demo-data", daemon=True)
    thread.start()
    return thread
