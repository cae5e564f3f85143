"""The envelope every event carries on the wire, and its (de)serialisation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """A received event: the envelope fields plus the topic it came from."""

    topic: str
    event_id: str
    event_type: str
    event_version: int
    occurred_at: str
    producer: str
    key: str
    data: Mapping[str, Any]

    @classmethod
    def from_envelope(cls, topic: str, envelope: Mapping[str, Any]) -> Event:
        return cls(
            topic=topic,
            event_id=envelope["event_id"],
            event_type=envelope["event_type"],
            event_version=envelope["event_version"],
            occurred_at=envelope["occurred_at"],
            producer=envelope["producer"],
            key=envelope["key"],
            data=envelope["data"],
        )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def isoformat(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def new_envelope(
    *,
    event_type: str,
    version: int,
    producer: str,
    key: str,
    data: Mapping[str, Any],
    occurred_at: dt.datetime | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": event_type,
        "event_version": version,
        "occurred_at": isoformat(occurred_at or utcnow()),
        "producer": producer,
        "key": key,
        "data": to_jsonable(data),
    }


_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_jsonable(value: Any) -> Any:
    """Domain events hold dates, UUIDs and dataclasses; the wire holds JSON."""
    # Exact-type fast paths first: the ABC isinstance checks below are slow, and an import
    # converts hundreds of thousands of values (each role's snapshot, twice).
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [to_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return isoformat(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def encode(envelope: Mapping[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def decode(value: bytes) -> dict[str, Any]:
    decoded = json.loads(value)
    if not isinstance(decoded, dict):
        raise ValueError("message is JSON but not an object")
    return decoded
