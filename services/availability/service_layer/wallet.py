"""Use cases of the credentials wallet: a volunteer's DBS check, training and other
requirements; the organisations they share them with; verification by those organisations;
and reminders before anything lapses.

A credential someone else owns, or one not shared with the organisation asking, is
answered as not found: the answer must not tell a stranger that it exists.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from services.availability.adapters.wallet_repository import WalletRepository
from services.availability.domain.errors import Conflict, Forbidden, Invalid, NotFound
from services.availability.domain.model import Credential
from services.availability.domain.wallet import (
    EXPIRY_NOTICE_DAYS,
    Entry,
    Verification,
    changed_values,
    check_shares,
    credential_values,
    label_of,
    may_act_for,
    reminder_due,
    status_on,
    uk_today,
    valid_until,
    wallet_order,
)
from services.availability.service_layer.unit_of_work import MICRO, UnitOfWork, unit_of_work
from services.common.runtime import ServiceRuntime

MAX_CREDENTIALS = 100
NO_CREDENTIAL = "There is no credential with this id in your wallet."
NOT_SHARED = "There is no credential with this id shared with this organisation."
NOT_THEIRS = "Only the organisation's members, or staff of the Volunteer Centre, can do this."


def list_mine(runtime: ServiceRuntime, account_id: str) -> list[dict[str, Any]]:
    with unit_of_work(runtime) as uow:
        repo = WalletRepository(uow.session)
        docs = _documents(uow, repo, repo.entries([account_id]))
        return [{k: v for k, v in doc.items() if k != "account_id"} for doc in docs]


def add(runtime: ServiceRuntime, account_id: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    with unit_of_work(runtime) as uow:
        values = credential_values(doc, uk_today(uow.now))
        repo = WalletRepository(uow.session)
        if repo.count(account_id) >= MAX_CREDENTIALS:
            raise Conflict(
                f"A wallet holds at most {MAX_CREDENTIALS} credentials: delete old ones."
            )
        credential_id = str(uuid.uuid4())
        repo.add(credential_id, account_id, values, uow.now)
        return _one(uow, repo, credential_id)


def get(runtime: ServiceRuntime, account_id: str, credential_id: str) -> dict[str, Any]:
    with unit_of_work(runtime) as uow:
        repo = WalletRepository(uow.session)
        _own(repo, account_id, credential_id)
        return _one(uow, repo, credential_id)


def change(
    runtime: ServiceRuntime, account_id: str, credential_id: str, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """Edit a credential. Changing what it says undoes any verification (the verifier saw
    the old facts) and, if its expiry moves, the reminder."""
    with unit_of_work(runtime) as uow:
        repo = WalletRepository(uow.session)
        entry = _own(repo, account_id, credential_id, lock=True)
        if changes.get("kind", entry.credential.kind) != entry.credential.kind:
            raise Invalid({"kind": ["To change the kind, delete this one and add a new one."]})
        values = credential_values(
            {**editable_document(entry.credential), **changes}, uk_today(uow.now)
        )
        updates = changed_values(entry, values)
        if updates:
            repo.update(credential_id, updates, uow.now)
        return _one(uow, repo, credential_id)


def delete(runtime: ServiceRuntime, account_id: str, credential_id: str) -> None:
    with unit_of_work(runtime) as uow:
        repo = WalletRepository(uow.session)
        _own(repo, account_id, credential_id, lock=True)
        repo.delete(credential_id)


def shares(runtime: ServiceRuntime, account_id: str) -> list[dict[str, Any]]:
    with unit_of_work(runtime) as uow:
        return _shares(WalletRepository(uow.session), account_id)


def replace_shares(
    runtime: ServiceRuntime, account_id: str, organisation_ids: list[str]
) -> list[dict[str, Any]]:
    """Let exactly these organisations see the wallet (an empty list: nobody)."""
    with unit_of_work(runtime) as uow:
        repo = WalletRepository(uow.session)
        known = {k: state for k, (_name, state) in repo.organisations(organisation_ids).items()}
        repo.replace_shares(account_id, check_shares(organisation_ids, known), uow.now)
        return _shares(repo, account_id)


def verify(
    runtime: ServiceRuntime,
    actor_id: str,
    centres: Iterable[str],
    credential_id: str,
    organisation_id: str,
) -> dict[str, Any]:
    """Record that an organisation checked a credential its owner shares with it."""
    with unit_of_work(runtime) as uow:
        _require_acting_for(uow, actor_id, centres, organisation_id)
        repo = WalletRepository(uow.session)
        entry = repo.entry(credential_id, lock=True)
        if entry is None or not repo.shares_with(entry.account_id, organisation_id):
            raise NotFound(NOT_SHARED)
        if entry.account_id == actor_id:
            raise Forbidden("You cannot verify your own credential: ask a colleague.")
        repo.verify(credential_id, Verification(organisation_id, actor_id, uow.now))
        return _one(uow, repo, credential_id)


def shared_with(
    runtime: ServiceRuntime,
    actor_id: str,
    centres: Iterable[str],
    organisation_id: str,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    """The volunteers who share their wallet with the organisation, oldest share first;
    ``more`` says whether another page follows."""
    with unit_of_work(runtime) as uow:
        _require_acting_for(uow, actor_id, centres, organisation_id)
        repo = WalletRepository(uow.session)
        sharers = repo.sharers(organisation_id, (page - 1) * per_page, per_page + 1)
        shown = sharers[:per_page]
        documents = _documents(uow, repo, repo.entries(a for a, _ in shown))
        by_owner: dict[str, list[dict[str, Any]]] = {a: [] for a, _ in shown}
        for doc in documents:
            by_owner[doc.pop("account_id")].append(doc)
        items = [{"account_id": a, "shared_at": at, "credentials": by_owner[a]} for a, at in shown]
        return {"items": items, "more": len(sharers) > per_page}


def remind_expiring(runtime: ServiceRuntime, limit: int = 1000) -> dict[str, int]:
    """Announce (``CredentialExpiring``) each credential that lapses within the next
    EXPIRY_NOTICE_DAYS days, once: the claim and its event commit together, and a claim
    another run has made is skipped. Run it periodically (hourly is plenty)."""
    with unit_of_work(runtime) as uow:
        today = uk_today(uow.now)
        horizon = today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)
        repo = WalletRepository(uow.session)
        candidates = repo.reminder_candidates(today, horizon, limit)
        reminded = 0
        for entry in candidates:
            if reminder_due(entry, today) and repo.mark_reminded(entry.credential.id, uow.now):
                uow.emit(MICRO, "CredentialExpiring", entry.credential.id, _expiring(entry, uow))
                reminded += 1
        return {"checked": len(candidates), "reminded": reminded}


def _expiring(entry: Entry, uow: UnitOfWork) -> dict[str, Any]:
    c = entry.credential
    return {
        "credential_id": c.id, "account_id": entry.account_id, "kind": c.kind,
        "code": c.code, "expires_on": valid_until(c), "at": uow.now,
    }  # fmt: skip


def _require_acting_for(
    uow: UnitOfWork, actor_id: str, centres: Iterable[str], organisation_id: str
) -> None:
    if not may_act_for(organisation_id, uow.role_in(organisation_id, actor_id), centres):
        raise Forbidden(NOT_THEIRS)


def _own(
    repo: WalletRepository, account_id: str, credential_id: str, *, lock: bool = False
) -> Entry:
    entry = repo.entry(credential_id, lock=lock)
    if entry is None or entry.account_id != account_id:
        raise NotFound(NO_CREDENTIAL)
    return entry


def _one(uow: UnitOfWork, repo: WalletRepository, credential_id: str) -> dict[str, Any]:
    entry = repo.entry(credential_id)
    assert entry is not None  # read back inside the transaction that wrote it
    [doc] = _documents(uow, repo, [entry])
    doc.pop("account_id")
    return doc


def _documents(uow: UnitOfWork, repo: WalletRepository, entries: list[Entry]) -> list[dict]:
    """Each credential's document with its owner's account id (callers drop it when the
    reader is the owner)."""
    today = uk_today(uow.now)
    entries = sorted(entries, key=wallet_order)
    verifiers = [e.verification.organisation_id for e in entries if e.verification]
    names = {k: name for k, (name, _state) in repo.organisations(verifiers).items()}
    return [
        {
            **credential_document(
                e, today, names.get(e.verification.organisation_id) if e.verification else None
            ),
            "account_id": e.account_id,
        }
        for e in entries
    ]


def _shares(repo: WalletRepository, account_id: str) -> list[dict[str, Any]]:
    held = repo.shares(account_id)
    names = repo.organisations(org for org, _ in held)
    return [
        {"organisation_id": org, "name": names.get(org, ("", ""))[0], "granted_at": at}
        for org, at in held
    ]


def credential_document(entry: Entry, today: dt.date, organisation_name: str | None) -> dict:
    """A credential as its owner wrote it, with its status and who verified it."""
    c, seen = entry.credential, entry.verification
    doc: dict[str, Any] = {"id": c.id, "kind": c.kind, "label": label_of(c)}
    doc.update(_kind_fields(c))
    doc.update(
        valid_until=valid_until(c),
        status=status_on(c, today),
        verified=seen is not None,
        verified_by=None if seen is None else
        {"organisation_id": seen.organisation_id, "name": organisation_name},
        verified_at=None if seen is None else seen.at,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )  # fmt: skip
    return doc


def _kind_fields(c: Credential) -> dict[str, Any]:
    if c.kind == "dbs":
        return {"level": c.dbs_level, "workforce": c.dbs_workforce, "issued_on": c.obtained_on,
                "update_service": c.update_service}  # fmt: skip
    if c.kind == "training":
        return {"type": c.code, "completed_on": c.obtained_on, "expires_on": c.expires_on}
    return {"code": c.code, "obtained_on": c.obtained_on, "expires_on": c.expires_on}


def editable_document(c: Credential) -> dict[str, Any]:
    """The fields an owner may change, as they wrote them: the base an edit is merged onto."""
    return {"kind": c.kind, **_kind_fields(c)}
