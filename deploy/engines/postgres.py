"""A throwaway PostgreSQL 15 cluster from Debian's packages, on 127.0.0.1 only.

`initdb` once into `<state>/postgres/data`, then the `postgres` server itself runs as our
child (not via `pg_ctl`, which would detach it), so it is managed like the JVM engines.
PostgreSQL refuses to run as root: see common.run_as_mode.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from .common import INSTALL_SCRIPT, EngineError, run_as_prefix, say
from .process import ManagedProcess, descendants, is_alive

PG_BIN = Path(os.environ.get("VMP_PG_BIN", "/usr/lib/postgresql/15/bin"))
RUN_AS_USER = "postgres"
# sockaddr_un.sun_path is 108 bytes; a longer socket path makes the server refuse to start.
MAX_SOCKET_PATH = 100
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class Postgres(ManagedProcess):
    name = "postgres"
    # SIGINT is PostgreSQL's "fast" shutdown.  SIGTERM ("smart") waits for every client to
    # disconnect, which a test's connection pool may never do.
    stop_signal = signal.SIGINT

    def __init__(self, state_dir: Path, port: int = 15432) -> None:
        super().__init__(state_dir)
        self.port = port
        self.data_dir = self.home / "data"

    @property
    def ports(self) -> list[int]:
        return [self.port]

    @property
    def _pid_token(self) -> str:
        return str(self.data_dir)

    def dsn(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL for a database of this cluster (trust auth: no password)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    # -- fetch ---------------------------------------------------------------------------------
    def fetch(self) -> None:
        """Nothing to download: the binaries come from Debian.  Install them if missing."""
        if (PG_BIN / "postgres").exists():
            return
        if os.geteuid() != 0:
            raise EngineError(
                f"PostgreSQL 15 not found in {PG_BIN}; as root run: "
                f"bash {INSTALL_SCRIPT} (or apt-get install -y postgresql)"
            )
        say(f"PostgreSQL 15 not found in {PG_BIN}: running {INSTALL_SCRIPT} --postgres-only")
        subprocess.run(["bash", str(INSTALL_SCRIPT), "--postgres-only"], check=False)
        if not (PG_BIN / "postgres").exists():
            raise EngineError(f"installing PostgreSQL did not provide {PG_BIN / 'postgres'}")

    # -- health --------------------------------------------------------------------------------
    def is_healthy(self) -> bool:
        # -U postgres: without it the probe logs "role root does not exist" every time.
        probe = [
            str(PG_BIN / "pg_isready"),
            "-q",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-t",
            "2",
        ]
        try:
            return subprocess.run(probe, check=False, timeout=10).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False

    # -- databases -----------------------------------------------------------------------------
    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL with psql as the postgres superuser; returns unaligned tuples-only output."""
        cmd = [
            str(PG_BIN / "psql"),
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            dbname,
            "-c",
            sql,
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise EngineError(f"psql failed ({sql!r}): {result.stderr.strip()}")
        return result.stdout

    def create_database(self, name: str) -> None:
        """Create the database if it does not exist yet."""
        _check_identifier(name)
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if not exists.strip():
            self.psql(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        """Drop the database if it exists, disconnecting any clients still using it."""
        _check_identifier(name)
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # -- faults --------------------------------------------------------------------------------
    def restart(self, immediate: bool = False, down_s: float = 0.0, timeout: float = 90) -> None:
        """Stop the server, keep it down ``down_s`` seconds, start it on the same data dir and
        port: a database restart for fault tests.  ``immediate`` is ``pg_ctl -m immediate``
        (SIGQUIT: no checkpoint, crash recovery on start); otherwise ``-m fast`` (SIGINT)."""
        self.stop_signal = signal.SIGQUIT if immediate else signal.SIGINT
        try:
            self.stop()
        finally:
            del self.stop_signal  # back to the class's fast shutdown for a later stop()
        time.sleep(down_s)
        self.start(timeout=timeout)

    # -- start-up ------------------------------------------------------------------------------
    def _prepare(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            self._remove_stale_locks()
            return
        prefix = run_as_prefix(RUN_AS_USER, [self.home])
        say(f"initialising a PostgreSQL cluster in {self.data_dir}")
        # trust: any local connection is the superuser without a password.  Acceptable only
        # because the server listens on 127.0.0.1 alone and the cluster is disposable.
        cmd = [
            *prefix,
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
            "--no-sync",
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise EngineError(f"initdb failed:\n{result.stdout}{result.stderr}")

    def _remove_stale_locks(self) -> None:
        """Delete postmaster.pid and the socket lock file if the postmaster they name is gone.

        PostgreSQL checks that pid with kill(pid, 0), which also succeeds for a zombie; where
        PID 1 does not reap orphans (some sandboxes), a killed postmaster stays a zombie
        forever and PostgreSQL would refuse to start again.
        """
        for lock in [self.data_dir / "postmaster.pid", *self.data_dir.glob(".s.PGSQL.*.lock")]:
            try:
                old = int(lock.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
            if not is_alive(old):
                lock.unlink(missing_ok=True)

    def _command(self) -> tuple[Sequence[str], dict[str, str]]:
        prefix = run_as_prefix(RUN_AS_USER, [self.home])
        socket_dir = str(self.data_dir)
        if len(socket_dir) + len(f"/.s.PGSQL.{self.port}") > MAX_SOCKET_PATH:
            socket_dir = ""  # TCP only: every client here uses 127.0.0.1 anyway
        return [
            *prefix,
            str(PG_BIN / "postgres"),
            "-D",
            str(self.data_dir),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={socket_dir}",
            # fsync only protects against an OS crash or power loss, not a killed server, and
            # this cluster is disposable: skipping it makes schema migrations much faster.
            "-c",
            "fsync=off",
        ], {}

    def _send_stop_signal(self, pid: int) -> None:
        # Signal the postmaster only: its children treat SIGINT differently (e.g. cancel a
        # query).  In runuser mode our child is `runuser`, so read the postmaster's own pid.
        try:
            postmaster = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            postmaster = pid
        if postmaster != pid and postmaster not in descendants(pid):
            postmaster = pid  # a stale file left by a crash: never signal a stranger
        with contextlib.suppress(ProcessLookupError):
            os.kill(postmaster, self.stop_signal)


def _check_identifier(name: str) -> None:
    # Database names are interpolated into SQL; allow only plain identifiers.
    if not _IDENTIFIER.match(name):
        raise EngineError(f"invalid database name {name!r}: use letters, digits and _")
