"""gunicorn settings for every HTTP role (service APIs and the gateway), as GOV.UK Notify does.

Read by ``gunicorn -c deploy/gunicorn_config.py '<module>:create_app()'``; tuned by environment
variables so one image serves every role.
"""

import ctypes
import ctypes.util
import gc
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads let a worker keep serving while one request waits on PostgreSQL or another service.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Requests on the user path must not hang; a slower call is a bug to fix, not to wait for.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Heartbeat files on tmpfs: container overlay filesystems can stall workers into timeouts.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No query string (%(U)s is the path only): queries may carry search terms or postcodes.
# The request id ties this line to the service's structured logs and to the gateway's.
access_log_format = (
    'method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s '
    "request_id=%({x-request-id}i)s"
)


def post_worker_init(worker: object) -> None:
    """The app is loaded: its modules, schemas and settings live as long as the worker, so
    the cyclic garbage collector stops walking them (``gc.freeze``). Measured through the
    gateway at 1,000,000 roles: collections took 400 ms per 1,000 searches, in pauses of
    up to 80 ms; 45 ms once frozen."""
    gc.freeze()


def _fewer_malloc_arenas() -> None:
    """At most two glibc malloc arenas in each process, set here in the master so every
    forked worker has it.

    Why: by default each request thread gets an arena of its own, and a search's large
    numpy temporaries (a 1,000,000-role index works on 10 MB arrays) then come back from
    each thread's arena as fresh pages to fault in. Measured on the embedded search at
    1,000,000 roles, one query at a time, one worker of four threads: p95 25 ms with the
    default, 17 ms with two arenas, as with a single thread (bench/analysis.md). Other C
    libraries have no ``mallopt``; nothing to do there.
    """
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    m_arena_max = -8  # glibc's malloc.h
    mallopt(ctypes.c_int(m_arena_max), ctypes.c_int(2))


_fewer_malloc_arenas()
