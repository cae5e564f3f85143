"""No personal data or secrets in the logs or the search index.

The whole platform in embedded mode (the authorisation matrix's world: organisations, roles,
volunteers with profiles, applications, availability, hours, partners) plus one volunteer
carrying unique canaries: email, name, date of birth, phone and password. They register,
sign in (and fail to), fill in their profile and availability, apply, report hours, ask
for a password reset and verify their email; a partner searches with its API key. Then
every log line (captured at the production level, INFO, in the production JSON format, and
whatever reached stdout or stderr), every file under the data folder but the stores meant to
hold personal data (so the event log and any log file too) and every text column of the
search index and the search service's database must be free of them.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.logs import JsonFormatter
from services.common.mail import DevMailbox, dev_mailbox_path
from services.common.service import runtime_of
from tests.unit.authorisation_micro import hours_body, settings
from tests.unit.authorisation_world import World

CANARY = uuid.uuid4().hex[:10]
EMAIL = f"pii-canary-{CANARY}@example.org"
NAME = f"Canary Volunteer {CANARY}"
BORN = "1963-04-17"  # no role, task or ledger in the world uses this date
PHONE = f"07700 9{CANARY[:5]}"
PASSWORD = f"canary password {CANARY}"
# The only files under the data folder meant to hold personal data: the services that own
# it, and the development mailbox (the emails themselves). Every other file is grepped
# whole, bytes and all: the event log, the search index and database, any log file.
PERSONAL_STORES = {"volunteers", "availability", "devmail"}


class Canary:
    """The canary volunteer's journey; what it used to sign in is kept to grep for."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.client = world.app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = world.ip()
        self.secrets: dict[str, str] = {}

    def run(self) -> None:
        register = {"email": EMAIL, "password": PASSWORD, "name": NAME,
                    "account_type": "volunteer"}  # fmt: skip
        self._ok("POST", "/api/v1/auth/register", json=register)
        self._verify_email()
        # A wrong password, and an unknown address with the canary's password, both logged
        # somewhere as failed sign-ins.
        self.client.post("/api/v1/auth/token", json={"email": EMAIL, "password": "wrong " * 3})
        self.client.post("/api/v1/auth/token", json={"email": "x" + EMAIL, "password": PASSWORD})
        credentials = {"email": EMAIL, "password": PASSWORD}
        signed_in = self._ok("POST", "/api/v1/auth/token", json=credentials)
        self.secrets["access token"] = signed_in["access_token"]
        headers = {"Authorization": f"Bearer {signed_in['access_token']}"}
        profile = {"postcode": "SE1 7AE", "travel_km": 10, "phone": PHONE, "date_of_birth": BORN}
        self._ok("PATCH", "/api/v1/me/profile", json=profile, headers=headers)
        self._ok("PUT", "/api/v1/availability", json=settings("SE1 7AE", BORN), headers=headers)
        role = self.world.tenant["X"]["role"]
        application = {"opportunity_id": role, "message": f"Call me on {PHONE}"}
        self._ok("POST", "/api/v1/applications", json=application, headers=headers)
        self._ok("POST", "/api/v1/hours", json=hours_body(role), headers=headers)
        self.client.post("/api/v1/auth/password-reset", json={"email": EMAIL})
        self.world.pump()
        self._partner_search()

    def _verify_email(self) -> None:
        token = self.world.link_token(EMAIL)
        self.secrets["email link token"] = token
        self._ok("POST", "/api/v1/auth/verify", json={"token": token})

    def _partner_search(self) -> None:
        path = f"/partner/v1/partners/{self.world.tenant['X']['partner']}/keys"
        key = self.world.ok("ox", "POST", path, json={"name": "Canary key"})["key"]
        self.secrets["partner API key"] = key
        by_header = self.client.get("/api/v1/search?q=befriending", headers={"X-Api-Key": key})
        # Partners may also put the key in the query string, where access logs would see it.
        by_query = self.client.get(f"/feeds/search.atom?q=befriending&api_key={key}")
        assert by_header.status_code == by_query.status_code == 200, by_header.get_json()

    def _ok(self, method: str, path: str, **kwargs: object) -> dict:
        response = self.client.open(path, method=method, **kwargs)  # type: ignore[arg-type]
        assert 200 <= response.status_code < 300, (method, path, response.get_json())
        return response.get_json(silent=True) or {}


class Captured(logging.Handler):
    """Each record at INFO and above twice: raw (everything the code put in it, before the
    formatter's redaction, which is only a backstop) and as production formats it."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.formatter_ = JsonFormatter("test")
        self.raw: list[str] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc = self.formatter_.formatException(record.exc_info) if record.exc_info else ""
        self.raw.append(f"{record.getMessage()} {vars(record)} {exc}")
        self.lines.append(self.formatter_.format(record))


@pytest.fixture
def logged() -> Iterator[Captured]:
    handler = Captured()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # production's level (VMP_LOG_LEVEL's default)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


def _text_columns(path: Path) -> Iterator[tuple[str, str]]:
    """(table.column, value) for every text value in an SQLite file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')  # names from SQLite itself
            names = [d[0] for d in cursor.description]
            for row in cursor:
                for name, value in zip(names, row, strict=True):
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    if isinstance(value, str):
                        yield f"{table}.{name}", value
    finally:
        conn.close()


def _leaks(where: str, text: str, needles: dict[str, str]) -> list[str]:
    lowered = text.lower()
    return [f"{what} in {where}" for what, needle in needles.items() if needle.lower() in lowered]


def test_no_personal_data_or_secrets_in_logs_or_the_search_index(
    tmp_path: Path, logged: Captured, capfd: pytest.CaptureFixture[str]
) -> None:
    world = World(tmp_path)
    try:
        canary = Canary(world)
        canary.run()
        search = runtime_of(world.apps["search"])
        index_path = search.extensions["index"].path
        search_db = Path(search.config.database_url.removeprefix("sqlite:///"))
    finally:
        world.close()
    personal = {"email": EMAIL, "name": NAME, "date of birth": BORN, "phone": PHONE,
                "password": PASSWORD}  # fmt: skip
    everything = {**personal, **canary.secrets}
    captured = capfd.readouterr()
    assert any('"level": "info"' in line for line in logged.lines)  # the capture works

    leaks = _leaks("the log records", "\n".join(logged.raw), everything)
    leaks += _leaks("the JSON log lines", "\n".join(logged.lines), everything)
    leaks += _leaks("stdout/stderr", captured.out + captured.err, everything)
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        if path.name.split(".sqlite")[0] not in PERSONAL_STORES:
            leaks += _leaks(path.name, path.read_bytes().decode("utf-8", "replace"), everything)
    indexed = 0
    for db in (index_path, search_db):
        for column, value in _text_columns(db):
            indexed += "Befriending volunteer" in value
            leaks += _leaks(f"{db.name} {column}", value, personal)
    assert leaks == []
    # Not vacuous: the roles were indexed, and the canary's mail went out.
    assert indexed > 0
    assert any(m["to"] == EMAIL for m in DevMailbox(dev_mailbox_path(world.config)).messages())
