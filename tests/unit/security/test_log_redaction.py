"""The JSON log formatter masks personal data and secrets that slip into a record.

Nothing should log them (test_pii_leaks checks the platform's own lines), but some text is
not ours: a database error quotes its parameters, an HTTP error its URL.
"""

from __future__ import annotations

import json
import logging
import sys

import pytest

from services.common.logs import JsonFormatter, redact

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY2NvdW50LTEifQ.c2lnbmF0dXJl"
KEY = "vmp_live_a1b2c3d4e5f6_Zm9vYmFyYmF6cXV4LXNlY3JldA"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sign-in failed for ada.lovelace+vmp@example.org", "sign-in failed for [email]"),
        ("to José@exämple.org", "to [email]"),
        (f"Authorization: Bearer {JWT}", "Authorization: Bearer [token]"),
        (f"token {JWT} expired", "token [token] expired"),
        (f"GET /api/v1/search?q=tea&api_key={KEY}", "GET /api/v1/search?q=tea&api_key=[redacted]"),
        (f"key {KEY}", "key vmp_live_[key]"),
        ("/verify?token=abc-DEF_123&next=/", "/verify?token=[redacted]&next=/"),
        ("password=hunter2 retries=3", "password=[redacted] retries=3"),
        # Ids, codes and paths stay: operators follow requests with them.
        ("role 7f3c-01 at SE1 7AE, event e-42", "role 7f3c-01 at SE1 7AE, event e-42"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def _format(record: logging.LogRecord) -> dict:
    line = JsonFormatter("test").format(record)
    parsed: dict = json.loads(line)  # still one valid JSON object
    return parsed


def test_message_extras_and_tracebacks_are_masked() -> None:
    try:
        raise ValueError("(sqlite3.IntegrityError) [parameters: ('pat@example.org', '1963-04-17')]")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.makeLogRecord(
        {
            "msg": "register failed for %s",
            "args": ("pat@example.org",),
            "levelname": "ERROR",
            "exc_info": exc_info,
            "account_id": "acc-1",
            "headers": {"Authorization": f"Bearer {JWT}"},
            "recipients": ["a@example.org", "b@example.org"],
        }
    )
    entry = _format(record)
    assert entry["msg"] == "register failed for [email]"
    assert entry["account_id"] == "acc-1"
    assert entry["headers"] == {"Authorization": "Bearer [token]"}
    assert entry["recipients"] == ["[email]", "[email]"]
    assert "pat@example.org" not in entry["exc"] and "[email]" in entry["exc"]


def test_json_escapes_are_never_cut() -> None:
    # A newline or an accent right before an address: masking the serialised line instead
    # of each value would eat half of "\n" or "\u00e9" and break the JSON.
    record = logging.makeLogRecord({"msg": "line one\nada@example.org, é\nbob@example.org"})
    assert _format(record)["msg"] == "line one\n[email], é\n[email]"
