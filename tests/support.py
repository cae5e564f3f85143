"""Helpers shared by the test suites (not fixtures: plain functions and small classes)."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from services.common.db import plumbing_tables
from services.common.envelope import new_envelope

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}."


def wait_for(predicate: Callable[[], T], timeout_s: float = 30.0, interval_s: float = 0.1) -> T:
    """Poll until ``predicate`` returns something truthy; fail with its last value."""
    deadline = time.monotonic() + timeout_s
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval_s)
        value = predicate()
    assert value, f"condition not met within {timeout_s} s (last value {value!r})"
    return value


def organisation_envelope(org_id: str | None = None, name: str = "Friends of the Park") -> dict:
    org_id = org_id or str(uuid.uuid4())
    return new_envelope(
        event_type="OrganisationRegistered",
        version=1,
        producer="opportunities",
        key=org_id,
        data={
            "organisation_id": org_id,
            "name": name,
            "type": "charity",
            "postcode": "SE1 7AE",
            "registered_at": "2026-11-23T10:00:00Z",
        },
    )


def sink_metadata() -> tuple[sa.MetaData, sa.Table, sa.Table, sa.Table]:
    """A consumer database whose side-effect table has NO unique key: a duplicate delivery
    that slipped past the processed-events check would show up as an extra row."""
    metadata = sa.MetaData()
    outbox, processed = plumbing_tables(metadata)
    sink = sa.Table(
        "side_effects",
        metadata,
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
    )
    return metadata, outbox, processed, sink
