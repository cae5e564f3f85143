"""Saved-search use cases: save, list, change, delete, unsubscribe; each in one transaction
with the event that tells the search service's percolator.

A saved search is the search API's own parameters, checked by the search API's own schema
(``services.search.api.params``, the public contract partner sites also build on), so a
saved search always means exactly what the same search would return.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from services.common.auth import resolve_secret
from services.common.envelope import new_envelope
from services.common.geo.postcodes import Geocoder, UnknownPostcode
from services.common.problems import flatten_errors
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput
from services.search.api.params import SearchParams
from services.volunteers.adapters.saved_search_tables import alert_items, saved_searches
from services.volunteers.domain.accounts import Conflict, NotFound
from services.volunteers.domain.alerts import MAX_SAVED_SEARCHES, PAGING_PARAMS, Frequency
from services.volunteers.service_layer.unit_of_work import clock

TOPIC = ("saved-searches", 1)


def check_params(raw: Mapping[str, Any], geocoder: Geocoder) -> dict[str, str]:
    """The parameters as the search API takes them, or InvalidInput naming each bad one
    (as ``params.<name>``). Paging is dropped: a saved search is every page of it."""
    if not isinstance(raw, Mapping):
        raise InvalidInput.field("params", "Give the search's parameters as an object.")
    params = {
        str(k): _as_text(v) for k, v in raw.items() if k not in PAGING_PARAMS and v is not None
    }
    params = {k: v for k, v in params.items() if v != ""}
    try:
        SearchParams().load(params)
    except ValidationError as exc:
        raise InvalidInput(flatten_errors(exc.messages, "params")) from exc
    if "postcode" in params:
        try:
            found = geocoder.lookup(params["postcode"]).postcode
        except UnknownPostcode as exc:
            raise InvalidInput.field("params.postcode", exc.message) from exc
        params["postcode"] = found or params["postcode"]  # as people write it: "SE1 7PB"
    return params


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)  # ["a", "b"] is the same as "a,b"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def create(
    runtime: ServiceRuntime, account_id: str, name: str, params: dict[str, str], frequency: str
) -> dict[str, Any]:
    now = clock(runtime)
    with runtime.session_factory() as session, session.begin():
        held = session.execute(
            sa.select(sa.func.count())
            .select_from(saved_searches)
            .where(saved_searches.c.account_id == account_id)
        ).scalar_one()
        if held >= MAX_SAVED_SEARCHES:
            raise Conflict(
                f"You can keep up to {MAX_SAVED_SEARCHES} saved searches. "
                "Delete one you no longer need first."
            )
        row = {
            "id": str(uuid.uuid4()),
            "account_id": account_id,
            "name": name,
            "params": params,
            "frequency": Frequency(frequency).value,
            "created_at": now,
            "updated_at": now,
            # Digests count from here: the first daily one goes at the next 07:00.
            "last_sent_at": now,
        }
        session.execute(saved_searches.insert().values(**row))
        _announce(runtime, session, row, now)
        return row


def list_for(runtime: ServiceRuntime, account_id: str) -> list[dict[str, Any]]:
    with runtime.session_factory() as session:
        rows = session.execute(
            sa.select(saved_searches)
            .where(saved_searches.c.account_id == account_id)
            .order_by(saved_searches.c.created_at, saved_searches.c.id)
        ).mappings()
        return [dict(r) for r in rows]


def get(runtime: ServiceRuntime, account_id: str, search_id: str) -> dict[str, Any]:
    with runtime.session_factory() as session:
        return _own(session, account_id, search_id)


def update(
    runtime: ServiceRuntime, account_id: str, search_id: str, changes: Mapping[str, Any]
) -> dict[str, Any]:
    now = clock(runtime)
    with runtime.session_factory() as session, session.begin():
        row = _own(session, account_id, search_id, lock=True)
        values = {k: changes[k] for k in ("name", "params", "frequency") if k in changes}
        if "frequency" in values:
            values["frequency"] = Frequency(values["frequency"]).value
        row.update(values, updated_at=now)
        session.execute(
            sa.update(saved_searches)
            .where(saved_searches.c.id == search_id)
            .values(**values, updated_at=now)
        )
        if "params" in values or "frequency" in values:
            _announce(runtime, session, row, now)
        return row


def delete(runtime: ServiceRuntime, account_id: str, search_id: str) -> None:
    now = clock(runtime)
    with runtime.session_factory() as session, session.begin():
        _own(session, account_id, search_id, lock=True)
        _delete(runtime, session, [search_id], now)


def forget_account(
    session: Session, runtime: ServiceRuntime, account_id: str, now: dt.datetime
) -> int:
    """Erasure: delete every saved search of one person (and its alerts), in the caller's
    transaction, telling the percolator to forget them. Returns how many there were."""
    ids = list(
        session.execute(
            sa.select(saved_searches.c.id).where(saved_searches.c.account_id == account_id)
        ).scalars()
    )
    _delete(runtime, session, ids, now)
    return len(ids)


def _delete(runtime: ServiceRuntime, session: Session, ids: list[str], now: dt.datetime) -> None:
    if not ids:
        return
    session.execute(sa.delete(alert_items).where(alert_items.c.saved_search_id.in_(ids)))
    session.execute(sa.delete(saved_searches).where(saved_searches.c.id.in_(ids)))
    for search_id in ids:
        data = {"saved_search_id": search_id, "deleted_at": now}
        _emit(runtime, session, "SavedSearchDeleted", search_id, data, now)


# --- unsubscribe links ----------------------------------------------------------------------


def unsubscribe_token(runtime: ServiceRuntime, search_id: str) -> str:
    """The secret in a saved search's unsubscribe link: nothing to store, nothing to guess."""
    key = resolve_secret(runtime.config).encode()
    return hmac.new(key, f"unsubscribe:{search_id}".encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_url(runtime: ServiceRuntime, search_id: str) -> str:
    token = unsubscribe_token(runtime, search_id)
    base = runtime.config.public_url.rstrip("/")
    return f"{base}/api/v1/saved-searches/{search_id}/unsubscribe?{urlencode({'token': token})}"


def search_url(runtime: ServiceRuntime, params: Mapping[str, str]) -> str:
    query = urlencode(sorted(params.items()))  # one order: the same search, the same link
    return f"{runtime.config.public_url.rstrip('/')}/api/v1/search?{query}"


def unsubscribe(runtime: ServiceRuntime, search_id: str, token: str) -> dict[str, Any]:
    """Turn a saved search's alerts off from the link in an email (no sign-in needed).
    Idempotent: a second click (or a mail client's one-click POST) changes nothing."""
    expected = unsubscribe_token(runtime, search_id)
    now = clock(runtime)
    with runtime.session_factory() as session, session.begin():
        row = session.execute(
            sa.select(saved_searches).where(saved_searches.c.id == search_id)
        ).mappings().first()  # fmt: skip
        if row is None or not hmac.compare_digest(expected, token):
            # One answer for both: a wrong token must not reveal which ids exist.
            raise NotFound("This unsubscribe link is not valid. Sign in to manage your alerts.")
        found = dict(row)
        if found["frequency"] != Frequency.OFF:
            found.update(frequency=Frequency.OFF.value, updated_at=now)
            session.execute(
                sa.update(saved_searches)
                .where(saved_searches.c.id == search_id)
                .values(frequency=Frequency.OFF.value, updated_at=now)
            )
            _announce(runtime, session, found, now)
        return found


# --- helpers --------------------------------------------------------------------------------


def _own(session: Session, account_id: str, search_id: str, lock: bool = False) -> dict[str, Any]:
    query = sa.select(saved_searches).where(
        saved_searches.c.id == search_id, saved_searches.c.account_id == account_id
    )
    row = session.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        # Someone else's saved search looks exactly like a missing one.
        raise NotFound("There is no saved search with this id.")
    return dict(row)


def _announce(
    runtime: ServiceRuntime, session: Session, row: Mapping[str, Any], now: dt.datetime
) -> None:
    data = {
        "saved_search_id": row["id"],
        "params": dict(row["params"]),
        "alerts": Frequency(row["frequency"]).alerts,
        "saved_at": now,
    }
    _emit(runtime, session, "SavedSearchSaved", row["id"], data, now)


def _emit(
    runtime: ServiceRuntime,
    session: Session,
    event_type: str,
    key: str,
    data: dict[str, Any],
    now: dt.datetime,
) -> None:
    topic, version = TOPIC
    envelope = new_envelope(
        event_type=event_type,
        version=version,
        producer="volunteers",
        key=key,
        data=data,
        occurred_at=now,
    )
    runtime.outbox.add(session, topic, envelope)
