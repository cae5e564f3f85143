"""Authorisation matrix rows for the micro web pages (see authorisation_web.py).

The pages act through the availability service's API as the visitor, so each page is
allowed exactly where its API calls are: a volunteer's own settings, wallet, offers, hours
and credits to anyone signed in (about themselves); a task to its organisation's members
and the volunteers it was offered to; the organisation's task pages to its members (and
admins). Anonymous visitors are sent to sign in (303). Form posts are in ``FORM_POSTS``.
"""

from __future__ import annotations

from tests.unit.authorisation_micro import TASK_READERS
from tests.unit.authorisation_rows import EDITORS, SELF, SIGNED_IN, Row, allow
from tests.unit.authorisation_web import SIGN_IN_FIRST

SIGN_IN = {("anonymous", SELF): 303}
OWN_PAGE = "The visitor's own; anonymous visitors sign in first"
ORG = "/manage/<org_id>/microtasks"


def _own_page(rule: str, note: str = "") -> Row:
    return Row("GET", rule, allow(*SIGNED_IN), tenants=(SELF,), service="gateway",
               status=SIGN_IN, note=note or OWN_PAGE)  # fmt: skip


ROWS: tuple[Row, ...] = (
    _own_page("/account/availability", "Empty form until the visitor has set it"),
    _own_page("/account/credentials"),
    _own_page("/microtasks/offers"),
    _own_page("/account/hours"),
    _own_page("/account/time-credits"),
    Row("GET", "/microtasks/<task_id>", TASK_READERS, "/microtasks/{task}", service="gateway",
        status=SIGN_IN_FIRST, note="As GET /api/v1/microtasks/<task_id>"),
    Row("GET", ORG, EDITORS, "/manage/{org}/microtasks", service="gateway",
        status=SIGN_IN_FIRST),
    Row("GET", f"{ORG}/new", EDITORS, "/manage/{org}/microtasks/new", service="gateway",
        status=SIGN_IN_FIRST, note="The form only for those the task list answers"),
    Row("GET", f"{ORG}/<task_id>", EDITORS, "/manage/{org}/microtasks/{task}",
        service="gateway", status=SIGN_IN_FIRST,
        note="Candidates and bookings: the coordinators' view only"),
)  # fmt: skip

FORM_POSTS: dict[tuple[str, str, str], str] = {
    ("gateway", "POST", rule): f"a form post, refused without its page's CSRF token "
    f"(tests/unit/web); what it does is the {api} row"
    for rule, api in (
        ("/account/availability", "PUT /api/v1/availability"),
        ("/account/credentials/add", "POST /api/v1/credentials"),
        ("/account/credentials/shares", "PUT /api/v1/credentials/shares"),
        ("/account/credentials/<credential_id>/remove", "DELETE /api/v1/credentials/<id>"),
        ("/microtasks/<task_id>/accept", "POST /api/v1/microtasks/<task_id>/accept"),
        ("/microtasks/<task_id>/decline", "POST /api/v1/microtasks/<task_id>/decline"),
        ("/microtasks/<task_id>/withdraw", "POST /api/v1/microtasks/<task_id>/withdraw"),
        ("/account/hours", "POST /api/v1/hours"),
        ("/account/time-credits", "POST /api/v1/timebank/exchanges"),
        ("/account/time-credits/exchanges/<exchange_id>/<action>",
         "POST /api/v1/timebank/exchanges/<exchange_id>/<action>"),
        (f"{ORG}/new", "POST /api/v1/microtasks"),
        (f"{ORG}/<task_id>/cancel", "POST /api/v1/microtasks/<task_id>/cancel"),
        (f"{ORG}/<task_id>/bookings/<booking_id>/attendance",
         "POST /api/v1/microtasks/<task_id>/bookings/<booking_id>/attendance"),
    )
}  # fmt: skip
