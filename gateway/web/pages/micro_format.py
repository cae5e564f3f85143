"""Plain-English words for the micro-volunteering pages (UK times, durations, credits,
statuses), and reading what people type into dates and times."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template

from services.common.vocab.micro import TASK_TYPES, TRAINING_TYPES

UK = ZoneInfo("Europe/London")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Every status carries words; the colour only repeats them.
BOOKING_STATUSES = {
    "offered": ("Offered to you", "govuk-tag--blue"),
    "accepted": ("You have this task", "govuk-tag--green"),
    "declined": ("You declined", "govuk-tag--grey"),
    "lapsed": ("Offer ended", "govuk-tag--grey"),
    "attended": ("You did this task", "govuk-tag--green"),
    "no_show": ("Recorded as not attended", "govuk-tag--red"),
}
COORDINATOR_BOOKINGS = {
    "offered": ("Offered, no answer yet", "govuk-tag--blue"),
    "accepted": ("Accepted", "govuk-tag--green"),
    "declined": ("Declined", "govuk-tag--grey"),
    "lapsed": ("Offer ended", "govuk-tag--grey"),
    "attended": ("Attended", "govuk-tag--green"),
    "no_show": ("Did not come", "govuk-tag--red"),
}
TASK_STATUSES = {
    "open": ("Open", "govuk-tag--blue"),
    "filled": ("Filled", "govuk-tag--green"),
    "completed": ("Completed", "govuk-tag--grey"),
    "cancelled": ("Cancelled", "govuk-tag--red"),
}
HOURS_STATUSES = {
    "reported": ("Waiting for approval", "govuk-tag--blue"),
    "approved": ("Approved", "govuk-tag--green"),
    "rejected": ("Not approved", "govuk-tag--red"),
}
CREDENTIAL_STATUSES = {
    "valid": ("Valid", "govuk-tag--green"),
    "expiring_soon": ("Expires soon", "govuk-tag--yellow"),
    "expired": ("Expired", "govuk-tag--red"),
}


def render(template: str, **context: Any) -> str:
    """A micro page: every template gets these helpers as ``fmt``."""
    import gateway.web.pages.micro_format as fmt

    context.setdefault("errors", {})
    context.setdefault("error_list", [])
    return render_template(f"micro/{template}", fmt=fmt, **context)


def tag(status: str, table: dict[str, tuple[str, str]]) -> dict[str, str]:
    text, classes = table.get(status, (status.replace("_", " ").capitalize(), "govuk-tag--grey"))
    return {"text": text, "classes": classes}


def uk(value: str | dt.datetime) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(UK)


def clock(value: dt.datetime) -> str:
    """ "2pm", "10:30am", "midday" """
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def day(value: str | dt.date | dt.datetime) -> str:
    """ "Tuesday 2 December 2026" """
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%A} {value.day} {value:%B %Y}"


def when(starts_at: str, ends_at: str) -> str:
    start, end = uk(starts_at), uk(ends_at)
    return f"{day(start)}, {clock(start)} to {clock(end)}"


def duration(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts) or "0 minutes"


def credits(hundredths: int | None) -> str:
    """ "1.25 credits"; "-0.50 credits" """
    if hundredths is None:
        return "no limit"
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(int(hundredths)), 100)
    unit = "credit" if abs(hundredths) == 100 else "credits"
    return f"{sign}{whole}.{cents:02d} {unit}"


def task_type(code: str) -> str:
    return TASK_TYPES.get(code, code)


def training(code: str) -> str:
    return TRAINING_TYPES.get(code, code)


def need(item: dict[str, Any]) -> str:
    """A task's need in words: "Enhanced DBS check (adult workforce), verified"."""
    from gateway.web.templating import label

    if item.get("kind") == "training":
        text = f"{training(item['code'])} training"
    elif item.get("code") == "DBSCheck":
        level = (item.get("dbs_level") or "basic").capitalize()
        workforce = item.get("dbs_workforce")
        text = f"{level} DBS check" + (f" ({workforce} workforce)" if workforce else "")
    else:
        text = label(item["code"], "requirements")
    return text + (", checked by an organisation" if item.get("verified") else "")


def window(item: dict[str, Any]) -> str:
    """ "Tuesdays, 10:00 to 12:00" or "Tuesday 1 December 2026, 09:00 to 17:00" """
    times = f"{item['start']} to {item['end']}"
    if item.get("date"):
        return f"{day(item['date'])}, {times}"
    text = f"{item['weekday'].capitalize()}s, {times}"
    if item.get("from"):
        text += f", from {day(item['from'])}"
    if item.get("until"):
        text += f", until {day(item['until'])}"
    return text


def parse_date(text: str) -> str:
    """ "27/3/2025", "27 3 2025" or "2025-03-27" as ISO; anything else as typed, for the API
    to name the problem."""
    text = text.strip()
    found = re.fullmatch(r"(\d{1,2})[\s/.-]+(\d{1,2})[\s/.-]+(\d{4})", text)
    if found:
        try:
            return dt.date(int(found[3]), int(found[2]), int(found[1])).isoformat()
        except ValueError:
            return text
    return text


def iso_to_form(value: str | None) -> str:
    """An ISO date shown the way the forms ask for it ("27/3/2025")."""
    if not value:
        return ""
    day_ = dt.date.fromisoformat(value[:10])
    return f"{day_.day}/{day_.month}/{day_.year}"


def short_id(account_id: str) -> str:
    """Volunteers are pseudonymous to organisations: a short reference, not a name."""
    return f"Volunteer {account_id[:8]}"


# The API's schema messages are terse; the forms say what to do, naming the field.
GENERIC = {
    "Missing data for required field.": "Enter {what}",
    "Field may not be null.": "Enter {what}",
    "Not a valid integer.": "Enter {what} as a whole number",
    "Not a valid number.": "Enter {what} as a number",
    "Not a valid date.": "Enter {what} as a real date, for example 27/3/2025",
    "Not a valid datetime.": "Enter {what} as a real date and time",
    "Not a valid string.": "Enter {what}",
}


def plain(errors: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    """``errors`` keyed by the form's ids, in words: "Enter the date" for "Not a valid date."."""
    out = {}
    for key, message in errors.items():
        found = GENERIC.get(message)
        out[key] = found.format(what=labels.get(key, "this")) if found else message
    return out
