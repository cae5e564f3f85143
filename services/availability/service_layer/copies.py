"""Copies of organisations, memberships and roles, kept from their topics.

Tasks are posted by an organisation's members and hours logged against its roles, so the
service keeps its own copies (the shared handlers are in services/common/copies.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.availability.adapters.tables import memberships, organisation_copies, role_copies
from services.common.consumer import ConsumerSpec
from services.common.copies import OPPORTUNITY_EVENTS, organisation_handlers, role_handler

COPIES_GROUP = "availability-copies"


def _role(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "organisation_id": snapshot["organisation_id"],
        "title": snapshot["title"][:200],
        "status": snapshot["status"],
    }


def _organisation(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "type": data["type"],
        "moderation": data.get("moderation", "approved"),
    }


def copies_spec() -> ConsumerSpec:
    on_role = role_handler(role_copies, _role)
    return ConsumerSpec(
        group=COPIES_GROUP,
        handlers={
            "opportunities": dict.fromkeys(OPPORTUNITY_EVENTS, on_role),
            "organisations": organisation_handlers(organisation_copies, memberships, _organisation),
        },
    )
