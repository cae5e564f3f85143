"""The applications inbox: how long each application has waited, in words, and which are
overdue (the platform promises volunteers a reply within 10 days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

REPLY_DAYS = 10  # the promise volunteers see when they apply ("most reply within 10 days")
STATUSES = {
    "submitted": ("New", "govuk-tag--blue"),
    "seen": ("Seen", "govuk-tag--light-blue"),
    "in_contact": ("In touch", "govuk-tag--purple"),
    "accepted": ("Accepted", "govuk-tag--green"),
    "declined": ("Declined", "govuk-tag--grey"),
    "withdrawn": ("Withdrawn by the volunteer", "govuk-tag--grey"),
}
# The organisation's answers on one application, as the API's move names.
DECISIONS = {
    "accept": "Accept: offer them the role",
    "in-contact": "I am in touch with them",
    "decline": "Decline",
}


@dataclass(frozen=True)
class Waiting:
    """How long an unanswered application has waited; None when it has been answered."""

    days: int
    overdue: bool

    @property
    def words(self) -> str:
        waited = f"waiting {self.days} day{'' if self.days == 1 else 's'}"
        if self.days == 0:
            waited = "waiting since today"
        return f"Overdue: {waited}" if self.overdue else waited.capitalize()

    @property
    def tag_class(self) -> str:
        return "govuk-tag--orange" if self.overdue else "govuk-tag--grey"


def waiting(application: Mapping[str, Any], now: dt.datetime) -> Waiting | None:
    """Only a submitted application, never answered, is waiting for a reply."""
    if application.get("status") != "submitted" or application.get("first_response_at"):
        return None
    submitted = dt.datetime.fromisoformat(str(application["submitted_at"]).replace("Z", "+00:00"))
    days = max(0, (now.date() - submitted.astimezone(dt.UTC).date()).days)
    return Waiting(days, days > REPLY_DAYS)


def rows(applications: Iterable[Mapping[str, Any]], titles: Mapping[str, str],
         now: dt.datetime) -> list[dict[str, Any]]:  # fmt: skip
    """The inbox's rows: overdue first (longest wait first), then waiting, then the rest."""
    out = []
    for item in applications:
        wait = waiting(item, now)
        status = STATUSES.get(str(item["status"]), (str(item["status"]), "govuk-tag--grey"))
        out.append({
            "application": item, "waiting": wait, "status": status,
            "title": titles.get(str(item["opportunity_id"]), "A role no longer listed"),
            "applicant": applicant(item),
        })  # fmt: skip

    def order(row: dict[str, Any]) -> tuple[int, int, str]:
        wait: Waiting | None = row["waiting"]
        rank = 2 if wait is None else (0 if wait.overdue else 1)
        days = -(wait.days if wait else 0)
        return rank, days, str(row["application"]["submitted_at"])

    return sorted(out, key=order)


def applicant(application: Mapping[str, Any]) -> str:
    """The applicant's name, which the API gives the organisation; a short, stable
    reference once the account has been deleted."""
    who = application.get("applicant")
    if who:
        return str(who["name"])
    return f"Deleted account {str(application['volunteer_id'])[:8].upper()}"


def counts(found: list[dict[str, Any]]) -> dict[str, int]:
    waiting_rows = [row for row in found if row["waiting"] is not None]
    return {
        "waiting": len(waiting_rows),
        "overdue": sum(1 for row in waiting_rows if row["waiting"].overdue),
        "total": len(found),
    }
