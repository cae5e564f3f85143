"""The role form: what the page shows and sends, and the API's field errors on its inputs.

The form keeps exactly what the person typed, so a refused form comes back as they left it;
the API decides what is valid, and this module only turns its field names into the form's
ids and a few terse messages into plain English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from gateway.web.api import Answer
from gateway.web.templating import COMMITMENTS, vocabularies

TEXT = ("title", "summary", "description", "postcodes", "minimum_age", "places")
DATE_PARTS = ("day", "month", "year")
# Form field -> coded list its checkboxes come from.
CODED = {"causes": "causes", "skills": "skills", "requirements": "requirements",
         "accessibility": "accessibility", "sessions": "session_times"}  # fmt: skip
# API field -> the id of the form's input (the error summary links to it).
FIELD_IDS = {
    **{name: name for name in ("title", "summary", "description", "commitment", "remote")},
    **{name: name for name in ("minimum_age", "places", *CODED)},
    "locations": "postcodes",
    "closes_on": "closes_on-day",
}
# The inputs in the order the form shows them: the error summary lists them so too.
ORDER = ("title", "summary", "description", "commitment", "sessions", "postcodes", "remote",
         "minimum_age", "places", "closes_on-day", "causes", "skills", "requirements",
         "accessibility")  # fmt: skip
FORM_ID = "role-form"  # where errors about fields the form does not show link to
POSTCODE_ERROR = re.compile(r"^locations(?:\[(\d+)\]|\.(\d+))\.postcode$")
# Plain-English messages for what a person typed that the API cannot read at all.
UNREADABLE = {
    "minimum_age": "Enter the minimum age as a whole number, like 16",
    "places": "Enter the number of places as a whole number, like 3",
    "closes_on": "The closing date must be a real date, like 31 3 2027",
}
REQUIRED = {
    "title": "Enter a title for the role",
    "commitment": "Select how much time the role needs",
}


def blank_form() -> dict[str, Any]:
    form: dict[str, Any] = {name: "" for name in TEXT}
    form.update({name: [] for name in CODED}, commitment="", remote=False)
    form.update({f"closes_on-{part}": "" for part in DATE_PARTS})
    return form


def form_from_role(role: Mapping[str, Any]) -> dict[str, Any]:
    """The edit form, filled from the role as the API has it."""
    form = blank_form()
    form.update({name: role.get(name) or "" for name in ("title", "summary", "description")})
    form.update({name: list(role.get(name) or []) for name in CODED})
    form["postcodes"] = ", ".join(where["postcode"] for where in role.get("locations", []))
    form.update(commitment=role.get("commitment") or "", remote=bool(role.get("remote")))
    for name in ("minimum_age", "places"):
        form[name] = "" if role.get(name) is None else str(role[name])
    if role.get("closes_on"):
        closes = dt.date.fromisoformat(role["closes_on"])
        form.update({"closes_on-day": str(closes.day), "closes_on-month": str(closes.month),
                     "closes_on-year": str(closes.year)})  # fmt: skip
    return form


def form_from_post(posted: MultiDict[str, str]) -> dict[str, Any]:
    form = blank_form()
    form.update({name: posted.get(name, "").strip() for name in TEXT})
    form.update({name: [v for v in posted.getlist(name) if v] for name in CODED})
    form.update(commitment=posted.get("commitment", ""), remote=posted.get("remote") == "yes")
    form.update({f"closes_on-{p}": posted.get(f"closes_on-{p}", "").strip() for p in DATE_PARTS})
    return form


def api_body(form: Mapping[str, Any]) -> dict[str, Any]:
    """The API's role fields. What cannot be read is sent as typed, so the API names it."""
    body: dict[str, Any] = {name: form[name] for name in ("title", "summary", "description")}
    body.update({name: list(form[name]) for name in CODED})
    body["commitment"] = form["commitment"] or None
    body["remote"] = form["remote"]
    body["locations"] = [{"postcode": code} for code in _postcodes(form["postcodes"])]
    body["minimum_age"] = _whole_number(form["minimum_age"])
    body["places"] = _whole_number(form["places"])
    body["closes_on"] = _date(form)
    return body


def field_errors(answer: Answer, form: Mapping[str, Any]) -> dict[str, str]:
    """The API's refusal as messages keyed by the form's input ids."""
    found = answer.body.get("errors", {}) if isinstance(answer.body, dict) else {}
    if not found:
        return {FORM_ID: answer.detail or "The role was not saved. Try again."}
    out: dict[str, str] = {}
    for name, messages in sorted(found.items()):
        message = _plain(name, messages[0] if messages else "", form)
        target = _input_id(name)
        out[target] = f"{out[target]}. {message}" if target in out else message
    rank = {name: i for i, name in enumerate(ORDER)}
    return dict(sorted(out.items(), key=lambda item: rank.get(item[0], len(ORDER))))


def checkbox_items(form: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every code of each coded list, as checkbox items, the chosen ones ticked."""
    lists = vocabularies()
    return {
        name: [
            {"value": code, "text": lists.get(vocabulary).label(code),
             "checked": code in form[name]}
            for code in _ordered(name, lists.get(vocabulary).codes)
        ]
        for name, vocabulary in CODED.items()
    }  # fmt: skip


def commitment_items(form: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"value": code, "text": text, "checked": form["commitment"] == code}
        for code, text in COMMITMENTS.items()
    ]


def _ordered(name: str, codes: tuple[str, ...]) -> list[str]:
    """Session times in week order (Monday morning first); other lists A to Z by label."""
    if name != "sessions":
        return sorted(codes, key=lambda code: vocabularies().get(CODED[name]).label(code))
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    parts = ("Morning", "Afternoon", "Evening")

    def key(code: str) -> tuple[int, int]:
        day = next((i for i, d in enumerate(days) if code.startswith(d)), len(days))
        part = next((i for i, p in enumerate(parts) if code.endswith(p)), len(parts))
        return day, part

    return sorted(codes, key=key)


def _postcodes(text: str) -> list[str]:
    return [code.strip() for code in re.split(r"[,;\n]+", text) if code.strip()]


def _whole_number(text: str) -> int | str | None:
    if not text:
        return None
    return int(text) if re.fullmatch(r"\d{1,4}", text) else text


def _date(form: Mapping[str, Any]) -> str | None:
    day, month, year = (form[f"closes_on-{part}"] for part in DATE_PARTS)
    if not (day or month or year):
        return None
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return f"{year}-{month}-{day}"  # not a date: the API says so, and we say it plainly


def _input_id(name: str) -> str:
    if POSTCODE_ERROR.match(name):
        return "postcodes"
    return FIELD_IDS.get(name, FORM_ID)


def _plain(name: str, message: str, form: Mapping[str, Any]) -> str:
    if (found := POSTCODE_ERROR.match(name)) is not None:
        number = int(found.group(1) or found.group(2)) + 1
        typed = _postcodes(form["postcodes"])
        shown = typed[number - 1] if number <= len(typed) else f"number {number}"
        return f"Postcode {shown}: {message.rstrip('.')}"
    if name in REQUIRED and not form.get(name):
        return REQUIRED[name]
    if name in UNREADABLE and message.startswith("Not a valid"):
        return UNREADABLE[name]
    if name not in FIELD_IDS:
        return f"{name.replace('_', ' ').capitalize()}: {message}"
    return message
