"""Bulk import of open-data records as organisations and roles (``import`` command).

Records are checked exactly as API input is (postcodes, codes, the rules across fields);
a record with any problem is skipped and reported, the others are written in batches, one
transaction per batch. Roles are created, changed and published through the domain model
and their events go to the outbox, so search and every other consumer see them as they see
roles made through the API.

- Idempotent per (source, source id): a record whose content has not changed since it was
  last imported is left alone (no new revision, no event, no change number).
- Records of a second source for the same (organisation, title, postcode) key update the
  role the first one created instead of making a duplicate; ``import_records`` lists every
  source that contributed. Only imported roles are merged into, never ones an organisation
  wrote itself.
- Organisations are matched by charity number, else by name and postcode, else registered
  with no members (nobody can edit them until claimed) and approved: the operator running
  the import vouches for the source.
- Records that say the role is open are published; closed ones stay drafts, or are closed
  if they were live. A closing date already past means not open.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from services.common.geo.postcodes import Geocoder, Location, UnknownPostcode
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput
from services.opportunities.adapters.import_repository import ImportRepository, Link, Pending
from services.opportunities.domain.details import Commitment, Details
from services.opportunities.domain.errors import Conflict
from services.opportunities.domain.importing import (
    ImportRecord,
    Outcome,
    Problem,
    compact_postcode,
    merge_key,
    normalise,
)
from services.opportunities.domain.opportunity import (
    EDITABLE,
    LIVE,
    Opportunity,
    Status,
    check_details,
    today_of,
)
from services.opportunities.domain.organisation import (
    Moderation,
    Organisation,
    OrganisationType,
)
from services.opportunities.service_layer import inputs
from services.opportunities.service_layer.import_batch import Staged
from services.opportunities.service_layer.unit_of_work import UnitOfWork, unit_of_work

# Records written in one transaction. Each commit costs a fixed few milliseconds (the
# write-ahead log's checkpoint, a statement per table, the link look-up): at 500 a batch
# that was a tenth of an import's time, at 2,000 a few per cent.
BATCH_SIZE = 2000
# Allocations between young collections during an import (default 700). A batch of 2,000
# roles holds a few hundred thousand containers alive at once (details, events, snapshots,
# envelopes, rows), freed together when it ends; below that the collector walks them several
# times a batch (at 500 roles and the default, 7 % of the import's time). Above it, young
# collections come only from what outlives batches, still often enough to keep memory bounded.
GC_THRESHOLD = 500_000
AGE_MAX = 120
URL_MAX = 500
_WEB_ADDRESS = re.compile(r"https?://[^\s/$.?#].[^\s]*", re.I)
Progress = Callable[[int], None]


class CachedGeocoder(Geocoder):
    """The geocoder, remembering answers: a file names the same postcodes again and again."""

    def __init__(self, inner: Geocoder) -> None:  # no super().__init__: nothing of its own
        self.inner = inner
        self.answers: dict[str, Location | UnknownPostcode] = {}

    def lookup(self, text: str) -> Location:
        key = text.strip().upper()
        if key not in self.answers:
            try:
                self.answers[key] = self.inner.lookup(text)
            except UnknownPostcode as exc:
                self.answers[key] = exc
        answer = self.answers[key]
        if isinstance(answer, UnknownPostcode):
            raise answer
        return answer


@dataclass(frozen=True)
class Checked:
    """A record whose values passed every check, ready to write."""

    record: ImportRecord
    values: dict[str, Any]
    details: Details
    charity_number: str | None
    address: dict[str, str | None]
    key: str


@dataclass
class _Known:
    """What earlier batches of this run found or made, so each is looked up once."""

    by_number: dict[str, str]
    by_name: dict[tuple[str, str], str]
    keys: dict[str, str]
    approved: dict[str, bool] = field(default_factory=dict)


def import_records(
    runtime: ServiceRuntime,
    source: str,
    records: Iterable[ImportRecord],
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> Outcome:
    """Write ``records`` of ``source``; the outcome counts what happened and lists problems."""
    outcome = Outcome()
    geocoder = CachedGeocoder(runtime.extensions["geocoder"])
    with unit_of_work(runtime) as uow:
        repo = ImportRepository(uow.session)
        known = _Known(*repo.organisation_keys(), keys=repo.merge_keys())
    with _fewer_collections():
        for batch in _batches(records, batch_size):
            checked = []
            for record in batch:
                try:
                    checked.append(_check(runtime, geocoder, record))
                except InvalidInput as exc:
                    outcome.problems += _problems(record, exc)
            with unit_of_work(runtime) as uow:
                _write(uow, source, checked, known, outcome)
            if progress:
                progress(len(batch))
    return outcome


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Spare the import the cyclic garbage collector's rounds, about a quarter of its time.

    A batch allocates hundreds of thousands of small dicts and lists (snapshots, envelopes,
    rows), so the collector runs thousands of times, and each older round walks every object
    the process holds (vocabularies, postcode caches, SQLAlchemy). Freezing what exists now
    takes those out of its rounds, and a higher threshold makes the rounds rarer; objects
    made by the import are still collected, so memory stays bounded. Both are undone after.
    The import runs as a command of its own (``import``), so no request shares the process.
    """
    threshold = gc.get_threshold()
    # unfreeze() thaws everything: leave alone a process that froze objects itself.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    if threshold[0]:  # 0 means automatic collection is off: keep it so
        gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()


def _batches(records: Iterable[ImportRecord], size: int) -> Iterator[list[ImportRecord]]:
    batch: list[ImportRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _check(runtime: ServiceRuntime, geocoder: Geocoder, record: ImportRecord) -> Checked:
    vocabularies = runtime.extensions["vocabularies"]
    values = _typed(inputs.role_changes(geocoder, vocabularies, record.role))
    details = Details(**values)
    check_details(details)
    org = record.organisation
    number = _field("charity_number", lambda: inputs.charity_number(org.charity_number))
    where = _field("organisation_postcode", lambda: inputs.address(geocoder, org.postcode))
    first = details.locations[0].postcode if details.locations else None
    return Checked(
        record, values, details, number, where, merge_key(org.name, details.title, first)
    )


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    """The checks and conversions the API's input schema makes, for the fields files carry."""
    errors: dict[str, list[str]] = {}
    for name in ("minimum_age", "maximum_age"):
        if values.get(name) is not None and not 0 <= values[name] <= AGE_MAX:
            errors[name] = [f"Use a whole number from 0 to {AGE_MAX}."]
    if values.get("places") is not None and values["places"] < 1:
        errors["places"] = ["Use a whole number of at least 1."]
    url = values.get("apply_url")
    if url is not None and (len(url) > URL_MAX or not _WEB_ADDRESS.match(url)):
        errors["apply_url"] = ["Enter a web address starting https:// (at most 500 characters)."]
    inputs.raise_if(errors)
    values["commitment"] = Commitment(values.get("commitment", Commitment.FLEXIBLE))
    for name in ("starts_on", "ends_on", "closes_on"):
        if isinstance(values.get(name), str):
            values[name] = dt.date.fromisoformat(values[name])
    return values


def _field(name: str, read: Callable[[], Any]) -> Any:
    """Run ``read``, naming ``name`` (the file's column) in any problem it finds."""
    try:
        return read()
    except InvalidInput as exc:
        raise InvalidInput({name: [m for ms in exc.errors.values() for m in ms]}) from exc


def _problems(record: ImportRecord, exc: InvalidInput) -> list[Problem]:
    return [
        Problem(record.number, record.source_id, _column(path), " ".join(messages))
        for path, messages in exc.errors.items()
    ]


def _column(path: str) -> str:
    # The files give role places in one "postcode" column (JSON-LD: session addresses).
    return "postcode" if path.startswith("locations") else path


def _write(
    uow: UnitOfWork, source: str, batch: list[Checked], known: _Known, outcome: Outcome
) -> None:
    repo = ImportRepository(uow.session)
    repo.bulk_writes()
    links = repo.links(source, (c.record.source_id for c in batch))
    pending = Pending()
    staged = Staged()
    for item in batch:
        link = links.get(item.record.source_id)
        fingerprint = item.record.fingerprint()
        if link is not None and link.record_hash == fingerprint:
            outcome.unchanged += 1
            continue
        mine = Staged()  # kept only if the record goes through: a failure leaves nothing
        try:
            created_org, role_id, how = _apply(uow, mine, staged, item, link, known)
        except (InvalidInput, Conflict) as exc:
            errors = exc.errors if isinstance(exc, InvalidInput) else {"status": [str(exc)]}
            outcome.problems += _problems(item.record, InvalidInput(errors))
            continue
        staged.keep(mine)
        row: dict[str, Any] = {"source": source, "source_id": item.record.source_id}
        row |= {"opportunity_id": role_id, "record_hash": fingerprint, "imported_at": uow.now}
        (pending.changed_links if link else pending.new_links).append(row)
        if how == "created":
            pending.created.append(
                {"b_id": role_id, "source": source, "source_id": item.record.source_id}
                | {"merge_key": item.key, "imported_at": uow.now}
            )
            known.keys.setdefault(item.key, role_id)
        else:
            pending.touched.append({"b_id": role_id, "imported_at": uow.now})
        if created_org:
            outcome.organisations_created += 1
            _remember_organisation(known, item, created_org)
        setattr(outcome, how, getattr(outcome, how) + 1)
    staged.flush(uow, pending.created)
    repo.write(pending)


def _apply(
    uow: UnitOfWork, mine: Staged, batch: Staged, item: Checked, link: Link | None, known: _Known
) -> tuple[Organisation | None, str, str]:
    """Create, update or merge one role; (new organisation or None, role id, what it did).
    Changes go on ``mine``; ``batch`` holds what earlier records of the batch staged."""
    existing_id = link.opportunity_id if link else known.keys.get(item.key)
    if existing_id is not None:
        role = batch.role(existing_id) or uow.opportunities.get(existing_id, for_update=True)
        if role is not None and role.status is not Status.DELETED:
            _update(uow, role, item, known)
            mine.changed[role.id] = role
            return None, role.id, "updated" if link else "merged"
    org_id, created_org = _organisation(uow, item, known)
    live = _is_open(item, uow) and _approved(uow, org_id, known, created_org)
    role = Opportunity.create(
        org_id, item.details, uow.now, publish=live, organisation_approved=live
    )
    if created_org is not None:
        mine.organisations[created_org.id] = created_org
    mine.created[role.id] = role
    return created_org, role.id, "created"


def _update(uow: UnitOfWork, role: Opportunity, item: Checked, known: _Known) -> None:
    if role.status not in EDITABLE:
        raise Conflict(f"The role is {role.status.value} here, so the import cannot change it.")
    if not _is_open(item, uow):
        if role.status in LIVE:
            role.close(uow.now, "The source says the role is no longer open.")
        else:
            role.update(item.values, uow.now)
    else:
        role.update(item.values, uow.now)
        if role.status in (Status.DRAFT, Status.PAUSED, Status.EXPIRED) and _approved(
            uow, role.organisation_id, known, None
        ):
            role.publish(uow.now, organisation_approved=True)


def _is_open(item: Checked, uow: UnitOfWork) -> bool:
    closes = item.details.closes_on
    return item.record.open and (closes is None or closes >= today_of(uow.now))


def _approved(uow: UnitOfWork, org_id: str, known: _Known, created: Organisation | None) -> bool:
    if created is not None:
        return created.moderation is Moderation.APPROVED
    if org_id not in known.approved:
        org = uow.organisations.get(org_id)
        known.approved[org_id] = org is not None and org.moderation is Moderation.APPROVED
    return known.approved[org_id]


def _organisation(uow: UnitOfWork, item: Checked, known: _Known) -> tuple[str, Organisation | None]:
    number = item.charity_number
    if number and number in known.by_number:
        return known.by_number[number], None
    name_key = (
        normalise(item.record.organisation.name),
        compact_postcode(item.address["postcode"]),
    )
    if name_key in known.by_name:
        return known.by_name[name_key], None
    record = item.record.organisation
    org = Organisation.register(
        name=record.name,
        type_=OrganisationType.CHARITY if number else OrganisationType.COMMUNITY_GROUP,
        now=uow.now,
        owner_id=None,  # nobody until the organisation claims its page
        website=record.website,
        description=record.description,
        charity_number=number,
        postcode=item.address["postcode"],
        district_code=item.address["district_code"],
    )
    return org.id, org


def _remember_organisation(known: _Known, item: Checked, org: Organisation) -> None:
    if org.charity_number:
        known.by_number.setdefault(org.charity_number, org.id)
    known.by_name.setdefault((normalise(org.name), compact_postcode(org.postcode)), org.id)
    known.approved[org.id] = org.moderation is Moderation.APPROVED
