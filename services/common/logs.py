"""Structured (JSON) logs carrying ids, never personal data.

Every line is one JSON object with the request id when there is one, so an operator can
follow a request across the gateway and services.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = _request_id()
        if request_id:
            entry["request_id"] = request_id
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _request_id() -> str | None:
    try:
        from flask import g, has_request_context

        return g.get("request_id") if has_request_context() else None
    except ImportError:  # pragma: no cover - flask is always installed
        return None


def configure_logging(service: str) -> None:
    """Idempotent: embedded mode builds several apps in one process."""
    root = logging.getLogger()
    if any(getattr(h, "_vmp", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(os.environ.get("VMP_LOG_SERVICE", service)))
    handler._vmp = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(os.environ.get("VMP_LOG_LEVEL", "INFO"))
    # kafka-python logs every reconnect attempt, even at ERROR: during an outage that floods
    # the log. Our adapter reports outages itself (relay warnings, /readyz).
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
