"""The Rust validator (jsonschema-rs) that lets valid events through fast agrees with the
Python one (jsonschema, which explains refusals) on every example and on many broken ones.
If the fast one ever said yes where the Python one says no, an invalid event would slip
into a topic, so each mutation below is checked both ways."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from schemas.registry import load_registry

REGISTRY = load_registry()
BAD_VALUES = {
    "uuid": [
        "not-a-uuid",
        "0b5e2c1e6f3a4e1b9c2d3e4f5a6b7c8d",
        "{0b5e2c1e-6f3a-4e1b-9c2d-3e4f5a6b7c8d}",
    ],
    "date-time": [
        "2026-13-01T00:00:00Z",
        "2026-11-23 10:00:00Z",
        "2026-11-23T10:00:00",
        "yesterday",
    ],
    "date": ["2026-02-30", "20261123", "23/11/2026"],
}


def _formats(schema: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path into an instance, format) for each property with a format, following $refs
    no further: enough to reach the envelope's own fields and each event's data."""
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            if isinstance(sub, dict) and "format" in sub:
                yield (*path, name), sub["format"]
            yield from _formats(sub, (*path, name))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, []):
                yield from _formats(sub, path)
        for key in ("then", "else"):
            if key in schema:
                yield from _formats(schema[key], path)


def _set(instance: Any, path: tuple[Any, ...], value: Any) -> bool:
    for key in path[:-1]:
        if not isinstance(instance, dict) or key not in instance:
            return False
        instance = instance[key]
    if not isinstance(instance, dict) or path[-1] not in instance:
        return False
    instance[path[-1]] = value
    return True


def _mutations(schema: dict[str, Any], envelope: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path, fmt in _formats(schema):
        for bad in BAD_VALUES.get(fmt, []):
            broken = copy.deepcopy(envelope)
            if _set(broken, path, bad):
                yield broken
    for key in list(envelope):
        broken = copy.deepcopy(envelope)
        del broken[key]
        yield broken
    for key in list(envelope.get("data", {})):
        broken = copy.deepcopy(envelope)
        del broken["data"][key]
        yield broken
        broken = copy.deepcopy(envelope)
        broken["data"][key] = {"unexpected": [1, 2, 3]}
        yield broken
    broken = copy.deepcopy(envelope)
    broken["data"]["surely_not_a_field"] = "x"
    yield broken
    broken = copy.deepcopy(envelope)
    broken["event_version"] = "1"
    yield broken


CASES = [
    pytest.param(topic, path.parent.name, envelope, id=f"{topic}/{path.parent.name}/{path.name}")
    for topic in REGISTRY.topics
    for path, envelope in REGISTRY.examples(topic)
]


@pytest.mark.parametrize(("topic", "version", "envelope"), CASES)
def test_fast_and_python_validators_agree(
    topic: str, version: str, envelope: dict[str, Any]
) -> None:
    number = int(version)
    fast = REGISTRY._fast_validator(topic, number)
    slow = REGISTRY._validator(topic, number)
    assert fast.is_valid(envelope) and slow.is_valid(envelope)
    checked = 0
    for broken in _mutations(REGISTRY.schema(topic, number), envelope):
        assert fast.is_valid(broken) == slow.is_valid(broken), broken
        checked += 1
    assert checked >= 5
