"""Authorisation matrix rows for the account web pages (see authorisation_web.py): a
person's own account (gateway/web/pages/profile.py) and the Volunteer Centre pages
(gateway/web/pages/centres.py). Pages act through the API as the visitor, so each row checks
that a page shows no more than its API calls allow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.unit.authorisation_rows import (
    ADMIN,
    OTHER,
    OWN,
    SELF,
    SIGNED_IN,
    STAFF,
    VOLUNTEERS,
    Row,
    allow,
    public,
)

if TYPE_CHECKING:
    from tests.unit.authorisation_world import World

SIGN_IN_FIRST = {("anonymous", OWN): 303, ("anonymous", OTHER): 303}
ANONYMOUS_TO_SIGN_IN = {("anonymous", SELF): 303}


def _reset_link(world: World, _tenant: str, _who: str) -> dict[str, Any]:
    email = world.fresh_email()
    world.register(email)
    world.call("anonymous", "POST", "/api/v1/auth/password-reset", json={"email": email})
    return {"token": world.link_token(email)}


def _own_page(rule: str, **options: Any) -> Row:
    """A page about the signed-in person: anyone signed in, on their own account."""
    return Row("GET", rule, allow(*SIGNED_IN), tenants=(SELF,), service="gateway",
               status=ANONYMOUS_TO_SIGN_IN, **options)  # fmt: skip


def _centre_page(rule: str) -> Row:
    return Row("GET", rule, allow(*STAFF, "admin"), tenants=(SELF,), service="gateway",
               status=ANONYMOUS_TO_SIGN_IN,
               note="The page asks a staff-only API first (queue or escalations)")  # fmt: skip


ROWS: tuple[Row, ...] = (
    *(_own_page(rule) for rule in ("/account", "/account/profile", "/account/saved-searches",
                                   "/account/data", "/account/delete")),
    _own_page("/account/saved-searches/new", query={"postcode": "SE1 7AE", "miles": "5"}),
    Row("GET", "/account/saved-searches/<search_id>/delete", allow(*VOLUNTEERS, on=[OWN]),
        "/account/saved-searches/{search}/delete", service="gateway", status=SIGN_IN_FIRST,
        note="The confirmation page: someone else's saved search is a 404, as in the API"),
    *(public("GET", rule, tenants=(SELF,), service="gateway", note="A web page")
      for rule in ("/account/reset-password", "/account/reset-password/sent",
                   "/account/reset-password/done", "/account/deleted")),
    public("GET", "/account/reset-password/new", tenants=(SELF,), service="gateway",
           query={"token": "{token}"}, fresh=_reset_link,
           note="The emailed link's page: the token is the credential"),
    *(_centre_page(rule) for rule in ("/centre", "/centre/moderation", "/centre/escalated",
                                      "/centre/reports", "/centre/reports.csv")),
    Row("GET", "/centre/moderation/<org_id>/reject", allow(*STAFF, on=[OWN]) | ADMIN,
        "/centre/moderation/{pending}/reject", service="gateway", status=SIGN_IN_FIRST,
        note="Only organisations in the caller's own moderation queue"),
)  # fmt: skip

FORM_POSTS: dict[tuple[str, str, str], str] = {
    ("gateway", "POST", rule): f"a form post, refused without its page's CSRF token "
    f"(tests/unit/web); what it does is the {api} row"
    for rule, api in (
        ("/account/profile", "PATCH /api/v1/me/profile"),
        ("/account/saved-searches/new", "POST /api/v1/saved-searches"),
        ("/account/saved-searches/<search_id>/frequency", "PATCH /api/v1/saved-searches/<id>"),
        ("/account/saved-searches/<search_id>/delete", "DELETE /api/v1/saved-searches/<id>"),
        ("/account/reset-password", "POST /api/v1/auth/password-reset"),
        ("/account/reset-password/new", "POST /api/v1/auth/password-reset/confirm"),
        ("/account/delete", "DELETE /api/v1/me"),
        ("/centre/moderation/<org_id>/approve", "POST /api/v1/organisations/<org_id>/approve"),
        ("/centre/moderation/<org_id>/reject", "POST /api/v1/organisations/<org_id>/reject"),
    )
}
