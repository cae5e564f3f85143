"""Authorisation matrix rows for the organisations' pages (see authorisation_web.py), and for
the API they added: the organisations the caller is a member of.

The pages act through the API as the visitor, and also refuse anyone but the organisation's
members (and admins) before calling it, so a Volunteer Centre's staff, who may read an
escalated application through the API, still get no organisation's inbox page.
"""

from __future__ import annotations

from tests.unit.authorisation_micro import fresh_hours
from tests.unit.authorisation_rows import EDITORS, SELF, SIGNED_IN, Row, allow
from tests.unit.authorisation_web import SIGN_IN_FIRST

MANAGE = "/manage/<org_id>"
ROLE = f"{MANAGE}/roles/<role_id>"
APPLICATION = f"{MANAGE}/applications/<application_id>"
HOURS = f"{MANAGE}/hours/<hours_id>"

ROWS: tuple[Row, ...] = (
    Row("GET", "/api/v1/organisations", allow(*SIGNED_IN), tenants=(SELF,),
        query={"member": "me"}, note="Only the caller's own organisations (leak check)"),
    *(Row("GET", rule, allow(*SIGNED_IN), tenants=(SELF,), service="gateway",
          status={("anonymous", SELF): 303}, note="Anonymous visitors are sent to sign in")
      for rule in ("/manage", "/manage/organisations/new")),
    Row("GET", MANAGE, EDITORS, "/manage/{org}", service="gateway", status=SIGN_IN_FIRST),
    Row("GET", f"{MANAGE}/roles/new", EDITORS, "/manage/{org}/roles/new", service="gateway",
        status=SIGN_IN_FIRST),
    Row("GET", f"{ROLE}/edit", EDITORS, "/manage/{org}/roles/{role}/edit", service="gateway",
        status=SIGN_IN_FIRST),
    Row("GET", f"{ROLE}/edit", EDITORS, "/manage/{org}/roles/{draft}/edit", "draft",
        service="gateway", status=SIGN_IN_FIRST),
    Row("GET", f"{ROLE}/preview", EDITORS, "/manage/{org}/roles/{draft}/preview",
        service="gateway", status=SIGN_IN_FIRST),
    Row("GET", f"{MANAGE}/applications", EDITORS, "/manage/{org}/applications",
        service="gateway", status=SIGN_IN_FIRST),
    Row("GET", APPLICATION, EDITORS, "/manage/{org}/applications/{application}",
        service="gateway", status=SIGN_IN_FIRST,
        note="Not the Volunteer Centre it was escalated to: that is the centre's own page"),
    Row("GET", f"{ROLE}/close", EDITORS, "/manage/{org}/roles/{role}/close", service="gateway",
        status=SIGN_IN_FIRST, note="Asks before closing; closing is its form post"),
    Row("GET", f"{MANAGE}/hours", EDITORS, "/manage/{org}/hours", service="gateway",
        status=SIGN_IN_FIRST),
    Row("GET", HOURS, EDITORS, "/manage/{org}/hours/{hours}", service="gateway",
        status=SIGN_IN_FIRST, fresh=fresh_hours,
        note="The page to reject hours still waiting for approval"),
)  # fmt: skip

FORM_POSTS: dict[tuple[str, str, str], str] = {
    ("gateway", "POST", rule): f"a form post, refused without its page's CSRF token "
    f"(tests/unit/web); what it does is the {api} row"
    for rule, api in (
        ("/manage/organisations/new", "POST /api/v1/organisations"),
        (f"{MANAGE}/roles/new", "POST /api/v1/opportunities"),
        (f"{ROLE}/edit", "PATCH /api/v1/opportunities/<role_id>"),
        (f"{ROLE}/publish", "POST /api/v1/opportunities/<role_id>/publish"),
        (APPLICATION, "POST /api/v1/applications/<application_id>/<move>"),
        (f"{ROLE}/pause", "POST /api/v1/opportunities/<role_id>/pause"),
        (f"{ROLE}/reopen", "POST /api/v1/opportunities/<role_id>/publish"),
        (f"{ROLE}/close", "POST /api/v1/opportunities/<role_id>/close"),
        (HOURS, "POST /api/v1/hours/<hours_id>/approve (or /reject)"),
    )
}
