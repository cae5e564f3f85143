"""Jinja filters and globals the page templates share: plain-English dates and distances,
coded-list labels, and who is signed in."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from flask import Flask, current_app

from services.common.auth import Principal, current_principal
from services.common.problems import Problem
from services.common.vocab.vocabularies import Vocabularies, load_vocabularies

COMMITMENTS = {
    "one_off": "One-off",
    "regular": "Regular",
    "flexible": "Flexible",
    "micro": "Short tasks (micro-volunteering)",
}
KM_PER_MILE = 1.609344


@functools.cache
def vocabularies() -> Vocabularies:
    return load_vocabularies()


def label(code: str, vocabulary: str) -> str:
    if vocabulary == "commitment":
        return COMMITMENTS.get(code, code)
    found = vocabularies().get(vocabulary)
    return found.label(code) if code in found else code


def long_date(value: str | dt.date | dt.datetime | None) -> str:
    """ "31 January 2027", the GOV.UK style; "" for nothing."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{value.day} {value:%B %Y}"


def distance(km: float | None) -> str:
    if km is None:
        return ""
    miles = km / KM_PER_MILE
    if miles < 0.1:
        return "less than 0.1 miles away"
    shown = f"{miles:.1f}" if miles < 10 else f"{miles:.0f}"
    return f"{shown} {'mile' if shown == '1.0' else 'miles'} away"


def install_filters(app: Flask) -> None:
    app.jinja_env.filters.update(label=label, long_date=long_date, distance=distance)
    from gateway.web.navigation import nav_items  # it uses signed_in_principal, below

    app.jinja_env.globals.update(site=_site, signed_in=_signed_in, nav_items=nav_items)


def _site() -> dict[str, Any]:
    found: dict[str, Any] = current_app.extensions["site"]
    return found


def _signed_in() -> bool:
    return signed_in_principal() is not None


def signed_in_principal() -> Principal | None:
    """Who is signed in: the session cookie's account (or a valid bearer token's)."""
    try:
        return current_principal()
    except Problem:  # an expired or bad token on a page: treat as signed out
        return None
