"""``GET /api/v1/me/export``: everything the platform holds about the caller, as one JSON
document with a key per service (UK GDPR article 15, and 20's portability).

Each service that holds personal data answers for its own part at
``/api/v1/me/export/<service>``, checking the caller's token itself; the gateway asks each in
turn and puts the parts together. The gateway does it rather than a service because it is the
one component that already reaches every service in both modes, through the same
``Transport`` (in-process calls embedded, HTTP at scale); a service doing it would need every
other service's address and a second way to call them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, json
from werkzeug.wrappers import Response

from services.common.envelope import isoformat, utcnow
from services.common.openapi import PROBLEM_RESPONSE

# The services holding data about people, and where each answers for its part. Every service
# is here or in NOTHING_HELD (a test checks): a new service must decide which.
EXPORT_PARTS: dict[str, str] = {
    "volunteers": "/api/v1/me/export/volunteers",
    "opportunities": "/api/v1/me/export/opportunities",
    "availability": "/api/v1/me/export/availability",
}
# Checked: search keeps roles and organisations (and saved searches by their own ids only;
# the volunteers service exports them).
NOTHING_HELD = ("search",)

Fetch = Callable[[str, str], Response]  # (service, path) -> the service's answer

OPERATION: dict[str, Any] = {
    "get": {
        "summary": "Everything held about you, from every service (a key per service)",
        "tags": ["data rights"],
        "responses": {
            "200": {"description": "The export", "content": {"application/json": {}}},
            "401": {**PROBLEM_RESPONSE, "description": "Not signed in"},
            # A service's refusal is passed on as it came, e.g. 404 for an erased account.
            "default": PROBLEM_RESPONSE,
        },
    }
}


def export_blueprint(fetch: Fetch) -> Blueprint:
    bp = Blueprint("export", __name__)

    @bp.get("/api/v1/me/export")
    def export() -> Response:
        """Every service's part; the first refusal (say, 401) is passed on as it came."""
        parts: dict[str, Any] = {"exported_at": isoformat(utcnow())}
        for service, path in EXPORT_PARTS.items():
            answer = fetch(service, path)
            if answer.status_code != 200:
                return answer
            parts[service] = json.loads(answer.get_data())
        parts.update({service: {} for service in NOTHING_HELD})
        response = Response(json.dumps(parts), mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response

    return bp
