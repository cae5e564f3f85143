"""Copies of roles, organisations and memberships (applications are authorised by them), kept
from their topics with the shared handlers in services/common/copies.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.common.consumer import ConsumerSpec
from services.common.copies import OPPORTUNITY_EVENTS, organisation_handlers, role_handler
from services.volunteers.adapters.copies import memberships, organisation_copies, role_copies

COPIES_GROUP = "volunteers-copies"


def _role(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "organisation_id": snapshot["organisation_id"],
        "status": snapshot["status"],
        "snapshot": snapshot,
    }


def _organisation(data: Mapping[str, Any]) -> dict[str, Any]:
    """Registered or Updated (v1-v3): the whole current state, as far as the version says."""
    return {
        "name": data["name"],
        "type": data["type"],
        "moderation": data.get("moderation", "approved"),
        "outward_code": data.get("outward_code") or _outward(data.get("postcode")),
        "district_code": data.get("district_code"),
        "catchment": data.get("catchment"),
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


def _outward(postcode: str | None) -> str | None:
    return postcode.split()[0] if postcode else None
