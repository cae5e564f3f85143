"""gunicorn settings for every HTTP role (service APIs and the gateway), as GOV.UK Notify does.

Read by ``gunicorn -c deploy/gunicorn_config.py '<module>:create_app()'``; tuned by environment
variables so one image serves every role.
"""

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
