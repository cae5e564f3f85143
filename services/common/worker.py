"""Long-running process roles (relay, consumer): signal handling shared by every service."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def run_until_signalled(loop: Callable[[threading.Event], None], name: str) -> None:
    """Run ``loop(stop)`` until SIGTERM or SIGINT; the loop must return soon after stop is set."""
    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        log.info("%s stopping on signal %s", name, signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("%s started", name)
    loop(stop)
    log.info("%s stopped", name)
