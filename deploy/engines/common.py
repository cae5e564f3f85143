"""Shared plumbing for the local engines: errors, tool checks, the download cache, Maven.

Nothing here knows about a particular engine.  Downloads go to one cache per machine
(``${VMP_CACHE_DIR:-$HOME/.cache/vmp}``) so that every checkout, test run and CI run on the
machine shares them; each engine then keeps its own mutable state (config, data, logs, pid
file) in a *state dir* chosen by the caller.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

JAVA_MAVEN_HINT = "Java 17 and Maven are required: apt-get install -y openjdk-17-jdk-headless maven"
MIN_JAVA_MAJOR = 17

# deploy/engines/common.py -> repository root is three levels up.
REPO_ROOT = Path(__file__).resolve().parents[2]
MAVEN_DIR = REPO_ROOT / "deploy" / "maven"
INSTALL_SCRIPT = REPO_ROOT / "deploy" / "install-system-deps.sh"

# The uid that root is mapped to inside a user namespace (see run_as_prefix).  Any non-zero id
# works: inside the namespace the engine sees itself as this uid and sees root-owned files as
# its own, so it needs no chown and no extra permissions on the parent directories.
NAMESPACE_UID = 1000


class EngineError(RuntimeError):
    """An engine could not be fetched, started, reached or stopped; the message says why."""


def say(message: str) -> None:
    """Progress for humans: fetching and starting take seconds to minutes, never go silent."""
    print(f"[engines] {message}", file=sys.stderr, flush=True)


def cache_root() -> Path:
    """Where downloads live, shared by every state dir on this machine."""
    configured = os.environ.get("VMP_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "vmp"


# ---------------------------------------------------------------------------------------------
# Java and Maven
# ---------------------------------------------------------------------------------------------


def ensure_java_and_maven() -> None:
    """Fail loudly (never skip) when the JVM tool chain is missing or too old."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        raise EngineError(f"{' and '.join(missing)} not found on PATH. {JAVA_MAVEN_HINT}")
    major = java_major_version()
    if major < MIN_JAVA_MAJOR:
        raise EngineError(f"java {major} found, {MIN_JAVA_MAJOR}+ needed. {JAVA_MAVEN_HINT}")


@functools.lru_cache(maxsize=1)
def java_major_version() -> int:
    # `java -version` prints e.g. 'openjdk version "17.0.15" 2025-04-15' on stderr; Java 8
    # printed "1.8.0_x", hence the special case.
    out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        raise EngineError(f"cannot read the Java version from: {out.strip()!r}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def java_home() -> Path:
    """JAVA_HOME if it is usable, else the JDK that the `java` on PATH belongs to."""
    configured = os.environ.get("JAVA_HOME")
    if configured and (Path(configured) / "bin" / "java").exists():
        return Path(configured)
    java = shutil.which("java")
    if java is None:
        raise EngineError(f"java not found on PATH. {JAVA_MAVEN_HINT}")
    # /usr/bin/java is a chain of symlinks ending in <jdk>/bin/java.
    return Path(java).resolve().parents[1]


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialise fetches: two test sessions or Make targets may fetch the same engine at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def maven_fetch(engine: str, version: str) -> Path:
    """Copy the dependencies of deploy/maven/<engine>/pom.xml into the cache; return that dir.

    A marker file makes the second call instant.  Maven also keeps its own ~/.m2 copy, so even
    a wiped cache costs no second download.
    """
    target = cache_root() / f"{engine}-{version}"
    lib, marker = target / "lib", target / ".fetched"
    if marker.exists():
        return lib
    with file_lock(target / ".lock"):
        if marker.exists():  # another process fetched it while we waited for the lock
            return lib
        ensure_java_and_maven()
        pom = MAVEN_DIR / engine / "pom.xml"
        partial = target / "lib.partial"
        shutil.rmtree(partial, ignore_errors=True)
        say(f"fetching {engine} {version} from Maven Central into {lib} (first time only)")
        # -B without -q: one "Downloaded from central" line per artifact is the progress bar.
        cmd = [
            "mvn",
            "-B",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={partial}",
        ]
        result = subprocess.run(cmd, stdout=sys.stderr, stderr=subprocess.STDOUT, check=False)
        if result.returncode != 0:
            raise EngineError(
                f"mvn could not fetch {engine} {version} (exit "
                f"{result.returncode}); see the Maven output above"
            )
        shutil.rmtree(lib, ignore_errors=True)
        partial.rename(lib)
        names = sorted(p.name for p in lib.iterdir())
        marker.write_text("\n".join(names) + "\n")
        say(f"fetched {engine} {version}: {len(names)} files")
    return lib


# ---------------------------------------------------------------------------------------------
# Running engines that refuse to run as root (Elasticsearch, PostgreSQL)
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _user_namespaces_work() -> bool:
    try:
        probe = subprocess.run(
            [
                "unshare",
                "--user",
                f"--map-user={NAMESPACE_UID}",
                f"--map-group={NAMESPACE_UID}",
                "true",
            ],
            capture_output=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def run_as_mode() -> str:
    """How to run an engine that refuses root: "direct", "userns" or "runuser".

    - not root: run directly.
    - root, user namespaces available (default): `unshare --user` maps root to an ordinary uid.
      The engine's root check passes, and it still owns every root-owned file, so state dirs
      under /root or pytest's 0700 /tmp/pytest-of-root work with no chown.
    - otherwise `runuser -u <system user>`: the state dir must then be reachable by that user.
    VMP_RUN_AS=userns|runuser forces a mode.
    """
    if os.geteuid() != 0:
        return "direct"
    forced = os.environ.get("VMP_RUN_AS", "")
    if forced == "runuser":
        return "runuser"
    if _user_namespaces_work():
        return "userns"
    if forced == "userns":
        raise EngineError("VMP_RUN_AS=userns but `unshare --user` does not work here")
    return "runuser"


def ensure_system_user(user: str) -> None:
    """Create an unprivileged system user (no home, no login) for runuser mode."""
    if subprocess.run(["id", "-u", user], capture_output=True, check=False).returncode == 0:
        return
    say(f"creating system user {user!r} to run engines that refuse root")
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
        check=True,
    )


def run_as_prefix(user: str, writable_dirs: list[Path]) -> list[str]:
    """The command prefix that runs an engine as non-root, preparing `writable_dirs` for it."""
    mode = run_as_mode()
    if mode == "direct":
        return []
    if mode == "userns":
        return ["unshare", "--user", f"--map-user={NAMESPACE_UID}", f"--map-group={NAMESPACE_UID}"]
    ensure_system_user(user)
    for directory in writable_dirs:
        subprocess.run(["chown", "-R", f"{user}:", str(directory)], check=True)
        # Every parent must be traversable by `user`: say which one is not, rather than let
        # the engine fail later with a bare "permission denied".
        probe = ["runuser", "-u", user, "--", "test", "-w", str(directory)]
        if subprocess.run(probe, check=False).returncode != 0:
            raise EngineError(
                f"user {user!r} cannot write {directory}: one of its parent directories is "
                "not traversable by other users. Use a state dir outside /root and "
                "/tmp/pytest-of-root, or a machine where `unshare --user` works."
            )
    return ["runuser", "-u", user, "--"]


def link_tree(source: Path, target: Path) -> None:
    """Copy a read-only tree cheaply: hard links when on the same filesystem, else copies."""
    if target.exists():
        return
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, partial, symlinks=True, copy_function=link_or_copy)
    partial.rename(target)
