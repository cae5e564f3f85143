"""The authorisation matrix's rows for micro-volunteering, hours and time credits (the
availability service), and the objects each tenant has there (no tests here).

Per tenant, built after the rest of the world: its volunteer's availability (a date of birth
only they may see) and a credential shared with the tenant's organisation and centre; a task
posted by the tenant's owner, offered to the tenant's volunteer only (the other tenant's is
far away); hours the volunteer reported for the tenant's role (one pending, one approved,
which earned time credits); and an exchange the volunteer proposed to the owner.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import TYPE_CHECKING, Any

from tests.unit.authorisation_rows import (
    ADMIN,
    EDITORS,
    MEMBERS_OF_OWN,
    OWN,
    OWNERS_ONLY,
    SIGNED_IN,
    STAFF,
    VOLUNTEERS,
    Row,
    allow,
    own_data,
    public,
)

if TYPE_CHECKING:
    from tests.unit.authorisation_world import World

BIRTHDAYS = {"X": "1979-03-11", "Y": "1981-07-22"}
WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
CREDENTIAL = {"kind": "training", "type": "FirstAid", "completed_on": "2026-01-10"}


def settings(postcode: str, born: str = "1990-01-01") -> dict[str, Any]:
    windows = [{"weekday": day, "start": "00:00", "end": "24:00"} for day in WEEK]
    return {"postcode": postcode, "travel_km": 10, "task_types": ["Shopping"], "paused": False,
            "date_of_birth": born, "windows": windows}  # fmt: skip


_SLOTS = itertools.count()


def task_body(org: str, postcode: str, **extra: Any) -> dict[str, Any]:
    """Each task two hours after the last: accepting one must not make the volunteer
    ineligible for the next (overlapping tasks are never offered)."""
    midnight = dt.datetime.combine(dt.date.today(), dt.time(), tzinfo=dt.UTC)
    # On even hours, so no task runs past midnight (availability windows end with the day).
    starts = midnight + dt.timedelta(days=3, hours=2 * next(_SLOTS))
    return {"organisation_id": org, "task_type": "Shopping", "title": "A weekly shop",
            "postcode": postcode, "starts_at": starts.isoformat(), "duration_minutes": 60,
            **extra}  # fmt: skip


def hours_body(role: str) -> dict[str, Any]:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    return {"opportunity_id": role, "minutes": 90, "worked_on": yesterday}


# -- each tenant's objects ------------------------------------------------------------------


def build_micro(world: World) -> None:
    # A member nobody in the matrix signs in as, with an open account: every caller may
    # propose an exchange with them.
    opened = world.client("va", account_id=OTHER_MEMBER).get("/api/v1/timebank/statement")
    assert opened.status_code == 200, opened.get_json()
    for tenant in ("X", "Y"):
        objects = world.tenant[tenant]
        who = "va" if tenant == "X" else "vb"
        owner = "ox" if tenant == "X" else "oy"
        mine = settings(objects["postcode"], BIRTHDAYS[tenant])
        world.ok(who, "PUT", "/api/v1/availability", json=mine)
        objects["birthday"] = BIRTHDAYS[tenant]
        objects["credential"] = world.ok(who, "POST", "/api/v1/credentials", json=CREDENTIAL)["id"]
        shares = {"organisation_ids": [objects["org"], objects["centre"]]}
        world.ok(who, "PUT", "/api/v1/credentials/shares", json=shares)
        objects.update(fresh_task(world, tenant, who))
        objects["person_ref"] = f"ref-{uuid.uuid4().hex[:10]}"
        body = task_body(objects["org"], objects["postcode"], person_ref=objects["person_ref"])
        world.ok(owner, "POST", "/api/v1/microtasks", json=body)
        approved = world.ok(who, "POST", "/api/v1/hours", json=hours_body(objects["role"]))["id"]
        world.ok(owner, "POST", f"/api/v1/hours/{approved}/approve")
        objects["hours"] = fresh_hours(world, tenant, who)["hours"]
        world.pump()  # approved hours earn credits
        statement = world.ok(who, "GET", "/api/v1/timebank/statement")
        objects["ledger_account"] = statement["account"]["id"]
        objects["transaction"] = statement["entries"][0]["transaction_id"]
        objects["exchange"] = fresh_exchange(world, tenant, who)["exchange"]


def fresh_task(world: World, tenant: str, _who: str) -> dict[str, Any]:
    """A new task of the tenant's organisation, offered to the tenant's volunteer."""
    objects = world.tenant[tenant]
    owner = "ox" if tenant == "X" else "oy"
    volunteer = "va" if tenant == "X" else "vb"
    # Offered to everyone eligible: clones with settings near by must not crowd them out.
    body = task_body(objects["org"], objects["postcode"], offers_per_round=200)
    task = world.ok(owner, "POST", "/api/v1/microtasks", json=body)["id"]
    offers = world.ok(volunteer, "GET", "/api/v1/microtasks/offers")["items"]
    [booking] = [item["booking"]["id"] for item in offers if item["id"] == task]
    return {"task": task, "booking": booking}


def _accepted_task(world: World, tenant: str, who: str) -> dict[str, Any]:
    found = fresh_task(world, tenant, who)
    volunteer = "va" if tenant == "X" else "vb"
    world.ok(volunteer, "POST", f"/api/v1/microtasks/{found['task']}/accept")
    return found


def fresh_credential(world: World, tenant: str, _who: str) -> dict[str, Any]:
    volunteer = "va" if tenant == "X" else "vb"
    return {"credential": world.ok(volunteer, "POST", "/api/v1/credentials", json=CREDENTIAL)["id"]}


def fresh_hours(world: World, tenant: str, _who: str) -> dict[str, Any]:
    volunteer = "va" if tenant == "X" else "vb"
    body = hours_body(world.tenant[tenant]["role"])
    return {"hours": world.ok(volunteer, "POST", "/api/v1/hours", json=body)["id"]}


def fresh_exchange(world: World, tenant: str, _who: str) -> dict[str, Any]:
    """The tenant's volunteer asks the tenant's owner for one credit (the owner has none, so
    confirming it is refused by the limit: 409, after the authorisation check)."""
    volunteer = "va" if tenant == "X" else "vb"
    owner = world.ids["ox" if tenant == "X" else "oy"]
    # The owner has seen their member number, which opens their account.
    world.ok("ox" if tenant == "X" else "oy", "GET", "/api/v1/timebank/statement")
    body = {"counterparty_id": owner, "direction": "request", "amount": 100,
            "reason": f"Help with the shopping {uuid.uuid4().hex[:6]}"}  # fmt: skip
    return {"exchange": world.ok(volunteer, "POST", "/api/v1/timebank/exchanges", json=body)["id"]}


def micro_clone(world: World, _tenant: str, who: str) -> dict[str, Any]:
    """A new account with the caller's claims and its own settings: for calls that replace or
    end the caller's micro-volunteering, which must not disturb the tenants' volunteers."""
    clone = world.register(world.fresh_email())
    if who != "anonymous":
        client = world.client(who, clone)
        client.put("/api/v1/availability", json=settings("SE1 7AE"))
    return {"_as": clone}


def markers(world: World, tenant: str) -> dict[str, str]:
    objects = world.tenant[tenant]
    keys = ("birthday", "credential", "task", "booking", "person_ref", "hours", "exchange",
            "ledger_account", "transaction")  # fmt: skip
    return {f"micro {key}": objects[key] for key in keys}


# -- the rows -------------------------------------------------------------------------------

CREDENTIAL_ID = "/api/v1/credentials/<credential_id>"
VERIFY = "/api/v1/credentials/{credential}/verify"
TASK = "/api/v1/microtasks/<task_id>"
EXCHANGE = "/api/v1/timebank/exchanges/<exchange_id>"
OTHER_MEMBER = "member-outside-the-matrix"
OWN_VOLUNTEER = allow(*VOLUNTEERS, on=[OWN])
OFFERED = OWN_VOLUNTEER  # each tenant's tasks are offered to its own volunteer
TASK_READERS = EDITORS | OFFERED
STAFF_OF_OWN = allow(*STAFF, on=[OWN])
NOT_STARTED = {(who, OWN): 409 for who in ("ox", "ex", "oy", "admin")} | {("admin", "other"): 409}
NO_CREDITS = {(who, "self"): 409 for who in SIGNED_IN}

MICRO_ROWS: tuple[Row, ...] = (
    # -- availability settings and the wallet ---------------------------------------------
    own_data("GET", "/api/v1/availability", fresh=micro_clone),
    own_data("PUT", "/api/v1/availability", fresh=micro_clone,
             body=lambda o: settings(o["postcode"])),
    own_data("PATCH", "/api/v1/availability", fresh=micro_clone, body=lambda o: {"paused": True}),
    own_data("DELETE", "/api/v1/availability", fresh=micro_clone),
    own_data("GET", "/api/v1/credentials"),
    own_data("POST", "/api/v1/credentials", body=lambda o: CREDENTIAL),
    Row("GET", CREDENTIAL_ID, OWN_VOLUNTEER, "/api/v1/credentials/{credential}"),
    Row("PATCH", CREDENTIAL_ID, OWN_VOLUNTEER, "/api/v1/credentials/{credential}",
        fresh=fresh_credential, body=lambda o: {"completed_on": "2026-02-01"}),
    Row("DELETE", CREDENTIAL_ID, OWN_VOLUNTEER, "/api/v1/credentials/{credential}",
        fresh=fresh_credential),
    Row("POST", f"{CREDENTIAL_ID}/verify", MEMBERS_OF_OWN, VERIFY,
        "for the organisation", body=lambda o: {"organisation_id": o["org"]},
        note="Members of an organisation the volunteer shares with; not admins"),
    Row("POST", f"{CREDENTIAL_ID}/verify", STAFF_OF_OWN, VERIFY,
        "for the centre", body=lambda o: {"organisation_id": o["centre"]}),
    Row("GET", "/api/v1/credentials/shared", MEMBERS_OF_OWN, variant="organisation",
        query={"organisation_id": "{org}"}),
    Row("GET", "/api/v1/credentials/shared", STAFF_OF_OWN, variant="centre",
        query={"organisation_id": "{centre}"}),
    own_data("GET", "/api/v1/credentials/shares"),
    own_data("PUT", "/api/v1/credentials/shares", fresh=micro_clone,
             body=lambda o: {"organisation_ids": [o["org"]]}),
    # -- micro-tasks ----------------------------------------------------------------------
    Row("POST", "/api/v1/microtasks", EDITORS, body=lambda o: task_body(o["org"], o["postcode"])),
    Row("GET", "/api/v1/microtasks", EDITORS, query={"organisation_id": "{org}"}),
    own_data("GET", "/api/v1/microtasks/offers"),
    own_data("GET", "/api/v1/microtasks/suggested"),
    Row("GET", TASK, TASK_READERS, "/api/v1/microtasks/{task}",
        note="Its organisation's members, and the volunteers it was offered to"),
    Row("GET", f"{TASK}/bookings", EDITORS, "/api/v1/microtasks/{task}/bookings"),
    Row("GET", f"{TASK}/candidates", EDITORS, "/api/v1/microtasks/{task}/candidates"),
    Row("POST", f"{TASK}/accept", OFFERED, "/api/v1/microtasks/{task}/accept", fresh=fresh_task),
    Row("POST", f"{TASK}/decline", OFFERED, "/api/v1/microtasks/{task}/decline", fresh=fresh_task),
    Row("POST", f"{TASK}/cancel", EDITORS, "/api/v1/microtasks/{task}/cancel", fresh=fresh_task),
    Row("POST", f"{TASK}/withdraw", OFFERED, "/api/v1/microtasks/{task}/withdraw",
        fresh=_accepted_task, body=lambda o: {"reason": "Something came up"}),
    Row("POST", f"{TASK}/bookings/<booking_id>/attendance", {},
        "/api/v1/microtasks/{task}/bookings/{booking}/attendance", fresh=_accepted_task,
        body=lambda o: {"attended": True}, status=NOT_STARTED,
        note="Coordinators pass the check and are told the task has not started (409)"),
    # -- hours ----------------------------------------------------------------------------
    own_data("POST", "/api/v1/hours", body=lambda o: hours_body(o["role"])),
    own_data("GET", "/api/v1/hours"),
    own_data("GET", "/api/v1/hours/record"),
    public("POST", "/api/v1/hours/record/verify", tenants=("self",), body=lambda o: {},
           note="Anyone may check a record's signature"),
    Row("GET", "/api/v1/hours/pending", EDITORS, query={"organisation_id": "{org}"}),
    Row("GET", "/api/v1/hours/totals", EDITORS | allow(*STAFF), query={"organisation_id": "{org}"},
        note="Numbers only: any approved Volunteer Centre's staff, for catchment reports"),
    Row("POST", "/api/v1/hours/<hours_id>/approve", EDITORS, "/api/v1/hours/{hours}/approve",
        fresh=fresh_hours),
    Row("POST", "/api/v1/hours/<hours_id>/reject", EDITORS, "/api/v1/hours/{hours}/reject",
        fresh=fresh_hours, body=lambda o: {"reason": "Not that day"}),
    own_data("GET", "/api/v1/me/export/availability"),
    # -- time credits ---------------------------------------------------------------------
    own_data("GET", "/api/v1/timebank/statement"),
    Row("GET", "/api/v1/timebank/organisations/<org_id>/statement", EDITORS,
        "/api/v1/timebank/organisations/{org}/statement"),
    Row("GET", "/api/v1/timebank/bank/statement", ADMIN, tenants=("self",)),
    Row("PUT", "/api/v1/timebank/organisations/<org_id>/rate", OWNERS_ONLY,
        "/api/v1/timebank/organisations/{org}/rate", body=lambda o: {"rate": 100}),
    Row("PUT", "/api/v1/timebank/accounts/<ledger_account_id>/limits", ADMIN,
        "/api/v1/timebank/accounts/{ledger_account}/limits",
        body=lambda o: {"lower_limit": 0, "upper_limit": None}),
    Row("POST", "/api/v1/timebank/transactions/<transaction_id>/reverse", ADMIN,
        "/api/v1/timebank/transactions/{transaction}/reverse", body=lambda o: {"reason": "Test"}),
    own_data("POST", "/api/v1/timebank/spend", status=NO_CREDITS,
             body=lambda o: {"organisation_id": o["org"], "amount": 100,
                             "idempotency_key": uuid.uuid4().hex},
             note="Signed-in callers pass the check; none has credits to spend (409)"),
    own_data("GET", "/api/v1/timebank/exchanges"),
    own_data("POST", "/api/v1/timebank/exchanges", body=lambda o: {
        "counterparty_id": OTHER_MEMBER, "direction": "pay",
        "amount": 100, "reason": "Thanks for the lift"}),
    Row("POST", f"{EXCHANGE}/confirm", {}, "/api/v1/timebank/exchanges/{exchange}/confirm",
        fresh=fresh_exchange, status={("ox", OWN): 409, ("oy", OWN): 409},
        note="Only the counterparty may confirm; the owners have no credits to pay (409)"),
    Row("POST", f"{EXCHANGE}/decline", allow("ox", "oy", on=[OWN]),
        "/api/v1/timebank/exchanges/{exchange}/decline", fresh=fresh_exchange),
    Row("POST", f"{EXCHANGE}/cancel", OWN_VOLUNTEER,
        "/api/v1/timebank/exchanges/{exchange}/cancel", fresh=fresh_exchange),
)  # fmt: skip
