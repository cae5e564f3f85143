"""Process management shared by the engines: spawn, pid files, health waits, stop and kill.

Every engine runs in its own session (start_new_session=True) with its output in a log file
and its pid in a pid file inside the state dir.  So a later process (`python -m deploy.engines
down`, another pytest session) finds and stops it, and a Ctrl-C in the terminal that started
it does not take it down.

Linux only: processes are inspected through /proc.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .common import EngineError, say

POLL_SECONDS = 0.25


# ---------------------------------------------------------------------------------------------
# /proc helpers
# ---------------------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces: split after it.
    return raw[raw.rindex(")") + 2 :].split()


def is_alive(pid: int) -> bool:
    """True for a live process; a zombie (killed, not yet reaped) counts as gone."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """All live descendants of pid.  PostgreSQL's children call setsid(), so signalling the
    process group alone would miss them; walking parent links finds everything."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of pid and all its descendants (an engine can be several processes)."""
    total = 0
    for member in [pid, *descendants(pid)]:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    """A port nobody listens on right now (for tests that must not clash with a dev stack)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)


def tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------
# The base class
# ---------------------------------------------------------------------------------------------


class ManagedProcess:
    """One engine process tree, owned through a pid file in `<state_dir>/<name>/`.

    Subclasses provide `name`, `ports`, `fetch`, `is_healthy`, `_prepare` and `_command`,
    and `_pid_token`: a string that is in the engine's command line, so that a pid file whose
    pid was reused by an unrelated process after a reboot or crash is recognised as stale.
    """

    name = "engine"
    stop_signal = signal.SIGTERM
    stop_timeout = 60.0

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.home = self.state_dir / self.name
        self.log_path = self.home / f"{self.name}.log"
        self.pid_path = self.home / f"{self.name}.pid"
        self._child: subprocess.Popen[bytes] | None = None

    # -- to override ---------------------------------------------------------------------------
    @property
    def ports(self) -> list[int]:
        raise NotImplementedError

    @property
    def _pid_token(self) -> str:
        raise NotImplementedError

    def fetch(self) -> None:
        raise NotImplementedError

    def is_healthy(self) -> bool:
        raise NotImplementedError

    def _prepare(self) -> None:
        """Write config and initialise data (idempotent: a restart reuses the data)."""

    def _command(self) -> tuple[Sequence[str], dict[str, str]]:
        raise NotImplementedError

    # -- public API ----------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The running engine's pid (its session leader), or None if it is not running."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None
        self._reap()
        if self._child is not None and self._child.pid == pid:
            return pid  # our own live child: no need to trust the command line
        if is_alive(pid) and self._pid_token in cmdline(pid):
            return pid
        return None

    def is_running(self) -> bool:
        return self.pid is not None

    def start(self, timeout: float = 90, wait: bool = True) -> None:
        """Start the engine unless it already runs, then (if `wait`) wait until healthy."""
        spawned = False
        if self.pid is None:
            self.pid_path.unlink(missing_ok=True)  # stale or absent
            self._ensure_ports_free()
            self.fetch()
            self.home.mkdir(parents=True, exist_ok=True)
            self._prepare()
            self._spawn()
            spawned = True
        if not wait:
            return
        try:
            self.wait_healthy(timeout)
        except EngineError:
            if spawned:  # leave nothing half-started behind (e.g. a pytest fixture's setup)
                self.kill()
            raise

    def wait_healthy(self, timeout: float = 90) -> None:
        started = time.monotonic()
        deadline = started + timeout
        while not self.is_healthy():
            if self.pid is None:
                raise EngineError(
                    f"{self.name} exited during start-up; end of "
                    f"{self.log_path}:\n{tail(self.log_path)}"
                )
            if time.monotonic() >= deadline:
                raise EngineError(
                    f"{self.name} not healthy after {timeout:.0f}s; end of "
                    f"{self.log_path}:\n{tail(self.log_path)}"
                )
            time.sleep(POLL_SECONDS)
        say(f"{self.name} healthy (pid {self.pid}, waited {time.monotonic() - started:.1f}s)")

    def stop(self) -> None:
        """Clean shutdown; escalates to SIGKILL if the engine does not exit in time."""
        pid = self.pid
        if pid is None:
            self.pid_path.unlink(missing_ok=True)
            return
        tree = [pid, *descendants(pid)]
        self._send_stop_signal(pid)
        if not wait_for(lambda: not any(is_alive(p) for p in tree), self.stop_timeout):
            say(
                f"{self.name} ignored {self.stop_signal.name} for {self.stop_timeout:.0f}s; "
                "killing it"
            )
            self._kill_tree(tree)
        self._wait_gone(tree)

    def kill(self) -> None:
        """SIGKILL the whole engine (a simulated crash); wait until it and its ports are gone."""
        pid = self.pid
        if pid is None:
            self.pid_path.unlink(missing_ok=True)
            return
        tree = [pid, *descendants(pid)]
        self._kill_tree(tree)
        self._wait_gone(tree)

    def rss_bytes(self) -> int:
        pid = self.pid
        return rss_bytes(pid) if pid is not None else 0

    def status(self) -> dict[str, object]:
        pid = self.pid
        return {
            "name": self.name,
            "pid": pid,
            "healthy": pid is not None and self.is_healthy(),
            "ports": self.ports,
            "rss_mb": round(rss_bytes(pid) / 2**20) if pid is not None else 0,
            "log": str(self.log_path),
        }

    # -- internals -----------------------------------------------------------------------------
    def _send_stop_signal(self, pid: int) -> None:
        # The whole group: the JVM engines may run a launcher plus a server process.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, self.stop_signal)

    def _kill_tree(self, tree: list[int]) -> None:
        # Re-read the tree just before killing (it may have forked since), and signal the
        # children found before the leader dies and they get re-parented out of sight.
        latest = descendants(tree[0]) if is_alive(tree[0]) else []
        for target in dict.fromkeys([*tree, *latest]):
            with contextlib.suppress(ProcessLookupError):
                os.kill(target, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(tree[0], signal.SIGKILL)

    def _wait_gone(self, tree: list[int]) -> None:
        def all_exited() -> bool:
            self._reap()
            return not any(is_alive(p) for p in tree)

        gone = wait_for(all_exited, 30)
        closed = wait_for(lambda: not any(port_open(p) for p in self.ports), 30)
        if not (gone and closed):
            raise EngineError(
                f"{self.name} still running or its ports {self.ports} still "
                "open 30s after it was stopped"
            )
        self.pid_path.unlink(missing_ok=True)

    def _reap(self) -> None:
        """Collect our own child's exit status so it does not linger as a zombie."""
        if self._child is not None and self._child.poll() is not None:
            self._child = None

    def _ensure_ports_free(self) -> None:
        busy = [port for port in self.ports if port_open(port)]
        if busy:
            raise EngineError(
                f"cannot start {self.name}: port(s) {busy} already in use on 127.0.0.1 by a "
                f"process this state dir ({self.state_dir}) does not own. Stop it, or choose "
                "other ports (VMP_KAFKA_PORT, VMP_ES_BASE_PORT, VMP_PG_PORT)."
            )

    def _spawn(self) -> None:
        command, extra_env = self._command()
        env = {**os.environ, **extra_env}
        say(f"starting {self.name}: log {self.log_path}")
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.name}\n".encode())
            log.flush()
            self._child = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.home,
                start_new_session=True,
                close_fds=True,
            )
        # Write-then-rename: a concurrent `status` never reads a half-written pid file.
        partial = self.pid_path.with_suffix(".pid.partial")
        partial.write_text(f"{self._child.pid}\n")
        partial.rename(self.pid_path)
