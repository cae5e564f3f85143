"""Each app under test, built in embedded mode with a few real objects to aim at.

Tokens are minted with the app's own secret the way the unit tests do; the identities are a
verified volunteer, an organisation owner (who owns the seeded organisation), a platform admin
and nobody at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask

from services.common.auth import issue_token
from services.common.config import Config
from tests.unit.conftest import POSTCODES
from tests.unit.hostile.fuzz import Target

OWNER = "owner-1"
VOLUNTEER = "volunteer-1"
ADMIN = "admin-1"
# Long enough that a slow soak run never meets an expired token.
TTL = dt.timedelta(days=1)


def service_config(service: str, folder: Path) -> Config:
    return Config(
        service=service,
        data_dir=folder,
        event_log_path=folder / "eventlog.sqlite",
        database_url=f"sqlite:///{folder / f'{service}.sqlite'}",
        postcodes_db=POSTCODES,
    )


def bearer(app: Flask, account_id: str, **claims: Any) -> dict[str, str]:
    token = issue_token(app.config["VMP_AUTH_SECRET"], account_id, ttl=TTL, **claims)
    return {"Authorization": f"Bearer {token}"}


def identities(app: Flask, volunteer: str = VOLUNTEER) -> dict[str, dict[str, str]]:
    return {
        "anonymous": {},
        "volunteer": bearer(app, volunteer, account_type="volunteer"),
        "owner": bearer(app, OWNER, account_type="organisation"),
        "admin": bearer(app, ADMIN, roles=["admin"]),
    }


def created(app: Flask, path: str, body: dict[str, Any], as_: str = OWNER) -> dict[str, Any]:
    response = app.test_client().post(path, json=body, headers=bearer(app, as_))
    assert response.status_code == 201, (path, response.get_json())
    answer: dict[str, Any] = response.get_json()
    return answer


def target(
    app: Flask,
    real_ids: dict[str, Iterable[str]] | None = None,
    *,
    volunteer: str = VOLUNTEER,
    **kw: Any,
) -> Target:
    ids = {name: tuple(values) for name, values in (real_ids or {}).items()}
    return Target(app=app, identities=identities(app, volunteer), real_ids=ids, **kw)
