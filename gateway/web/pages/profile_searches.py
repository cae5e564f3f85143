"""Saved searches on the pages: the search page's query as the search API's parameters,
and back again as a link to the results, and each saved search described in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from gateway.web.templating import KM_PER_MILE, label

FREQUENCIES = {
    "instant": "As soon as a new role matches",
    "daily": "Once a day",
    "weekly": "Once a week",
    "off": "No emails",
}
FREQUENCY_SHORT = {"instant": "Straight away", "daily": "Daily", "weekly": "Weekly",
                   "off": "Off"}  # fmt: skip
TEXT = ("postcode", "q", "age", "sort")
LISTS = {"causes": "causes", "commitment": "commitment", "accessibility": "accessibility"}
REMOTE = {"only": "Remote roles only", "exclude": "In person only"}


def params_from_page(args: MultiDict[str, str]) -> dict[str, str]:
    """The search page's query (miles, repeated boxes) as the search API's parameters."""
    params = {name: args.get(name, "").strip() for name in TEXT}
    if params["postcode"]:
        try:
            params["radius_km"] = f"{float(args.get('miles', '10')) * KM_PER_MILE:.3f}"
        except ValueError:
            params["radius_km"] = args.get("miles", "")  # the API names the problem
    if args.get("remote", "include") != "include":
        params["remote"] = args.get("remote", "")
    for name in LISTS:
        params[name] = ",".join(v for v in args.getlist(name) if v)
    return {k: v for k, v in params.items() if v}


def results_link(params: Mapping[str, str]) -> str:
    """The search page showing this saved search's results."""
    pairs: list[tuple[str, str]] = [(k, params[k]) for k in (*TEXT, "remote") if params.get(k)]
    if params.get("radius_km"):
        pairs.append(("miles", _miles(params["radius_km"])))
    for name in LISTS:
        pairs += [(name, code) for code in params.get(name, "").split(",") if code]
    return "/search?" + urlencode(pairs)


def describe(params: Mapping[str, str]) -> list[str]:
    """What the search looks for, one plain line per part."""
    lines = []
    if params.get("postcode"):
        miles = _miles(params.get("radius_km", "16.093"))
        lines.append(f"Within {miles} miles of {params['postcode']}")
    if params.get("q"):
        lines.append(f"Keywords: {params['q']}")
    for name, vocabulary in LISTS.items():
        codes = [c for c in params.get(name, "").split(",") if c]
        if codes:
            words = ", ".join(label(c, vocabulary) for c in codes)
            lines.append(f"{name.capitalize()}: {words}")
    if params.get("remote") in REMOTE:
        lines.append(REMOTE[params["remote"]])
    if params.get("age"):
        lines.append(f"Roles open to someone aged {params['age']}")
    return lines or ["All roles"]


def default_name(params: Mapping[str, str]) -> str:
    what = params.get("q") or "Volunteering"
    where = f" near {params['postcode'].upper()}" if params.get("postcode") else ""
    return f"{what[:1].upper()}{what[1:]}{where}"[:100]


def _miles(km: str) -> str:
    try:
        miles = float(km) / KM_PER_MILE
    except ValueError:
        return km
    return f"{miles:.0f}" if miles >= 1 else f"{miles:.1f}"


def frequency_items(chosen: str) -> list[dict[str, Any]]:
    return [{"value": k, "text": v, "checked": k == chosen} for k, v in FREQUENCIES.items()]
