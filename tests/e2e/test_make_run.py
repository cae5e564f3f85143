"""`make run` on this checkout: the platform comes up embedded, serves every service's
health through the gateway, accepts a write, and stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from services.common.auth import issue_token
from tests.support import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("opportunities", "volunteers", "availability", "search")


def _start(port: int, data_dir: Path, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "VMP_LOG_LEVEL": "INFO"}  # the second-run test reads the log
    return subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}", f"DATA_DIR={data_dir}"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )


def _up(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def _demo_roles_near(base: str, postcode: str) -> int:
    query = f"{base}/api/v1/search?postcode={postcode}&radius_km=25&remote=exclude"
    body = requests.get(query, timeout=5).json()
    return int(body["total"]) if body["total"] >= 3 else 0


def _ctrl_c(proc: subprocess.Popen) -> int:
    os.killpg(proc.pid, signal.SIGINT)
    return proc.wait(timeout=30)


def test_make_run_serves_every_service_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(port, tmp_path / "data", tmp_path / "run.log")
    try:
        wait_for(lambda: _up(base) or proc.poll() is not None, timeout_s=180)
        assert proc.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
        for service in SERVICES:
            response = requests.get(f"{base}/services/{service}/healthz", timeout=5)
            assert response.status_code == 200
            assert response.json() == {"service": service, "status": "ok"}
        assert requests.get(base + "/readyz", timeout=10).status_code == 200
        # First start: the demo roles arrive in search through the outbox and the indexer.
        near = wait_for(lambda: _demo_roles_near(base, "LS1 4DY"), timeout_s=180)
        assert near >= 3
        secret = (tmp_path / "data" / "auth-secret").read_text().strip()
        token = issue_token(secret, "e2e-account")
        created = requests.post(
            base + "/api/v1/organisations",
            json={"name": "Riverside Food Bank", "type": "charity"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert created.status_code == 201, created.text
    finally:
        if proc.poll() is None:
            _ctrl_c(proc)
    assert not _up(base), "the gateway still answers after Ctrl-C"
    leftovers = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", "processes left behind after Ctrl-C"


def test_a_second_make_run_reuses_what_the_first_built(tmp_path: Path) -> None:
    """The second start finds its virtualenv, data and databases in place (no rebuild)."""
    data = tmp_path / "data"
    for attempt in range(2):
        port = free_port()
        log_path = tmp_path / f"run{attempt}.log"
        started = time.monotonic()
        proc = _start(port, data, log_path)
        try:
            wait_for(lambda: _up(f"http://127.0.0.1:{port}"), timeout_s=180)  # noqa: B023
        finally:
            _ctrl_c(proc)
        elapsed = time.monotonic() - started
        print(f"make run #{attempt + 1}: healthy after {elapsed:.1f} s")
    second_log = (tmp_path / "run1.log").read_text()
    assert "pip install" not in second_log and "Building" not in second_log
    assert "Running upgrade" not in second_log  # databases already migrated
