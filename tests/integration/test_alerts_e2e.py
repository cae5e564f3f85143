"""The alert path end to end, on both run modes: a volunteer registers (the verification
email comes by real SMTP), saves a search, an organisation publishes a matching role, the
percolator matches it, and the alert arrives at a real SMTP server exactly once; its
one-click unsubscribe link works, and after it a second matching role sends nothing.

Embedded: the gateway with every service in-process and its background workers running.
Scale-out: every service and worker role as its own process on Kafka, Elasticsearch and
PostgreSQL, the gateway routing over HTTP.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa

from services.common.auth import issue_token, resolve_secret
from services.common.config import Config
from tests.integration.conftest import TEST_AUTH_SECRET
from tests.integration.test_mail_smtp import Inbox, start
from tests.integration.test_scaled_topology import _answers, _gunicorn
from tests.support import free_port, wait_for
from tests.unit.conftest import POSTCODES

PUBLIC_URL = "https://volunteer.example.org"
EMAIL = "alex.alerts@example.org"
PASSWORD = "correct horse battery staple"


@dataclass
class Reply:
    status: int
    body: Any


Call = Callable[..., Reply]  # call(method, path, json=..., headers=..., data=...) -> Reply


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    inbox = Inbox()
    controller = start(inbox, free_port())
    inbox.port = controller.port  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


def test_alert_path_embedded(tmp_path: Path, inbox: Inbox) -> None:
    from gateway.wsgi import create_app

    config = Config(
        service="gateway",
        data_dir=tmp_path,
        event_log_path=tmp_path / "eventlog.sqlite",
        database_url=f"sqlite:///{tmp_path / 'gateway.sqlite'}",
        postcodes_db=POSTCODES,
        public_url=PUBLIC_URL,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,  # type: ignore[attr-defined]
    )
    app = create_app(config, start_workers=True)
    client = app.test_client()

    def call(method: str, path: str, **kw: Any) -> Reply:
        response = client.open(path, method=method, **kw)
        return Reply(response.status_code, response.get_json(silent=True))

    try:
        journey(call, inbox, resolve_secret(config))
    finally:
        app.extensions["platform"].shutdown()


@pytest.mark.kafka
@pytest.mark.postgres
@pytest.mark.elasticsearch
def test_alert_path_scaled(processes, pg_url, elasticsearch_engine, inbox: Inbox) -> None:
    services = ("opportunities", "volunteers", "availability", "search")
    ports = {s: free_port() for s in services}
    mail = {"VMP_SMTP_HOST": "127.0.0.1", "VMP_SMTP_PORT": str(inbox.port),  # type: ignore[attr-defined]
            "VMP_PUBLIC_URL": PUBLIC_URL, "VMP_POSTCODES_DB": str(POSTCODES)}  # fmt: skip
    dbs = {s: pg_url(s) for s in services}
    for service in services:
        env = {"VMP_DATABASE_URL": dbs[service],
               "VMP_ELASTICSEARCH_URL": elasticsearch_engine.url, **mail}  # fmt: skip
        module = f"services.{service}.entrypoints"
        processes.start(f"{service}-api", *_gunicorn(f"{module}.wsgi:create_app()", ports[service]),
                        env=env)  # fmt: skip
        workers = {"volunteers": ("relay", "consume", "schedule"),
                   "search": ("relay", "consume", "schedule"),
                   "opportunities": ("relay", "consume")}.get(service, ("relay",))  # fmt: skip
        for role in workers:
            processes.start(f"{service}-{role}", f"{module}.cli", role, env=env)
    gateway_port = free_port()
    urls = {f"VMP_{s.upper()}_URL": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    processes.start("gateway", *_gunicorn("gateway.wsgi:create_app()", gateway_port), env=urls)
    base = f"http://127.0.0.1:{gateway_port}"
    wait_for(lambda: _answers(base + "/readyz"), timeout_s=120, interval_s=1)

    def call(method: str, path: str, **kw: Any) -> Reply:
        response = requests.request(method, base + path, timeout=10, **kw)
        try:
            body = response.json()
        except ValueError:
            body = None
        return Reply(response.status_code, body)

    volunteer = journey(call, inbox, TEST_AUTH_SECRET, moderation=True)
    erase_and_search_everywhere(call, volunteer, dbs, processes, elasticsearch_engine.url)


def erase_and_search_everywhere(
    call: Call, volunteer: dict[str, str], dbs: dict[str, str], processes: Any, es_url: str
) -> None:
    """Data rights on the real engines: after DELETE /api/v1/me, no table of any service's
    PostgreSQL database, no process log and no Elasticsearch index holds the person's email,
    name or date of birth (within 60 s)."""
    dob = "1987-03-14"
    profile = call("PATCH", "/api/v1/me/profile", headers=volunteer,
                   json={"date_of_birth": dob, "postcode": "AL1 3JE"})  # fmt: skip
    assert profile.status == 200, profile.body
    exported = call("GET", "/api/v1/me/export", headers=volunteer)
    assert exported.status == 200 and EMAIL in str(exported.body) and dob in str(exported.body)
    erased = call("DELETE", "/api/v1/me", headers=volunteer, json={"password": PASSWORD})
    assert erased.status == 202, erased.body
    secrets = (EMAIL, "Alex Alerts", dob, "14/03/1987")

    def found_anywhere() -> list[str]:
        hits = [f"{service}.{table}" for service, url in dbs.items()
                for table in _tables_holding(url, secrets)]  # fmt: skip
        hits += [name for name in _log_names(processes) if _any(processes.log(name), secrets)]
        text = requests.get(f"{es_url}/_all/_search?size=1000", timeout=10).text
        return hits + (["elasticsearch"] if _any(text, secrets) else [])

    started = time.monotonic()
    wait_for(lambda: not found_anywhere(), timeout_s=60, interval_s=2)
    assert time.monotonic() - started < 60
    gone = call("POST", "/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD})
    assert gone.status == 401


def _tables_holding(url: str, secrets: tuple[str, ...]) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    found = []
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            if _any(" ".join(str(v) for row in rows for v in row), secrets):
                found.append(table)
    engine.dispose()
    return found


def _log_names(processes: Any) -> list[str]:
    return [path.stem for path in Path(processes.log_dir).glob("*.log")]


def _any(text: str, secrets: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(secret.lower() in lowered for secret in secrets)


def journey(call: Call, inbox: Inbox, secret: str, moderation: bool = False) -> dict[str, str]:
    # A volunteer registers and confirms the address from the email that really arrived.
    registered = call("POST", "/api/v1/auth/register", json={
        "email": EMAIL, "password": PASSWORD, "name": "Alex Alerts", "account_type": "volunteer",
    })  # fmt: skip
    assert registered.status == 201, registered.body
    verify = wait_for(lambda: _mail(inbox, "Confirm"), timeout_s=60)
    token = re.search(r"token=([\w-]+)", verify.get_body(("plain",)).get_content()).group(1)  # type: ignore[union-attr]
    assert call("POST", "/api/v1/auth/verify", json={"token": token}).status == 200
    signed_in = call("POST", "/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD})
    volunteer = {"Authorization": f"Bearer {signed_in.body['access_token']}"}
    saved = call("POST", "/api/v1/saved-searches", headers=volunteer, json={
        "name": "Gardening near St Albans", "frequency": "instant",
        "params": {"postcode": "AL1 3JE", "radius_km": "5", "q": "gardening"},
    })  # fmt: skip
    assert saved.status == 201, saved.body

    owner = {"Authorization": f"Bearer {issue_token(secret, 'owner-alerts')}"}
    admin = {"Authorization": f"Bearer {issue_token(secret, 'admin-alerts', roles=['admin'])}"}
    org = call("POST", "/api/v1/organisations", headers=owner, json={
        "name": "St Albans Community Garden", "type": "community_group", "postcode": "AL1 3JE",
    })  # fmt: skip
    assert org.status == 201, org.body
    if moderation:
        approved = call("POST", f"/api/v1/organisations/{org.body['id']}/approve", headers=admin)
        assert approved.status == 200
    # Give the percolator time to hear of the saved search (it is an event away).
    time.sleep(3)
    first = _publish(call, owner, org.body["id"], "Community gardening helper")

    alert = wait_for(lambda: _mail(inbox, "saved search"), timeout_s=90, interval_s=0.5)
    assert alert["To"] == EMAIL
    assert "Community gardening helper" in alert.get_body(("plain",)).get_content()
    assert f"{PUBLIC_URL}/opportunities/{first}" in alert.get_body(("plain",)).get_content()
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = alert["List-Unsubscribe"].strip("<>")
    time.sleep(8)  # more relay, percolator and digest rounds: still exactly one alert
    assert len(_alerts(inbox)) == 1

    # The mail client's one-click unsubscribe (RFC 8058): POST to the link, no sign-in.
    parts = urlsplit(link)
    done = call("POST", f"{parts.path}?{parts.query}", data={"List-Unsubscribe": "One-Click"})
    assert done.status == 200 and done.body["frequency"] == "off"
    mine = call("GET", f"/api/v1/saved-searches/{saved.body['id']}", headers=volunteer)
    assert mine.body["frequency"] == "off"
    time.sleep(3)
    _publish(call, owner, org.body["id"], "Weekend gardening volunteer")
    time.sleep(10)
    assert len(_alerts(inbox)) == 1
    return volunteer


def _publish(call: Call, owner: dict[str, str], org_id: str, title: str) -> str:
    role = call("POST", "/api/v1/opportunities", headers=owner, json={
        "organisation_id": org_id, "title": title,
        "summary": "Help keep the community garden growing.",
        "description": "Weeding, watering and planting with a friendly team.",
        "causes": ["Environment"], "commitment": "regular",
        "locations": [{"postcode": "AL1 3JE"}], "remote": False, "closes_on": "2099-01-31",
    })  # fmt: skip
    assert role.status == 201, role.body
    published = call("POST", f"/api/v1/opportunities/{role.body['id']}/publish", headers=owner)
    assert published.status == 200, published.body
    return str(role.body["id"])


def _alerts(inbox: Inbox) -> list[Any]:
    return [m for _f, _to, m in inbox.received if "saved search" in m["Subject"]]


def _mail(inbox: Inbox, subject_part: str) -> Any:
    found = [m for _f, _to, m in inbox.received if subject_part in m["Subject"]]
    return found[-1] if found else None
