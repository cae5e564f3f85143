"""Integration fixtures: a fresh PostgreSQL database and Kafka topic namespace per test,
and a helper to run platform process roles as real subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import unique_prefix

ROOT = Path(__file__).resolve().parents[2]
# Scale-out processes run as production (moderation on, a configured token secret).
TEST_AUTH_SECRET = "integration-tests-" + uuid.uuid4().hex


class Processes:
    """Starts `python -m MODULE` roles with an environment; kills or stops them on demand."""

    def __init__(self, log_dir: Path, env: dict[str, str]) -> None:
        self.log_dir = log_dir
        self.env = env
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env={**os.environ, **self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.running.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.running:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.running:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def pg_url(postgres_engine) -> Iterator:
    """A factory of fresh databases on the test PostgreSQL server, dropped afterwards."""
    created: list[str] = []

    def make(label: str) -> str:
        name = f"t_{label}_{uuid.uuid4().hex[:8]}"
        postgres_engine.create_database(name)
        created.append(name)
        return str(postgres_engine.dsn(name))

    yield make
    for name in created:
        postgres_engine.drop_database(name)


@pytest.fixture
def kafka_env(kafka_engine) -> dict[str, str]:
    return {
        "VMP_MODE": "scaled",
        "VMP_EVENT_LOG": "kafka",
        "VMP_KAFKA_BOOTSTRAP": kafka_engine.bootstrap,
        "VMP_TOPIC_PREFIX": unique_prefix(),
        "VMP_INDEX_PREFIX": unique_prefix().rstrip("."),
        "VMP_AUTH_SECRET": TEST_AUTH_SECRET,
        "VMP_LOG_LEVEL": "INFO",
    }


@pytest.fixture
def processes(tmp_path: Path, kafka_env: dict[str, str]) -> Iterator[Processes]:
    procs = Processes(tmp_path, kafka_env)
    yield procs
    procs.stop_all()


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[Any]:
    """A PostgreSQL server of the test's own, for tests that stop or restart it: the
    session's server is shared by every other test. Its port is the session's + 1000."""
    from deploy.engines import Postgres

    engine = Postgres(tmp_path / "pg", port=int(os.environ.get("VMP_TEST_PG_PORT", 25432)) + 1000)
    engine.start()
    yield engine
    engine.kill()
