"""The authorisation matrix's table: who may call each route, on whose objects.

One ``Row`` per route (method + Flask rule, exactly as in the app's ``url_map``), or several
rows with different ``variant`` names when one route does different things (``<move>``,
``?organisation_id=``). ``tests/unit/test_authorisation_matrix.py`` turns each row into one
test per principal (anonymous, va, vb, ox, ex, oy, cx, dx, admin) and tenant, and fails for
any route without a row. Fields:

- ``method``, ``rule``: the route classified; ``variant``: names a second row for one route;
  ``service``: who answers (derived from the path; set "gateway" for the gateway's own routes).
- ``ok``: principal -> the tenants where a 2xx answer is expected, built with ``allow(...)``;
  everyone/everywhere else must be refused (401, 403 or 404). Tenants: ``OWN`` (the caller's
  tenant's object), ``OTHER`` (the other tenant's), ``SELF`` (routes acting on the caller).
- ``path``: the URL called (default: the rule), a ``str.format`` template over the target
  tenant's objects: ``{org}`` ``{role}`` (published) ``{draft}`` ``{application}`` (escalated
  to the tenant's centre) ``{centre}`` ``{member}`` ``{volunteer}`` ``{search}`` ``{pending}``
  and ``{me}`` (the caller's account id), plus whatever ``fresh`` returns.
- ``query``: query parameters (templates too); ``body``: ``objects -> JSON body``;
  ``headers``: extra request headers.
- ``fresh``: ``(world, tenant, who) -> {key: value}``, new objects made before the call, for
  every row that changes something, so each case starts from the same state. Special keys:
  ``_as`` (call as this account id, with the principal's claims) and ``_cookie`` (session).
- ``tenants``: ``(OWN, OTHER)`` unless the route acts on the caller alone: ``(SELF,)``.
- ``status``: ``{(principal, tenant): exact status}`` for answers that are neither 2xx nor a
  refusal (409 "an organisation must keep an owner").
- ``leaks``: False only for routes that show private data by design (say why in ``note``);
  ``note``: why the row is as it is, where that is not obvious.

Adding a route: copy the row of the most similar route (``public(...)`` for anyone,
``own_data(...)`` for "the caller's own", ``Row(...)`` with ``EDITORS``, ``OWNERS_ONLY``,
``ADMIN``... for tenant objects), give it ``fresh`` if it changes anything, and run this file.

Routes that are no API of their own (the gateway's proxies) go in ``NOT_IN_MATRIX`` with why.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from services.volunteers.service_layer.saved_searches import unsubscribe_token
from tests.unit import authorisation_web_account as web_account
from tests.unit import authorisation_web_micro as web_micro
from tests.unit import authorisation_web_org as web_org
from tests.unit.authorisation_micro import MICRO_ROWS
from tests.unit.authorisation_rows import (
    ADMIN,
    EDITORS,
    EVERYONE,
    MEMBERS,
    OPS_RULES,
    OTHER,
    OWN,
    OWNERS,
    OWNERS_ONLY,
    SELF,
    SIGNED_IN,
    STAFF,
    VOLUNTEERS,
    Fresh,
    Row,
    allow,
    own_data,
    public,
)
from tests.unit.authorisation_web import WEB_FORM_POSTS, WEB_ROWS
from tests.unit.authorisation_world import DESCRIPTION, PASSWORD, World, role_body

__all__ = ["MATRIX", "NOT_IN_MATRIX", "OPS_RULES", "OTHER", "Row"]

# -- fresh objects ------------------------------------------------------------------------


def _account(world: World, _tenant: str, _who: str) -> dict[str, Any]:
    email = world.fresh_email()
    world.register(email)
    return {"email": email}


def _verify_token(world: World, tenant: str, who: str) -> dict[str, Any]:
    email = _account(world, tenant, who)["email"]
    return {"token": world.link_token(email)}


def _reset_token(world: World, tenant: str, who: str) -> dict[str, Any]:
    email = _account(world, tenant, who)["email"]
    world.call("anonymous", "POST", "/api/v1/auth/password-reset", json={"email": email})
    return {"token": world.link_token(email)}


def _session(world: World, tenant: str, who: str) -> dict[str, Any]:
    return {"_cookie": world.session_secret(_account(world, tenant, who)["email"])}


def _unsubscribe(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return {"token": unsubscribe_token(world.volunteers, world.tenant[tenant]["search"])}


def _org(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return world.fresh_org(tenant)


def _pending_org(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return world.fresh_org(tenant, approved=False)


def _published(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return world.fresh_role(tenant)


def _copied_role(world: World, tenant: str, _who: str) -> dict[str, Any]:
    """A new published role, copied to the volunteers service (where applying checks it)."""
    role = world.fresh_role(tenant)
    world.pump()
    return role


def _clone(world: World, _tenant: str, _who: str) -> dict[str, Any]:
    """A new account to call as, with the caller's claims: for calls that end an account, or
    that would tie the caller to the other tenant (applying there)."""
    return {"_as": world.register(world.fresh_email())}


def _copied_role_as_clone(world: World, tenant: str, who: str) -> dict[str, Any]:
    return {**_copied_role(world, tenant, who), **_clone(world, tenant, who)}


def _draft(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return world.fresh_role(tenant, published=False)


def _application(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return world.fresh_application(tenant)


def _escalated_application(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return world.fresh_application(tenant, escalated=True)


def _search(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return world.fresh_search(tenant)


def _key(world: World, tenant: str, _who: str) -> dict[str, Any]:
    return world.fresh_partner_key(tenant)


def _new_email(_objects: dict[str, Any]) -> dict[str, Any]:
    return {"password": PASSWORD, "new_email": f"moved-{uuid.uuid4().hex[:8]}@example.org"}


# -- who may do what ----------------------------------------------------------------------

APPLICATION_READERS = allow(*VOLUNTEERS, *MEMBERS, *STAFF, on=[OWN]) | ADMIN
SEARCH = {"name": "Befriending near me", "params": {"q": "befriending"}, "frequency": "daily"}
ORG = "/api/v1/organisations"
ROLE = "/api/v1/opportunities/<role_id>"
APPLICATION = "/api/v1/applications/<application_id>"
MOVE = f"{APPLICATION}/<move>"
SAVED = "/api/v1/saved-searches/<search_id>"
PARTNERS = "/partner/v1/partners"
PARTNERS_PATH = PARTNERS
# Each tenant's organisation owner manages that tenant's partner (built in the world).
PARTNER_MANAGERS = allow(*OWNERS, on=[OWN]) | ADMIN


def _move(move: str, ok: Mapping[str, frozenset[str]], fresh: Fresh, variant: str = "") -> Row:
    path = f"/api/v1/applications/{{application}}/{move}"
    return Row("POST", MOVE, ok, path, variant or move, fresh=fresh)


MATRIX: tuple[Row, ...] = (
    # -- opportunities service: organisations, members, moderation ----------------------
    Row("POST", ORG, allow(*SIGNED_IN), tenants=(SELF,),
        body=lambda o: {"name": "New group", "type": "community_group", "postcode": "SE1 7AE"}),
    public("GET", f"{ORG}/<org_id>", path=f"{ORG}/{{org}}"),
    Row("PATCH", f"{ORG}/<org_id>", EDITORS, f"{ORG}/{{org}}", "profile",
        body=lambda o: {"description": DESCRIPTION}),
    Row("PATCH", f"{ORG}/<org_id>", ADMIN, f"{ORG}/{{org}}", "make it a Volunteer Centre",
        fresh=_org, body=lambda o: {"type": "volunteer_centre"},
        note="Its members would become Volunteer Centre staff without any moderation"),
    Row("PATCH", f"{ORG}/<org_id>", ADMIN, f"{ORG}/{{centre}}", "catchment of its centre",
        body=lambda o: {"catchment": {"outward_codes": [o["outward"]], "districts": []}},
        note="A centre's staff may not move their own catchment: only its owners, admins."),
    public("GET", f"{ORG}/<org_id>/opportunities", path=f"{ORG}/{{org}}/opportunities"),
    Row("GET", f"{ORG}/<org_id>/members", EDITORS, f"{ORG}/{{org}}/members"),
    Row("POST", f"{ORG}/<org_id>/members", OWNERS_ONLY, f"{ORG}/{{org}}/members", "add",
        body=lambda o: {"account_id": f"new-{uuid.uuid4().hex[:8]}", "role": "editor"}),
    Row("POST", f"{ORG}/<org_id>/members", OWNERS_ONLY, f"{ORG}/{{org}}/members",
        "make myself owner", body=lambda o: {"account_id": o["me"], "role": "owner"},
        fresh=_org),
    Row("DELETE", f"{ORG}/<org_id>/members/<account_id>", OWNERS_ONLY,
        f"{ORG}/{{org}}/members/{{spare}}", "someone else", fresh=_org),
    Row("DELETE", f"{ORG}/<org_id>/members/<account_id>", allow("ex", on=[OWN]),
        f"{ORG}/{{org}}/members/{{me}}", "myself", fresh=_org,
        status={("ox", OWN): 409, ("oy", OWN): 409}, note="Members may leave; not the last owner"),
    Row("POST", f"{ORG}/<org_id>/approve", allow(*STAFF, on=[OWN]) | ADMIN,
        f"{ORG}/{{org}}/approve", fresh=_pending_org),
    Row("POST", f"{ORG}/<org_id>/reject", allow(*STAFF, on=[OWN]) | ADMIN,
        f"{ORG}/{{org}}/reject", fresh=_pending_org, body=lambda o: {"reason": "Not a charity"}),
    Row("GET", "/api/v1/moderation/queue", allow(*STAFF, "admin"), tenants=(SELF,)),
    # -- opportunities service: roles and vocabularies ----------------------------------
    Row("POST", "/api/v1/opportunities", EDITORS,
        body=lambda o: role_body(o["org"], o["postcode"])),
    public("GET", ROLE, path="/api/v1/opportunities/{role}", variant="published"),
    Row("GET", ROLE, EDITORS, "/api/v1/opportunities/{draft}", "draft"),
    Row("PATCH", ROLE, EDITORS, "/api/v1/opportunities/{role}", fresh=_published,
        body=lambda o: {"summary": "Tea, biscuits and a chat every week."}),
    Row("DELETE", ROLE, EDITORS, "/api/v1/opportunities/{draft}", fresh=_draft),
    Row("POST", f"{ROLE}/publish", EDITORS, "/api/v1/opportunities/{draft}/publish", fresh=_draft),
    *(
        Row("POST", f"{ROLE}/{action}", EDITORS, f"/api/v1/opportunities/{{role}}/{action}",
            fresh=_published, body=lambda o: {"reason": "Enough volunteers for now"})
        for action in ("pause", "close")
    ),
    Row("POST", f"{ROLE}/confirm", EDITORS, "/api/v1/opportunities/{role}/confirm",
        fresh=_published),
    Row("GET", "/api/v1/opportunities/export", ADMIN, tenants=(SELF,),
        note="For the platform's own services (search reindex): admin or service tokens"),
    public("GET", "/api/v1/vocabularies", tenants=(SELF,)),
    public("GET", "/api/v1/vocabularies/<name>", path="/api/v1/vocabularies/causes",
           tenants=(SELF,)),
    # -- search service -----------------------------------------------------------------
    public("GET", "/api/v1/search", tenants=(SELF,), query={"q": "befriending"}),
    public("GET", "/api/v1/search/suggest", tenants=(SELF,), query={"q": "bef"}),
    # -- volunteers service: accounts (credentials, not tokens, decide these) -----------
    public("POST", "/api/v1/auth/register", tenants=(SELF,), body=lambda o: {
        "email": f"new-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD,
        "name": "Sam Doe", "account_type": "volunteer"}),
    public("POST", "/api/v1/auth/verify", tenants=(SELF,), fresh=_verify_token,
           body=lambda o: {"token": o["token"]}),
    public("GET", "/api/v1/auth/verify", tenants=(SELF,), fresh=_verify_token,
           query={"token": "{token}"}),
    own_data("POST", "/api/v1/auth/verify/resend"),
    public("POST", "/api/v1/auth/token", tenants=(SELF,), fresh=_account,
           body=lambda o: {"email": o["email"], "password": PASSWORD}),
    public("POST", "/api/v1/auth/refresh", tenants=(SELF,), fresh=_session,
           note="The session cookie is the credential; the bearer token plays no part"),
    public("POST", "/api/v1/auth/logout", tenants=(SELF,)),
    public("POST", "/api/v1/auth/password-reset", tenants=(SELF,),
           body=lambda o: {"email": "va@example.org"}),
    public("POST", "/api/v1/auth/password-reset/confirm", tenants=(SELF,), fresh=_reset_token,
           body=lambda o: {"token": o["token"], "password": "another long passphrase"}),
    public("GET", "/api/v1/auth/password-reset/confirm", tenants=(SELF,), fresh=_reset_token,
           query={"token": "{token}"}),
    own_data("POST", "/api/v1/auth/change-email", body=_new_email),
    own_data("GET", "/api/v1/me/account"),
    own_data("DELETE", "/api/v1/me", fresh=_clone, body=lambda o: {"password": PASSWORD},
             note="Erases a new account holding the caller's claims, so the world survives"),
    own_data("GET", "/api/v1/me/export", service="gateway",
             note="The gateway gathers each service's part"),
    own_data("GET", "/api/v1/me/export/volunteers"),
    own_data("GET", "/api/v1/me/export/opportunities"),
    # -- volunteers service: profile, suggestions ---------------------------------------
    own_data("GET", "/api/v1/me/profile"),
    own_data("PATCH", "/api/v1/me/profile", body=lambda o: {"travel_km": 10}),
    own_data("GET", "/api/v1/me/suggestions"),
    # -- volunteers service: applications -----------------------------------------------
    Row("POST", "/api/v1/applications", allow(*SIGNED_IN), fresh=_copied_role_as_clone,
        body=lambda o: {"opportunity_id": o["role"], "message": "I would like to help."},
        note="Anyone signed in may apply to any published role"),
    own_data("GET", "/api/v1/applications", variant="mine"),
    Row("GET", "/api/v1/applications", EDITORS, variant="inbox",
        query={"organisation_id": "{org}"}),
    Row("GET", "/api/v1/applications/escalated", allow(*STAFF, "admin"), tenants=(SELF,),
        note="Staff see what was escalated to their centres only (leak check)"),
    Row("GET", "/api/v1/applications/stats", allow(*EVERYONE),
        query={"organisation_id": "{org}"}, note="Public: counts and medians, no people"),
    Row("GET", APPLICATION, APPLICATION_READERS, "/api/v1/applications/{application}",
        note="The volunteer, the organisation's members, the centre it was escalated to"),
    *(_move(move, EDITORS, _application) for move in ("seen", "in-contact", "accept", "decline")),
    _move("seen", EDITORS, _escalated_application, "seen, escalated"),
    _move("withdraw", allow(*VOLUNTEERS, on=[OWN]), _application),
    # -- volunteers service: saved searches ---------------------------------------------
    own_data("POST", "/api/v1/saved-searches", body=lambda o: SEARCH),
    own_data("GET", "/api/v1/saved-searches"),
    Row("GET", SAVED, allow(*VOLUNTEERS, on=[OWN]), "/api/v1/saved-searches/{search}"),
    Row("PATCH", SAVED, allow(*VOLUNTEERS, on=[OWN]), "/api/v1/saved-searches/{search}",
        body=lambda o: {"frequency": "daily"}),
    Row("DELETE", SAVED, allow(*VOLUNTEERS, on=[OWN]), "/api/v1/saved-searches/{search}",
        fresh=_search),
    public("GET", f"{SAVED}/unsubscribe", path="/api/v1/saved-searches/{search}/unsubscribe",
           note="Only says to POST; changes nothing"),
    Row("POST", f"{SAVED}/unsubscribe", {}, "/api/v1/saved-searches/{search}/unsubscribe",
        "no token", note="The emailed token is the credential, not the bearer token"),
    public("POST", f"{SAVED}/unsubscribe", path="/api/v1/saved-searches/{search}/unsubscribe",
           variant="emailed token", fresh=_unsubscribe, query={"token": "{token}"}),
    # -- syndication: feeds (search) and open data (opportunities) -----------------------
    *(public("GET", f"/feeds/search.{kind}", tenants=(SELF,), query={"q": "befriending"},
             service="search") for kind in ("atom", "rss", "json")),
    public("GET", "/opensearch.xml", tenants=(SELF,), service="search"),
    public("GET", "/api/v1/open-data/dataset.jsonld", tenants=(SELF,)),
    public("GET", "/api/v1/open-data/changes", tenants=(SELF,)),
    Row("GET", "/api/v1/open-data/organisations/<org_id>.jsonld", allow(*EVERYONE),
        "/api/v1/open-data/organisations/{org}.jsonld", note="Approved organisations only"),
    Row("GET", "/api/v1/open-data/roles/<role_id>/jobposting.jsonld", allow(*EVERYONE),
        "/api/v1/open-data/roles/{role}/jobposting.jsonld", note="Published roles only"),
    Row("GET", "/api/v1/open-data/roles/<role_id>/jobposting.jsonld", {},
        "/api/v1/open-data/roles/{draft}/jobposting.jsonld", "draft",
        note="A draft is not public: 404 to everyone, admins included"),
    # -- gateway: partners and their API keys --------------------------------------------
    Row("POST", PARTNERS, allow(*SIGNED_IN), tenants=(SELF,), service="gateway",
        body=lambda o: {"name": "Borough Council", "website": "https://council.example",
                        "contact_email": "web@council.example"}),
    own_data("GET", PARTNERS, service="gateway",
             note="Lists only the partners the caller manages (leak check)"),
    Row("GET", f"{PARTNERS}/<partner_id>", PARTNER_MANAGERS, f"{PARTNERS_PATH}/{{partner}}",
        service="gateway"),
    Row("POST", f"{PARTNERS}/<partner_id>/keys", PARTNER_MANAGERS,
        f"{PARTNERS_PATH}/{{partner}}/keys", service="gateway",
        body=lambda o: {"name": "Council website", "allowed_origins": ["https://council.example"]}),
    Row("GET", f"{PARTNERS}/<partner_id>/keys", PARTNER_MANAGERS,
        f"{PARTNERS_PATH}/{{partner}}/keys", service="gateway"),
    Row("POST", f"{PARTNERS}/<partner_id>/keys/<key_id>/rotate", PARTNER_MANAGERS,
        f"{PARTNERS_PATH}/{{partner}}/keys/{{key}}/rotate", service="gateway", fresh=_key),
    Row("DELETE", f"{PARTNERS}/<partner_id>/keys/<key_id>", PARTNER_MANAGERS,
        f"{PARTNERS_PATH}/{{partner}}/keys/{{key}}", service="gateway", fresh=_key),
    public("GET", "/api/docs", tenants=(SELF,), service="gateway",
           note="The public API reference, rendered from /openapi.json"),
    public("GET", "/embed/v1/widget.js", tenants=(SELF,), service="gateway",
           note="The partner search widget's script: a static file"),
    *WEB_ROWS,
    *web_org.ROWS,
    *web_micro.ROWS,
    *web_account.ROWS,
    # -- gateway ------------------------------------------------------------------------
    public("GET", "/dev/mail", tenants=(SELF,), leaks=False,
           note="Development only (404 in production): every email sent, by design"),
    public("GET", "/dev/mail.json", tenants=(SELF,), leaks=False,
           note="Development only (404 in production): every email sent, by design"),
    *MICRO_ROWS,
)  # fmt: skip

NOT_IN_MATRIX: dict[tuple[str, str, str], str] = {
    **WEB_FORM_POSTS,
    **web_org.FORM_POSTS,
    **web_micro.FORM_POSTS,
    **web_account.FORM_POSTS,
    **{
        ("gateway", method, "/api/v1/<path:rest>"): "forwards to the service routes above"
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    },
    ("gateway", "GET", "/services/<service>/<op>"): "a service's health, readiness, metrics",
    ("gateway", "GET", "/feeds/<path:rest>"): "forwards to the search service's feed routes",
    ("gateway", "GET", "/opensearch.xml"): "forwards to the search service's document",
}
