"""gunicorn's settings: the malloc arena limit each worker inherits from the master."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# In a fresh interpreter: eight threads each allocate and free while all are alive, then
# glibc reports its arenas (one <heap nr=...> each). Loading the config first must cap them.
_PROBE = """
import ctypes, ctypes.util, runpy, sys, tempfile, threading
if sys.argv[1] == "config":
    runpy.run_path("deploy/gunicorn_config.py")
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
go = threading.Barrier(8)
def work():
    go.wait()
    libc.free(libc.malloc(64 * 1024))
    go.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
with tempfile.NamedTemporaryFile(suffix=".xml") as out:
    fp = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, fp)
    libc.fclose(fp)
    print(open(out.name).read().count("<heap nr="))
"""


def _arenas(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_the_config_caps_malloc_arenas_at_two() -> None:
    assert _arenas("plain") > 2  # the probe does make threads take arenas of their own
    assert _arenas("config") <= 2


def test_a_worker_freezes_what_it_loaded_once_ready() -> None:
    probe = (
        "import gc, runpy\n"
        "config = runpy.run_path('deploy/gunicorn_config.py')\n"
        "before = gc.get_freeze_count()\n"
        "config['post_worker_init'](None)\n"
        "print(before, gc.get_freeze_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, after = (int(n) for n in done.stdout.split())
    assert before == 0 and after > 1000
