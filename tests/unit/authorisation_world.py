"""The world the authorisation matrix runs in (no tests here).

The whole platform in embedded mode, as ``gateway.wsgi.create_app`` builds it, with moderation
on, every relay and consumer driven by hand (no threads) and every object made through the
public API via the gateway. Two tenants, symmetric:

- X: organisation X at SE1 7AE (owner ``ox``, editor ``ex``), its published role and a draft,
  volunteer ``va`` with a profile and an application to X's role, Volunteer Centre C (staff
  ``cx``) whose catchment is SE1, a pending organisation in SE1;
- Y: organisation Y at LS1 4AP (owner ``oy``), its published role and a draft, volunteer ``vb``
  applying to Y's role, Volunteer Centre D (staff ``dx``) covering LS1, a pending organisation
  in LS1;

plus ``admin`` and ``anonymous``. Both applications are escalated (7 working days unanswered),
``va``'s to C and ``vb``'s to D. C and D are registered by a separate account (``vco``) and
approved by the admin; C's staff approve X and D's staff approve Y.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from gateway.embedded import DEFINITIONS
from gateway.wsgi import create_app
from services.common.auth import issue_token
from services.common.config import Config
from services.common.envelope import utcnow
from services.common.mail import DevMailbox, dev_mailbox_path
from services.common.service import runtime_of
from services.volunteers.domain.passwords import Passwords
from services.volunteers.service_layer.guarantee import sweep
from services.volunteers.service_layer.saved_searches import unsubscribe_token
from services.volunteers.service_layer.unit_of_work import mail_relay
from tests.unit.conftest import POSTCODES

PRINCIPALS = ("anonymous", "va", "vb", "ox", "ex", "oy", "cx", "dx", "admin")
# Each principal's own tenant; for anonymous and admin "own" simply means X.
HOME = {"va": "X", "ox": "X", "ex": "X", "cx": "X", "vb": "Y", "oy": "Y", "dx": "Y"}
HOME.update(anonymous="X", admin="X")
OTHER_TENANT = {"X": "Y", "Y": "X"}
TENANTS = {
    "X": {"postcode": "SE1 7AE", "outward": "SE1", "owner": "ox", "volunteer": "va"},
    "Y": {"postcode": "LS1 4AP", "outward": "LS1", "owner": "oy", "volunteer": "vb"},
}
PASSWORD = "correct horse battery staple"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
DESCRIPTION = "Food for neighbours in need."


def role_body(org_id: str, postcode: str, **fields: Any) -> dict[str, Any]:
    closes = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    return {
        "organisation_id": org_id, "title": "Befriending volunteer",
        "summary": "Weekly chats with an older neighbour.",
        "description": "Visit an older person once a week for tea and a chat.",
        "causes": ["OlderPeople"], "skills": ["Communication"], "requirements": [],
        "accessibility": [], "commitment": "regular", "remote": False, "minimum_age": 16,
        "places": 3, "sessions": ["MondayMorning"], "closes_on": closes,
        "locations": [{"postcode": postcode}], **fields,
    }  # fmt: skip


class World:
    """The platform, its principals and each tenant's objects (``tenant[T][key]``)."""

    def __init__(self, folder: Path) -> None:
        config = Config(
            service="gateway",
            data_dir=folder,
            event_log_path=folder / "eventlog.sqlite",
            database_url=f"sqlite:///{folder / 'gateway.sqlite'}",
            postcodes_db=POSTCODES,
        )
        self.config = replace(config, moderation_required=True)
        self.app = create_app(self.config, start_workers=False)
        self.platform = self.app.extensions["platform"]
        self.apps = self.platform.apps
        self.volunteers = runtime_of(self.apps["volunteers"])
        self.volunteers.extensions["passwords"] = Passwords(FAST)
        self.secret: str = self.app.config["VMP_AUTH_SECRET"]
        runtimes = {name: runtime_of(app) for name, app in self.apps.items()}
        self.relays = [runtime.relay() for runtime in runtimes.values()]
        self.consumers = [
            runtime.consumer(spec)
            for runtime, definition in ((runtimes[d.name], d) for d in DEFINITIONS)
            for spec in definition.consumer_specs(runtime)
        ]
        self._ips = itertools.count(1)
        self.ids: dict[str, str] = {}
        self.claims: dict[str, dict[str, Any]] = {}
        self.tenant: dict[str, dict[str, str]] = {"X": {}, "Y": {}}
        self._build()

    # -- calling ------------------------------------------------------------------------

    def ip(self) -> str:
        """A new client address per call, so per-address sign-in limits never interfere."""
        n = next(self._ips)
        return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"

    def token(self, who: str, account_id: str | None = None) -> str:
        return issue_token(self.secret, account_id or self.ids[who], **self.claims[who])

    def client(self, who: str, account_id: str | None = None) -> FlaskClient:
        """A client signed in as ``who`` (with ``account_id``: another account, same claims)."""
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = self.ip()
        if who != "anonymous":
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {self.token(who, account_id)}"
        return client

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> TestResponse:
        response: TestResponse = self.client(who).open(path, method=method, **kwargs)
        return response

    def ok(self, who: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.call(who, method, path, **kwargs)
        assert 200 <= response.status_code < 300, (method, path, response.get_json())
        body: dict[str, Any] = response.get_json(silent=True) or {}
        return body

    def pump(self) -> None:
        """Relay every outbox and run every consumer until nothing is left to do."""
        while True:
            moved = sum(relay.publish_pending() for relay in self.relays)
            moved += sum(consumer.run_once(0) for consumer in self.consumers)
            if not moved:
                return

    # -- accounts and mail --------------------------------------------------------------

    def register(self, email: str, kind: str = "volunteer") -> str:
        body = {"email": email, "password": PASSWORD, "name": "Pat Doe", "account_type": kind}
        return str(self.ok("anonymous", "POST", "/api/v1/auth/register", json=body)["id"])

    def link_token(self, email: str) -> str:
        """The one-time token in the newest email to ``email`` (after relaying the mail)."""
        relay = mail_relay(self.volunteers)
        while relay.send_pending().sent:  # in batches: offer emails may be queued ahead
            pass
        for message in DevMailbox(dev_mailbox_path(self.config)).messages():
            if message["to"] == email:
                found = re.search(r"token=([^\s&\"'<>]+)", message["text"])
                assert found, message["text"]
                return found.group(1)
        raise AssertionError(f"no email to {email}")

    def fresh_email(self) -> str:
        return f"someone-{uuid.uuid4().hex[:12]}@example.org"

    def session_secret(self, email: str) -> str:
        """Sign in as ``email``; the session cookie's value."""
        credentials = {"email": email, "password": PASSWORD}
        response = self.call("anonymous", "POST", "/api/v1/auth/token", json=credentials)
        assert response.status_code == 200, response.get_json()
        cookie = response.headers["Set-Cookie"]
        return cookie.split(";", 1)[0].split("=", 1)[1]

    # -- fresh objects for mutating cases -----------------------------------------------

    def fresh_org(self, tenant: str, *, approved: bool = True) -> dict[str, str]:
        """A new organisation in ``tenant``'s area, with the same members as the tenant's
        organisation plus a spare editor; approved by the admin unless ``approved=False``."""
        facts = TENANTS[tenant]
        body = {"name": f"Fresh {tenant}", "type": "charity", "postcode": facts["postcode"]}
        org = self.ok(facts["owner"], "POST", "/api/v1/organisations", json=body)["id"]
        spare = f"spare-{uuid.uuid4().hex[:8]}"
        editors = [spare] + ([self.ids["ex"]] if tenant == "X" else [])
        for account in editors:
            member = {"account_id": account, "role": "editor"}
            self.ok(facts["owner"], "POST", f"/api/v1/organisations/{org}/members", json=member)
        if approved:
            self.ok("admin", "POST", f"/api/v1/organisations/{org}/approve")
        return {"org": org, "spare": spare}

    def fresh_role(self, tenant: str, *, published: bool = True) -> dict[str, str]:
        """A new role of the tenant's organisation (a draft unless ``published``)."""
        owner = TENANTS[tenant]["owner"]
        body = role_body(self.tenant[tenant]["org"], TENANTS[tenant]["postcode"])
        role = self.ok(owner, "POST", "/api/v1/opportunities", json=body)["id"]
        if published:
            self.ok(owner, "POST", f"/api/v1/opportunities/{role}/publish")
        return {"role": role, "draft": role}

    def fresh_application(self, tenant: str, *, escalated: bool = False) -> dict[str, str]:
        """The tenant's volunteer applies to a new published role of the tenant."""
        role = self.fresh_role(tenant)["role"]
        self.pump()
        volunteer = TENANTS[tenant]["volunteer"]
        body = {"opportunity_id": role, "message": "I can help on Mondays."}
        application = self.ok(volunteer, "POST", "/api/v1/applications", json=body)["id"]
        if escalated:
            self.escalate()
        return {"application": application, "role": role}

    def fresh_search(self, tenant: str, name: str = "Befriending near me") -> dict[str, str]:
        """A saved search of the tenant's volunteer, and its unsubscribe token."""
        body = {"name": name, "params": {"q": "befriending"}, "frequency": "daily"}
        who = TENANTS[tenant]["volunteer"]
        search = self.ok(who, "POST", "/api/v1/saved-searches", json=body)["id"]
        return {"search": search, "token": unsubscribe_token(self.volunteers, search)}

    def escalate(self) -> list[str]:
        """Run the response-time sweep three weeks on: unanswered applications escalate."""
        report = sweep(self.volunteers, now=utcnow() + dt.timedelta(days=21))
        self.pump()
        return report.escalated

    # -- the world ----------------------------------------------------------------------

    def _build(self) -> None:
        kinds = {"va": "volunteer", "vb": "volunteer"}
        for who in ("va", "vb", "ox", "ex", "oy", "cx", "dx", "admin", "vco"):
            kind = kinds.get(who, "organisation")
            self.ids[who] = self.register(f"{who}@example.org", kind)
            self.claims[who] = {"email_verified": True, "account_type": kind}
        self.claims["admin"]["roles"] = ["admin"]
        centres = {tenant: self._centre(tenant) for tenant in ("X", "Y")}
        self.claims["cx"].update(roles=["vc_staff"], centres=[centres["X"]])
        self.claims["dx"].update(roles=["vc_staff"], centres=[centres["Y"]])
        for tenant, staff in (("X", "cx"), ("Y", "dx")):
            self._tenant(tenant, staff, centres[tenant])
        self.pump()
        for tenant in ("X", "Y"):
            self._volunteer(tenant)
        escalated = self.escalate()
        assert sorted(escalated) == sorted(self.tenant[t]["application"] for t in ("X", "Y"))
        for objects in self.tenant.values():  # each to its own tenant's centre
            found = self.ok("admin", "GET", f"/api/v1/applications/{objects['application']}")
            assert found["escalated_to"] == objects["centre"], found
        from tests.unit.authorisation_micro import build_micro

        build_micro(self)
        for tenant in ("X", "Y"):
            self._partner(tenant)

    def _centre(self, tenant: str) -> str:
        body = {"name": f"Volunteer Centre {tenant}", "type": "volunteer_centre"}
        centre = self.ok("vco", "POST", "/api/v1/organisations", json=body)["id"]
        self.ok("admin", "POST", f"/api/v1/organisations/{centre}/approve")
        catchment = {"outward_codes": [TENANTS[tenant]["outward"]], "districts": []}
        path = f"/api/v1/organisations/{centre}"
        self.ok("vco", "PATCH", path, json={"catchment": catchment})
        self.tenant[tenant]["centre"] = centre
        return centre

    def _tenant(self, tenant: str, staff: str, centre: str) -> None:
        facts, objects = TENANTS[tenant], self.tenant[tenant]
        owner = facts["owner"]
        body = {"name": f"Organisation {tenant}", "type": "charity", "postcode": facts["postcode"]}
        body["description"] = DESCRIPTION
        org = self.ok(owner, "POST", "/api/v1/organisations", json=body)
        assert org["moderation"] == "pending"
        objects.update(org=org["id"], outward=facts["outward"], postcode=facts["postcode"])
        self.ok(staff, "POST", f"/api/v1/organisations/{org['id']}/approve")
        if tenant == "X":
            member = {"account_id": self.ids["ex"], "role": "editor"}
            self.ok(owner, "POST", f"/api/v1/organisations/{org['id']}/members", json=member)
        objects["role"] = self.fresh_role(tenant)["role"]
        title = f"Secret draft of {tenant} {uuid.uuid4().hex[:8]}"
        draft = role_body(org["id"], facts["postcode"], title=title)
        objects["draft"] = self.ok(owner, "POST", "/api/v1/opportunities", json=draft)["id"]
        objects["draft_title"] = title
        pending = {"name": f"Pending {tenant}", "type": "community_group"}
        pending["postcode"] = facts["postcode"]
        objects["pending"] = self.ok("vco", "POST", "/api/v1/organisations", json=pending)["id"]
        objects["member"] = self.ids["ex"] if tenant == "X" else self.ids[owner]

    def _volunteer(self, tenant: str) -> None:
        facts, objects = TENANTS[tenant], self.tenant[tenant]
        who = facts["volunteer"]
        secret = uuid.uuid4().hex[:10]
        profile = {
            "postcode": facts["postcode"], "travel_km": 10, "phone": f"07700 9{secret[:5]}",
            "accessibility_needs": f"Step-free access please ({secret})",
        }  # fmt: skip
        self.ok(who, "PATCH", "/api/v1/me/profile", json=profile)
        message = f"Private message from {who} {secret}"
        body = {"opportunity_id": objects["role"], "message": message}
        objects["application"] = self.ok(who, "POST", "/api/v1/applications", json=body)["id"]
        objects.update(volunteer=self.ids[who], message=message, phone=profile["phone"])
        objects["needs"] = profile["accessibility_needs"]
        search = self.fresh_search(tenant, name=f"Saved by {who} {secret}")
        objects.update(search=search["search"], search_name=f"Saved by {who} {secret}")

    def _partner(self, tenant: str) -> None:
        """A partner site managed by the tenant's owner, with one API key."""
        owner = TENANTS[tenant]["owner"]
        body = {"name": f"Partner of {tenant}", "website": "https://partner.example",
                "contact_email": f"web-{tenant.lower()}@partner.example"}  # fmt: skip
        partner = self.ok(owner, "POST", "/partner/v1/partners", json=body)["id"]
        self.tenant[tenant]["partner"] = partner
        self.tenant[tenant]["key"] = self.fresh_partner_key(tenant)["key"]

    def fresh_partner_key(self, tenant: str) -> dict[str, str]:
        owner = TENANTS[tenant]["owner"]
        path = f"/partner/v1/partners/{self.tenant[tenant]['partner']}/keys"
        key = self.ok(owner, "POST", path, json={"name": f"Key {uuid.uuid4().hex[:6]}"})
        return {"key": key["id"]}

    def markers(self, tenant: str) -> dict[str, str]:
        """What nobody outside ``tenant`` (but an admin) may ever be shown."""
        objects = self.tenant[tenant]
        keys = ("application", "volunteer", "message", "phone", "needs", "draft", "draft_title",
                "search", "search_name")  # fmt: skip
        found = {key: objects[key] for key in keys}
        found["pending"] = objects["pending"]
        members = ("ox", "ex") if tenant == "X" else ("oy",)
        found.update({f"id of {who}": self.ids[who] for who in members})
        from tests.unit.authorisation_micro import markers

        found.update(markers(self, tenant))
        found.update(partner=objects["partner"], partner_key=objects["key"])
        return found

    def close(self) -> None:
        self.platform.shutdown()
