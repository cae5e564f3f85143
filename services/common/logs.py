"""Structured (JSON) logs carrying ids, never personal data.

Every line is one JSON object with the request id when there is one, so an operator can
follow a request across the gateway and services.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({})))
# Defence in depth. No code should log these, but text we do not write can carry them: a
# database error quotes its statement's parameters, an HTTP error its URL's query string.
# Applied to each value before it is serialised, so JSON escapes are never cut in half.
_REDACTIONS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\beyJ[\w-]*\.[\w-]+\.[\w-]*"), "[token]"),  # a JWT (access tokens)
    (re.compile(r"vmp_live_[\w-]+"), "vmp_live_[key]"),  # partner API keys (gateway.partners)
    (re.compile(r"(?i)\b(bearer\s+)[\w.~+/-]+=*"), r"\1[token]"),
    (re.compile(r"(?i)\b((?:password|token|api_key|secret)=)[^&\s\"']+"), r"\1[redacted]"),
)


def redact(text: str) -> str:
    """``text`` with email addresses, tokens, keys and secret query parameters masked."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {str(k): _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrubbed(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))


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
        return json.dumps(_scrubbed(entry))


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
