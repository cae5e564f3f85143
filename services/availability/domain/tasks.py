"""Rules for posting a micro-task and for the hours given: what a coordinator may ask for,
when offers lapse, what counts as a sensible report of hours. Plain Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from services.availability.domain.model import (
    DBS_CODE,
    DBS_LEVELS,
    DEFAULT_OFFER_MINUTES,
    MAX_TASK_MINUTES,
    MIN_TASK_MINUTES,
    OFFERS_PER_PLACE,
    TASK_TYPES,
    TRAINING_TYPES,
    UK,
    WORKFORCES,
)

MAX_VOLUNTEERS_NEEDED = 50
MAX_OFFERS_PER_ROUND = 200
MIN_AGE_FLOOR = 16  # the platform's youngest micro-volunteers
DEFAULT_MIN_AGE = 18
# How soon a task may start: offers need time to be read and answered.
MIN_NOTICE = dt.timedelta(minutes=15)
MAX_AHEAD = dt.timedelta(days=366)
# When nobody was eligible, look again later: people change their availability.
RETRY_EMPTY_ROUND = dt.timedelta(minutes=15)
MAX_REPORTED_MINUTES = 24 * 60
REPORT_WINDOW = dt.timedelta(days=365)

Errors = dict[str, list[str]]


def check_task(
    fields: Mapping[str, Any], now: dt.datetime, requirement_codes: Sequence[str]
) -> Errors:
    """Field errors for a task a coordinator posts (empty when it is acceptable)."""
    errors: Errors = {}
    if fields["task_type"] not in TASK_TYPES:
        errors["task_type"] = [f"Choose one of: {', '.join(TASK_TYPES)}."]
    if not fields.get("remote") and not fields.get("postcode"):
        errors["postcode"] = ["Give the postcode where the task happens, or mark it remote."]
    starts_at: dt.datetime = fields["starts_at"]
    if starts_at.tzinfo is None:
        errors["starts_at"] = ["Give the time with its offset, e.g. 2026-12-01T14:00:00Z."]
    elif starts_at < now + MIN_NOTICE:
        errors["starts_at"] = ["The task must start at least 15 minutes from now."]
    elif starts_at > now + MAX_AHEAD:
        errors["starts_at"] = ["The task must start within a year."]
    minutes = fields["duration_minutes"]
    if not MIN_TASK_MINUTES <= minutes <= MAX_TASK_MINUTES:
        errors["duration_minutes"] = ["A micro-task lasts from 15 minutes to 4 hours (240)."]
    for index, need in enumerate(fields.get("needs", ())):
        for message in need_errors(need, requirement_codes):
            errors.setdefault(f"needs[{index}]", []).append(message)
    return errors


def need_errors(need: Mapping[str, Any], requirement_codes: Sequence[str]) -> list[str]:
    kind, code = need["kind"], need["code"]
    if kind == "training":
        if code not in TRAINING_TYPES:
            return [f"Unknown training '{code}'. Choose one of: {', '.join(TRAINING_TYPES)}."]
        if need.get("dbs_level") or need.get("dbs_workforce"):
            return ["DBS level and workforce apply only to DBSCheck."]
        return []
    if code not in requirement_codes:
        return [f"Unknown requirement '{code}'."]
    if code != DBS_CODE and (need.get("dbs_level") or need.get("dbs_workforce")):
        return ["DBS level and workforce apply only to DBSCheck."]
    if need.get("dbs_level") not in (None, *DBS_LEVELS):
        return [f"DBS level must be one of: {', '.join(DBS_LEVELS)}."]
    if need.get("dbs_workforce") not in (None, *WORKFORCES):
        return [f"DBS workforce must be one of: {', '.join(WORKFORCES)}."]
    return []


def default_offers_per_round(volunteers_needed: int) -> int:
    return min(MAX_OFFERS_PER_ROUND, OFFERS_PER_PLACE * volunteers_needed)


def offer_expiry(
    now: dt.datetime, offer_minutes: int | None, starts_at: dt.datetime
) -> dt.datetime:
    """Offers stand for the task's offer time, and never past its start."""
    minutes = offer_minutes or DEFAULT_OFFER_MINUTES
    return min(now + dt.timedelta(minutes=minutes), starts_at)


def check_report(minutes: int, worked_on: dt.date, now: dt.datetime) -> Errors:
    """Hours a volunteer reports: on a past day, within a year, at most a day's worth."""
    errors: Errors = {}
    if not 1 <= minutes <= MAX_REPORTED_MINUTES:
        errors["minutes"] = ["Give the minutes given, from 1 to 1440 (a whole day)."]
    today = now.astimezone(UK).date()
    if worked_on > today:
        errors["worked_on"] = ["Hours can be logged once they have been given, not before."]
    elif worked_on < today - REPORT_WINDOW:
        errors["worked_on"] = ["Hours older than a year cannot be logged here."]
    return errors
