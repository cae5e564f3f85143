"""Micro-volunteering pages: availability, credentials, offers, tasks, hours and time
credits; and the organisation side of micro-tasks.

The handlers live in ``micro_*.py`` by subject; this one blueprint holds every route, so
the table below is the whole of what the pages offer. Every page acts through the public
API as the visitor: who may do what is the API's decision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from gateway.web.pages import (
    micro_availability,
    micro_credentials,
    micro_hours,
    micro_org,
    micro_tasks,
)

bp = Blueprint("web_micro", __name__)
GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
ORG = "/manage/<org_id>/microtasks"
ROUTES: tuple[tuple[str, tuple[str, ...], Callable[..., Any]], ...] = (
    # -- the volunteer's side
    ("/account/availability", BOTH, micro_availability.availability),
    ("/account/credentials", GET, micro_credentials.wallet),
    ("/account/credentials/add", POST, micro_credentials.add),
    ("/account/credentials/shares", POST, micro_credentials.shares),
    ("/account/credentials/<credential_id>/remove", POST, micro_credentials.remove),
    ("/microtasks/offers", GET, micro_tasks.offers),
    ("/microtasks/<task_id>", GET, micro_tasks.task),
    ("/microtasks/<task_id>/accept", POST, micro_tasks.accept),
    ("/microtasks/<task_id>/decline", POST, micro_tasks.decline),
    ("/microtasks/<task_id>/withdraw", POST, micro_tasks.withdraw),
    ("/account/hours", BOTH, micro_hours.hours),
    ("/account/time-credits", BOTH, micro_hours.time_credits),
    ("/account/time-credits/exchanges/<exchange_id>/<action>", POST, micro_hours.exchange),
    # -- the organisation's side
    (ORG, GET, micro_org.tasks),
    (f"{ORG}/new", BOTH, micro_org.new_task),
    (f"{ORG}/<task_id>", GET, micro_org.task),
    (f"{ORG}/<task_id>/cancel", POST, micro_org.cancel),
    (f"{ORG}/<task_id>/bookings/<booking_id>/attendance", POST, micro_org.attendance),
)

for rule, methods, view in ROUTES:
    # Endpoints named by module and function: two modules both have a "task" page.
    endpoint = f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}"
    bp.add_url_rule(rule, endpoint, view, methods=methods)
