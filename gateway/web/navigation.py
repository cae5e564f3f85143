"""The header's menu: what each kind of account needs most, in words."""

from __future__ import annotations

from typing import Any

from gateway.web.templating import signed_in_principal


def nav_items(active: str | None) -> list[dict[str, Any]]:
    principal = signed_in_principal()
    items = [("search", "/search", "Find volunteering")]
    if principal is None:
        items += [
            ("sign-in", "/sign-in", "Sign in"),
            ("register", "/register", "Create an account"),
        ]
    else:
        if principal.account_type == "organisation" or principal.is_admin:
            items.append(("manage", "/manage", "Your organisation"))
        if principal.account_type != "organisation":
            items += [
                ("applications", "/account/applications", "Your applications"),
                ("microtasks", "/microtasks/offers", "Short tasks"),
            ]
        if "vc_staff" in principal.roles or principal.is_admin:
            items.append(("centre", "/centre", "Volunteer Centre"))
        items += [("account", "/account", "Your account"), ("sign-out", "/sign-out", "Sign out")]
    return [{"href": href, "text": text, "active": key == active} for key, href, text in items]
