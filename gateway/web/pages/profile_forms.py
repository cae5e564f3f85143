"""The volunteer profile form: the API's profile as form fields and back, in miles and
day/month/year boxes, with the checks a page can make before asking the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.datastructures import MultiDict

from gateway.web.templating import COMMITMENTS, KM_PER_MILE, label, vocabularies

LISTS = {"causes": "causes", "skills": "skills", "availability": "session_times"}
CHANNELS = {"email": "Email", "phone": "Phone", "post": "Post"}
CONSENTS = {
    "email_alerts": "Email me about new roles that match my profile",
    "contact_by_phone": "Organisations may phone me about roles I apply for",
    "research": "You may contact me to take part in research about volunteering",
}
MAX_MILES = 124  # the API's limit is 200 km
# The API's names for the form's fields, for the error summary's links.
FIELD_IDS = {"travel_km": "travel_miles", "date_of_birth": "date_of_birth-day",
             "commitments": "commitments", "contact_channels": "contact_channels",
             "consents": "consents", "availability": "availability"}  # fmt: skip


def form_from_profile(profile: dict[str, Any]) -> dict[str, Any]:
    born = dt.date.fromisoformat(profile["date_of_birth"]) if profile["date_of_birth"] else None
    km = profile.get("travel_km")
    return {
        "postcode": profile.get("postcode") or "",
        "travel_miles": f"{km / KM_PER_MILE:.0f}" if km else "",
        "causes": list(profile["causes"]),
        "skills": list(profile["skills"]),
        "availability": list(profile["availability"]),
        "commitments": list(profile["commitments"]),
        "dob_day": str(born.day) if born else "",
        "dob_month": str(born.month) if born else "",
        "dob_year": str(born.year) if born else "",
        "accessibility_needs": profile.get("accessibility_needs") or "",
        "contact_channels": list(profile["contact_channels"]),
        "phone": profile.get("phone") or "",
        "consents": [name for name, c in profile["consents"].items() if c["given"]],
    }


def form_from_post(posted: MultiDict[str, str]) -> dict[str, Any]:
    form: dict[str, Any] = {
        name: posted.get(name, "").strip()
        for name in ("postcode", "travel_miles", "accessibility_needs", "phone")
    }
    for name in ("causes", "skills", "availability", "commitments", "contact_channels", "consents"):
        form[name] = [v for v in posted.getlist(name) if v]
    for part in ("day", "month", "year"):
        form[f"dob_{part}"] = posted.get(f"date_of_birth-{part}", "").strip()
    return form


def body_from_form(form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The PATCH body, and the problems the page finds itself (numbers and dates)."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {
        "postcode": form["postcode"] or None,
        "accessibility_needs": form["accessibility_needs"],
        "phone": form["phone"] or None,
        "consents": {name: name in form["consents"] for name in CONSENTS},
    }
    for name in ("causes", "skills", "availability", "commitments", "contact_channels"):
        body[name] = form[name]
    if form["travel_miles"]:
        try:
            miles = float(form["travel_miles"])
        except ValueError:
            miles = -1.0
        if not 0 < miles <= MAX_MILES:
            errors["travel_miles"] = f"Enter a distance between 1 and {MAX_MILES} miles"
        else:
            body["travel_km"] = round(miles * KM_PER_MILE, 3)
    born = _date(form)
    if born is False:
        errors["date_of_birth-day"] = "Enter a real date of birth, like 27 3 1990"
    else:
        body["date_of_birth"] = born
    return body, errors


def _date(form: dict[str, Any]) -> str | None | bool:
    """ISO date, None when all three boxes are empty, False when it is not a date."""
    parts = (form["dob_day"], form["dob_month"], form["dob_year"])
    if not any(parts):
        return None
    try:
        return dt.date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except ValueError:
        return False


def api_errors(errors: dict[str, str]) -> dict[str, str]:
    """The API's field errors (``causes.0``...) under the form's field ids."""
    out: dict[str, str] = {}
    for name, message in errors.items():
        field = name.split(".", 1)[0]
        out.setdefault(FIELD_IDS.get(field, field), message)
    return out


def choices(form: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Checkbox items for every list on the form, ticked as the form has them."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name, vocabulary in LISTS.items():
        codes = vocabularies()[vocabulary].codes
        found[name] = _items(((c, label(c, vocabulary)) for c in codes), form[name])
    found["commitments"] = _items(COMMITMENTS.items(), form["commitments"])
    found["contact_channels"] = _items(CHANNELS.items(), form["contact_channels"])
    found["consents"] = _items(CONSENTS.items(), form["consents"])
    return found


def _items(pairs: Any, ticked: list[str]) -> list[dict[str, Any]]:
    return [{"value": code, "text": text, "checked": code in ticked} for code, text in pairs]
