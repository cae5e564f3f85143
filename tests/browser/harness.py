"""Browser-test plumbing: the platform under gunicorn, static "partner" sites on other
ports, and the Node scripts (playwright-core driving Chromium from Debian).

Plain helpers, not fixtures, so issue 7's page tests reuse them as they are.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from services.common.auth import issue_token
from tests.support import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = Path(__file__).with_name("node")
CHROMIUM = Path(os.environ.get("VMP_CHROMIUM", "/usr/bin/chromium"))
POSTCODES = ROOT / "var" / "data" / "postcodes.sqlite"


def require_browser_tools() -> None:
    """Fail (never skip) with what to run when the browser tooling is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium; `make browser-deps` does it)")
    if not (ROOT / "node_modules" / "playwright-core").is_dir():
        missing.append("node_modules/playwright-core (`make browser-deps` runs npm ci)")
    if shutil.which("node") is None:
        missing.append("node (apt-get install nodejs)")
    assert not missing, "browser tests need: " + "; ".join(missing)


def node(script: str, args: dict[str, Any], timeout_s: float = 120) -> Any:
    """Run ``tests/browser/node/<script>`` with ``args`` as JSON; return its JSON answer."""
    done = subprocess.run(
        ["node", str(NODE_DIR / script), json.dumps(args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stderr[-4000:]}"
    return json.loads(done.stdout)


VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def axe_violations(report: list[dict[str, Any]]) -> dict[str, list[tuple[str, list[str]]]]:
    """pages.mjs's report -> {page state: [(axe rule, first targets)]}, only where found."""
    found = {e["name"]: [(v["id"], v["targets"][:3]) for v in e["axe"]] for e in report}
    return {name: violations for name, violations in found.items() if violations}


def html_errors(files: list[str]) -> list[dict[str, Any]]:
    """The Nu HTML Checker's errors (not warnings) for the saved pages, in one Java run."""
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *files],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return [m for m in json.loads(done.stdout)["messages"] if m["type"] == "error"]


@dataclass
class Platform:
    """The whole platform in embedded mode under gunicorn, as `make run` starts it."""

    base: str
    data_dir: Path
    proc: subprocess.Popen[bytes]

    @functools.cached_property
    def secret(self) -> str:
        return (self.data_dir / "auth-secret").read_text().strip()

    def headers(self, account: str, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(self.secret, account, **claims)}"}

    def call(self, method: str, path: str, account: str, **kwargs: Any) -> Any:
        response = requests.request(
            method,
            self.base + path,
            headers=self.headers(account, roles=["admin"]),
            timeout=10,
            **kwargs,
        )
        assert response.status_code < 300, (
            f"{method} {path}: {response.status_code} {response.text}"[:2000]
        )
        return response.json() if response.content else None

    def log(self) -> str:
        return (self.data_dir / "gunicorn.log").read_text(errors="replace")


@contextmanager
def running_platform(data_dir: Path) -> Iterator[Platform]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "VMP_MODE": "embedded",
        "VMP_DEMO_DATA": "off",
        "VMP_DATA_DIR": str(data_dir),
        "VMP_POSTCODES_DB": str(POSTCODES),
        "VMP_PUBLIC_URL": base,
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn_config.py", "--workers", "1",
         "--threads", "8", "--bind", f"127.0.0.1:{port}", "gateway.wsgi:create_app()"],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
        stdout=(data_dir / "gunicorn.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    platform = Platform(base, data_dir, proc)
    try:
        wait_for(lambda: _healthy(base) or proc.poll() is not None, timeout_s=120)
        assert proc.poll() is None, platform.log()[-3000:]
        yield platform
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _healthy(base: str) -> bool:
    # One patient poll at a time: on a busy machine readiness can take several seconds, and
    # short timeouts would leave abandoned requests piling up on the starting server.
    try:
        return requests.get(base + "/readyz", timeout=30).status_code == 200
    except requests.RequestException:
        return False


# Three roles within 10 km of Leeds city centre, one in Manchester (about 58 km away).
NEAR = {"Library helper": "LS1 3AB", "Park warden": "LS6 2UE", "Food bank driver": "LS11 5DQ"}
FAR = {"Canal clean-up": "M1 1AE"}
OWNER = "owner"


def seed_roles(platform: Platform, **fields: Any) -> dict[str, str]:
    """One organisation with the NEAR and FAR roles, published and searchable: title -> id."""
    org = platform.call("POST", "/api/v1/organisations", OWNER,
                        json={"name": "Leeds Volunteer Centre", "type": "charity"})  # fmt: skip
    if org.get("moderation") == "pending":
        platform.call("POST", f"/api/v1/organisations/{org['id']}/approve", "admin")
    ids = {}
    for title, postcode in {**NEAR, **FAR}.items():
        role = platform.call("POST", "/api/v1/opportunities", OWNER,
                             json=role_body(org["id"], title, postcode, **fields))  # fmt: skip
        platform.call("POST", f"/api/v1/opportunities/{role['id']}/publish", OWNER)
        ids[title] = str(role["id"])

    def indexed() -> bool:
        found = requests.get(platform.base + "/api/v1/search?per_page=50", timeout=5).json()
        return {r["id"] for r in found["results"]} >= set(ids.values())

    wait_for(indexed, timeout_s=60)
    return ids


def role_body(org_id: str, title: str, postcode: str, **fields: Any) -> dict[str, Any]:
    closes = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    return {
        "organisation_id": org_id, "title": title,
        "summary": f"{title}: a few hours a week.",
        "description": f"Help as a {title.lower()} with a friendly team.",
        "causes": ["OlderPeople"], "skills": ["Communication"], "requirements": [],
        "accessibility": [], "commitment": "regular", "remote": False, "minimum_age": 16,
        "places": 3, "sessions": ["MondayMorning"], "closes_on": closes,
        "locations": [{"postcode": postcode}], **fields,
    }  # fmt: skip


@contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on its own port: a partner's website on another origin."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass
