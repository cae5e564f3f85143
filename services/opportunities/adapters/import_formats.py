"""Read open-data files into ``ImportRecord``s: UK Volunteering Data JSON-LD, or our CSV.

Readers only check what the file itself says (columns, numbers, dates, coded values);
postcodes and the rules across a role's fields are checked later, as for the API. Coded
values may be given as the standard's IRI, its code (``DBSCheck``) or its label ("DBS
Check"); they come out as codes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pyld.jsonld import JsonLdError

from services.common.vocab.vocabularies import Vocabularies
from services.opportunities.adapters import import_jsonld
from services.opportunities.domain.details import CODED_FIELDS, Commitment
from services.opportunities.domain.importing import ImportRecord, OrganisationRecord, Problem

VD = "https://ns.volunteeringdata.io/"
# A full UK postcode inside an address line ("127-128 Lower Marsh, London SE1 7AE, UK").
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.I)
OPEN_STATUSES = frozenset({"", "open", "active", "published", "live"})
CLOSED_STATUSES = frozenset({"closed", "inactive", "draft", "paused", "expired"})
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"", "no", "n", "false", "0"})

CSV_REQUIRED = ("source_id", "organisation_name", "title")
CSV_COLUMNS = (
    "source_id",
    "organisation_name",
    "charity_number",
    "organisation_postcode",
    "organisation_website",
    "title",
    "summary",
    "description",
    *CODED_FIELDS,
    "postcode",
    "remote",
    "commitment",
    "hours_per_week",
    "minimum_age",
    "maximum_age",
    "places",
    "starts_on",
    "ends_on",
    "closes_on",
    "apply_url",
    "status",
)
Read = tuple[list[ImportRecord], list[Problem]]


class BadRow(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def read_file(path: Path, fmt: str, vocabularies: Vocabularies) -> Read:
    """Every record of the file, and a problem for each one that cannot be read."""
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return read_csv(handle.read().splitlines(), vocabularies)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [], [Problem(FILE, None, "file", f"This is not JSON: {exc}.")]
    return read_jsonld(document, vocabularies)


def guess_format(path: Path) -> str:
    return "csv" if path.suffix.lower() == ".csv" else "jsonld"


# --- CSV ---------------------------------------------------------------------------------


def read_csv(lines: Sequence[str], vocabularies: Vocabularies) -> Read:
    reader = csv.DictReader(lines)
    missing = [c for c in CSV_REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        return [], [Problem(1, None, c, "The header row lacks this column.") for c in missing]
    records: list[ImportRecord] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    # Row numbers count the header as row 1, like a spreadsheet.
    for number, row in enumerate(reader, start=2):
        source_id = (row.get("source_id") or "").strip()
        try:
            if source_id in seen:
                raise BadRow("source_id", "This id is used by an earlier row of the file.")
            record = _csv_record(number, {k: (v or "").strip() for k, v in row.items() if k})
        except BadRow as exc:
            problems.append(Problem(number, source_id or None, exc.field, exc.message))
            continue
        seen.add(source_id)
        role_fields = dict(record.role)
        errors = _coded(role_fields, vocabularies)
        if errors:
            problems += [Problem(number, source_id, f, m) for f, m in errors]
            continue
        records.append(replace(record, role=role_fields))
    return records, problems


def _csv_record(number: int, row: Mapping[str, str]) -> ImportRecord:
    for name in CSV_REQUIRED:
        if not row.get(name):
            raise BadRow(name, "This column must not be empty.")
    status = row.get("status", "").lower()
    if status not in OPEN_STATUSES | CLOSED_STATUSES:
        raise BadRow("status", "Use open, active, closed or draft (empty means open).")
    places = [p for p in _split(row.get("postcode", "")) if p.lower() != "remote"]
    remote = _yes_no(row.get("remote", ""), "remote") or "remote" in row.get("postcode", "").lower()
    role: dict[str, Any] = {
        "title": row["title"],
        "summary": row.get("summary", ""),
        "description": row.get("description", ""),
        **{name: _split(row.get(name, "")) for name in CODED_FIELDS},
        "locations": [{"postcode": p} for p in places],
        "remote": remote,
        "commitment": _commitment(row.get("commitment", "")),
    }
    for name, kind in (("hours_per_week", float), ("minimum_age", int), ("maximum_age", int)):
        _optional(role, name, row.get(name, ""), kind)
    _optional(role, "places", row.get("places", ""), int)
    for name in ("starts_on", "ends_on", "closes_on"):
        _optional(role, name, row.get(name, ""), _date)
    if row.get("apply_url"):
        role["apply_url"] = row["apply_url"]
    organisation = OrganisationRecord(
        name=row["organisation_name"],
        charity_number=row.get("charity_number") or None,
        postcode=row.get("organisation_postcode") or None,
        website=row.get("organisation_website") or None,
    )
    return ImportRecord(number, row["source_id"], organisation, role, status in OPEN_STATUSES)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _yes_no(text: str, field: str) -> bool:
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise BadRow(field, "Use yes or no.")


def _commitment(text: str) -> str:
    """Our four kinds, by value ("one_off") or in words ("One-off"); empty means flexible."""
    compact = re.sub(r"[\W_]+", "_", text.lower()).strip("_")
    if not compact:
        return Commitment.FLEXIBLE.value
    if compact not in {c.value for c in Commitment}:
        raise BadRow("commitment", "Use one_off, regular, flexible or micro.")
    return compact


def _optional(role: dict[str, Any], name: str, text: str, kind: Any) -> None:
    if not text:
        return
    try:
        role[name] = kind(text)
    except ValueError:
        wanted = "a date like 2027-01-31" if kind is _date else "a number"
        raise BadRow(name, f"Enter {wanted}, not {text!r}.") from None


def _date(text: str) -> str:
    return dt.date.fromisoformat(text).isoformat()


def _coded(role: dict[str, Any], vocabularies: Vocabularies) -> list[tuple[str, str]]:
    """Turn IRIs, codes or labels into codes in place; a problem for each unknown one."""
    problems = []
    for name, vocabulary_name in CODED_FIELDS.items():
        vocabulary = vocabularies[vocabulary_name]
        codes = []
        for value in role.get(name, ()):
            local = value.removeprefix(VD)
            code = local if local in vocabulary else vocabulary.find(local)
            if code is None or code not in vocabulary:
                problems.append((name, f"Unknown {vocabulary.item} '{value}'."))
            else:
                codes.append(code)
        role[name] = list(dict.fromkeys(codes))
    return problems


# --- JSON-LD -----------------------------------------------------------------------------

# A problem with the whole file rather than one of its records.
FILE = 0


def read_jsonld(document: Any, vocabularies: Vocabularies) -> Read:
    """Organisation -> activity -> role, in any JSON-LD form of the standard; one record per role.

    The document is expanded first (``import_jsonld``), so its @context decides what its
    keys mean; a context that cannot be read without the network is one problem for the
    whole file (record 0) and nothing is imported.
    """
    try:
        graph = import_jsonld.Graph(import_jsonld.expand(document))
    except JsonLdError as exc:
        return [], [_unreadable(exc)]
    except import_jsonld.UnknownContext as exc:
        return [], [Problem(FILE, None, "@context", f"The {exc}.")]
    records: list[ImportRecord] = []
    problems: list[Problem] = []
    for number, nodes in enumerate(import_jsonld.roles(graph), start=1):
        try:
            record = _jsonld_record(number, nodes)
        except BadRow as exc:
            problems.append(Problem(number, nodes.source_id, exc.field, exc.message))
            continue
        role_fields = dict(record.role)
        # The standard's own example uses IRIs its published lists do not (yet) hold: drop
        # those values with a warning rather than lose the role.
        problems += [
            Problem(number, nodes.source_id, f, f"{m} Left out.", skipped=False)
            for f, m in _coded(role_fields, vocabularies)
        ]
        records.append(replace(record, role=role_fields))
    return records, problems


def _unreadable(exc: JsonLdError) -> Problem:
    unknown = import_jsonld.unknown_context(exc)
    if unknown is not None:
        return Problem(FILE, None, "@context", f"The {unknown}.")
    return Problem(FILE, None, "@context", f"This is not valid JSON-LD: {exc.args[0]}")


def _jsonld_record(number: int, nodes: import_jsonld.RoleNodes) -> ImportRecord:
    org, activity, role = nodes.organisation, nodes.activity, nodes.role
    title = (role.text("roleTitle") or activity.text("activityTitle")).strip()
    if not title:
        raise BadRow("title", "The role has no title.")
    if not org.text("organisationName"):
        raise BadRow("organisation_name", "The organisation has no name.")
    sessions = activity.nodes("activitySession")
    description = role.text("roleDescription") or activity.text("activityDescription")
    commitment = role.text("roleCommitment")
    if commitment:
        # The standard's commitment is free text; ours is a kind, so keep the words too.
        description = f"{description}\n\nCommitment: {commitment}".strip()
    fields: dict[str, Any] = {
        "title": title,
        "summary": activity.text("activityDescription")[:500],
        "description": description,
        "causes": org.iris("organisationCause"),
        "skills": role.iris("roleSkill"),
        "requirements": role.iris("roleRequirement"),
        "rewards": role.iris("roleReward"),
        "accessibility": role.iris("roleAccessibility"),
        "sessions": [t for s in sessions for t in s.iris("sessionTime")],
        "locations": [{"postcode": p} for p in _postcodes(sessions)],
        "remote": _boolean(role.value("roleAllowsRemoteParticipation")),
        "commitment": _free_text_commitment(commitment),
    }
    for name, local in (("minimum_age", "roleMinimumAge"), ("maximum_age", "roleMaximumAge")):
        _optional(fields, name, role.text(local), int)
    if role.text("roleApplyLink"):
        fields["apply_url"] = role.text("roleApplyLink")
    status = (role.text(import_jsonld.STATUS) or activity.text(import_jsonld.STATUS)).lower()
    open_ = status not in CLOSED_STATUSES
    return ImportRecord(number, nodes.source_id, _organisation(org), fields, open_)


def _postcodes(sessions: list[import_jsonld.Node]) -> list[str]:
    """Each place's postcode, found in its address, once each in order of appearance."""
    found = []
    for session in sessions:
        for location in session.nodes("sessionLocation"):
            match = _POSTCODE_IN_TEXT.search(location.text("locationAddress"))
            if match:
                found.append(f"{match.group(1)} {match.group(2)}".upper())
    return list(dict.fromkeys(found))


def _organisation(org: import_jsonld.Node) -> OrganisationRecord:
    # The standard's example gives a bare number; our export (and the standard's model)
    # a registration node holding it.
    registrations = org.nodes("organisationCharityRegistration")
    charity_number = org.text("organisationCharityNumber") or next(
        (r.text("charityRegistrationRegistrationNumber") for r in registrations), ""
    )
    return OrganisationRecord(
        name=org.text("organisationName").strip(),
        charity_number=charity_number or None,
        website=org.text("organisationWebsite") or None,
        description=org.text("organisationDescription"),
    )


def _boolean(value: Any) -> bool:
    return str(value).lower() in _YES


def _free_text_commitment(text: str) -> str:
    words = text.lower()
    if "one-off" in words or "one off" in words or "single" in words:
        return Commitment.ONE_OFF.value
    if re.search(r"\b(week|weekly|month|monthly|fortnight|regular|every)\b", words):
        return Commitment.REGULAR.value
    return Commitment.FLEXIBLE.value
