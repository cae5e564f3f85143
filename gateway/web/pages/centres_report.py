"""A Volunteer Centre's catchment report, from what the public API offers: the roles
listed in the centre's outward codes (the search API), each of their organisations'
response times (``GET /api/v1/applications/stats``), their approved hours given and how many
volunteers gave them (``GET /api/v1/hours/totals``: numbers only, which centre staff may
read), and the applications escalated to the centre.

Districts in a catchment are not counted: search works by postcode, not district.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from gateway.web.api import api

SEARCH_KM = 15  # around an outward code's centroid; roles outside the code are dropped
PER_PAGE = 50
MAX_PAGES = 20  # 1,000 roles per outward code: more than any real catchment lists
TOTALS_BATCH = 50  # organisations per hours-totals call (the API takes up to 100)
COLUMNS = ("Volunteer Centre", "Organisation", "Roles listed", "Applications",
           "Answered", "Median working days to first reply",
           "Share answered within 5 working days", "Hours given (approved)",
           "Volunteers with hours")  # fmt: skip
TOTAL = "All organisations (total)"


def build(centre_ids: Iterable[str], escalated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One report per centre the viewer works for (those the API shows them)."""
    reports = []
    for centre_id in sorted(centre_ids):
        centre = api().get(f"/api/v1/organisations/{centre_id}")
        if centre.ok:
            reports.append(_report(centre.body, escalated))
    return reports


def _report(centre: dict[str, Any], escalated: list[dict[str, Any]]) -> dict[str, Any]:
    codes = sorted((centre.get("catchment") or {}).get("outward_codes") or [])
    organisations: dict[str, dict[str, Any]] = {}
    for role in _roles_in(codes):
        org = role["organisation"]
        found = organisations.setdefault(org["id"], {"id": org["id"], "name": org["name"],
                                                     "roles": 0})  # fmt: skip
        found["roles"] += 1
    rows = sorted(organisations.values(), key=lambda o: o["name"].lower())
    for row in rows:
        stats = api().get("/api/v1/applications/stats", {"organisation_id": row["id"]})
        row.update(stats.body if stats.ok else {})
    _add_hours(rows)
    return {
        "centre": centre,
        "codes": codes,
        "rows": rows,
        "roles": sum(r["roles"] for r in rows),
        "applications": sum(r.get("applications", 0) for r in rows),
        "answered": sum(r.get("answered", 0) for r in rows),
        "escalated": sum(1 for a in escalated if a.get("escalated_to") == centre["id"]),
        # None if any organisation's totals are missing: "Not available", never a short sum.
        "minutes": _total(rows, "minutes"),
        "volunteers": _total(rows, "volunteers"),
    }


def _total(rows: list[dict[str, Any]], key: str) -> int | None:
    values = [row[key] for row in rows]
    return None if None in values else sum(values)


def _add_hours(rows: list[dict[str, Any]]) -> None:
    """Each organisation's approved minutes and volunteers with hours (None if unknown)."""
    for row in rows:
        row.update(minutes=None, volunteers=None)
    by_id = {row["id"]: row for row in rows}
    ids = sorted(by_id)
    for start in range(0, len(ids), TOTALS_BATCH):
        query = [("organisation_id", org) for org in ids[start : start + TOTALS_BATCH]]
        answer = api().get("/api/v1/hours/totals", query)
        for item in answer.body.get("items", []) if answer.ok else []:
            found = by_id.get(item["organisation_id"])
            if found is not None:
                found.update(minutes=item["approved_minutes"], volunteers=item["volunteers"])


def _roles_in(codes: list[str]) -> list[dict[str, Any]]:
    """Open roles with a place in one of the outward codes (each role once)."""
    found: dict[str, dict[str, Any]] = {}
    for code in codes:
        for number in range(1, MAX_PAGES + 1):
            query = {"postcode": code, "radius_km": SEARCH_KM, "remote": "exclude",
                     "per_page": PER_PAGE, "page": number, "sort": "distance"}  # fmt: skip
            answer = api().get("/api/v1/search", query)
            results = answer.body.get("results", []) if answer.ok else []
            for role in results:
                place = (role.get("nearest_location") or {}).get("postcode") or ""
                if place.split(" ")[0].upper() == code.upper():
                    found[role["id"]] = role
            if len(results) < PER_PAGE:
                break
    return list(found.values())


def as_csv(reports: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for report in reports:
        for row in report["rows"]:
            writer.writerow([
                _safe(report["centre"]["name"]), _safe(row["name"]), row["roles"],
                row.get("applications", 0), row.get("answered", 0),
                _blank(row.get("median_working_days_to_first_response")),
                _percent(row.get("share_answered_within_5_working_days")),
                hours_number(row["minutes"]), _blank(row["volunteers"]),
            ])  # fmt: skip
        writer.writerow([
            _safe(report["centre"]["name"]), TOTAL, report["roles"], report["applications"],
            report["answered"], "", "", hours_number(report["minutes"]),
            _blank(report["volunteers"]),
        ])  # fmt: skip
    return out.getvalue()


def hours_number(minutes: int | None) -> str:
    """Hours as a number a spreadsheet can add up: 255 minutes is 4.25."""
    if minutes is None:
        return ""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def hours_text(minutes: int | None) -> str:
    """Hours in words for the page: "4 hours 15 minutes"."""
    if minutes is None:
        return "Not available"
    whole, rest = divmod(minutes, 60)
    parts = [f"{whole:,} hour{'' if whole == 1 else 's'}"] if whole or not rest else []
    if rest:
        parts.append(f"{rest} minute{'' if rest == 1 else 's'}")
    return " ".join(parts)


def _safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas (CSV injection); names are
    typed by organisations, so a leading quote makes them plain text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _blank(value: Any) -> str:
    return "" if value is None else str(value)


def percent(value: float | None) -> str:
    return "No replies yet" if value is None else f"{value * 100:.0f}%"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"
