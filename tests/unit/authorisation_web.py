"""The authorisation matrix's rows for the web pages (see ``authorisation_matrix.py``).

Pages act through the public API as the visitor, so these rows check that a page shows
and does only what its API calls allow: drafts to their editors, applying to people signed
in, each person's own applications. Form posts are in ``NOT_IN_MATRIX`` (CSRF-protected).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.unit.authorisation_rows import (
    EDITORS,
    OTHER,
    OWN,
    SELF,
    SIGNED_IN,
    Row,
    allow,
    public,
)

if TYPE_CHECKING:
    from tests.unit.authorisation_world import World

SIGN_IN_FIRST = {("anonymous", OWN): 303, ("anonymous", OTHER): 303}


def _verify_link(world: World, _tenant: str, _who: str) -> dict[str, Any]:
    email = world.fresh_email()
    world.register(email)
    return {"token": world.link_token(email)}


WEB_ROWS = (
    *(public("GET", rule, tenants=(SELF,), service="gateway", note="A web page")
      for rule in ("/", "/search", "/register", "/sign-in", "/sign-out", "/signed-out")),
    public("GET", "/search", variant="results", tenants=(SELF,), service="gateway",
           query={"postcode": "SE1 7AE", "miles": "25"}),
    public("GET", "/assets/<path:filename>", path="/assets/app.css", tenants=(SELF,),
           service="gateway", note="The pages' styles and scripts"),
    public("GET", "/account/verify", tenants=(SELF,), service="gateway",
           query={"token": "{token}"}, fresh=_verify_link,
           note="The emailed link's page: it confirms the address"),
    public("GET", "/opportunities/<role_id>", path="/opportunities/{role}", service="gateway",
           variant="published"),
    Row("GET", "/opportunities/<role_id>", EDITORS, "/opportunities/{draft}", "draft",
        service="gateway"),
    Row("GET", "/account/applications", allow(*SIGNED_IN), tenants=(SELF,), service="gateway",
        status={("anonymous", SELF): 303}, note="Anonymous visitors are sent to sign in"),
    Row("GET", "/opportunities/<role_id>/apply", allow(*SIGNED_IN), "/opportunities/{role}/apply",
        service="gateway", status=SIGN_IN_FIRST),
    Row("GET", "/opportunities/<role_id>/apply", {}, "/opportunities/{draft}/apply", "draft",
        service="gateway", status=SIGN_IN_FIRST,
        note="Nobody applies for a draft, its own editors included"),
)  # fmt: skip

WEB_FORM_POSTS: dict[tuple[str, str, str], str] = {
    ("gateway", "POST", rule): f"a form post, refused without its page's CSRF token "
    f"(tests/unit/web); what it does is the {api} row"
    for rule, api in (
        ("/register", "POST /api/v1/auth/register"),
        ("/sign-in", "POST /api/v1/auth/token"),
        ("/sign-out", "POST /api/v1/auth/logout"),
        ("/opportunities/<role_id>/apply", "POST /api/v1/applications"),
    )
}
