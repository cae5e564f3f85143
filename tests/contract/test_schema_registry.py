"""The topic registry is complete and self-consistent, and it rejects malformed envelopes."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from schemas.registry import (
    DEFAULT_ROOT,
    Registry,
    SchemaError,
    UnknownTopicError,
    load_registry,
    load_topic_file,
)

ENVELOPE_FIELDS = (
    "event_id",
    "event_type",
    "event_version",
    "occurred_at",
    "producer",
    "key",
    "data",
)
TOPIC_FILES = sorted((DEFAULT_ROOT / "topics").glob("*.yaml"))
REGISTRY = load_registry()
ALL_EXAMPLES = [
    pytest.param(name, path, envelope, id=f"{name}/{path.parent.name}/{path.name}")
    for name in REGISTRY.topics
    for path, envelope in REGISTRY.examples(name)
]


def test_the_registry_has_the_initial_topics() -> None:
    assert {"organisations", "dead-letters"} <= set(REGISTRY.topics)
    assert len(TOPIC_FILES) == len(REGISTRY.topics)


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda p: p.stem)
def test_every_topic_file_loads_and_has_every_version(path: Path) -> None:
    topic = load_topic_file(path)
    assert topic.name == path.stem
    versions = REGISTRY.versions(topic.name)
    assert versions[: topic.current_version] == list(range(1, topic.current_version + 1))
    assert versions == list(range(1, len(versions) + 1)), "version numbers must have no gaps"
    for version in versions:
        schema = REGISTRY.schema(topic.name, version)
        Draft202012Validator.check_schema(schema)
        assert schema["properties"]["event_version"]["const"] == version


@pytest.mark.parametrize("name", sorted(REGISTRY.topics))
def test_every_schema_is_a_closed_envelope(name: str) -> None:
    for version in REGISTRY.versions(name):
        schema = REGISTRY.schema(name, version)
        assert schema["additionalProperties"] is False
        assert set(schema["required"]) == set(ENVELOPE_FIELDS)
        assert set(schema["properties"]) == set(ENVELOPE_FIELDS)


@pytest.mark.parametrize("name", sorted(REGISTRY.topics))
def test_current_schema_lists_exactly_the_topic_event_types(name: str) -> None:
    topic = REGISTRY.topic(name)
    schema = REGISTRY.schema(name, topic.current_version)
    assert schema["properties"]["event_type"]["enum"] == list(topic.event_types)
    branches = {
        member["if"]["properties"]["event_type"]["const"]
        for member in schema.get("allOf", [])
        if "if" in member
    }
    assert branches == set(topic.event_types), "each event type needs its own data shape"


@pytest.mark.parametrize("name", sorted(REGISTRY.topics))
def test_each_version_has_two_examples_and_each_event_type_one(name: str) -> None:
    topic = REGISTRY.topic(name)
    for version in REGISTRY.versions(name):
        assert len(REGISTRY.examples(name, version)) >= 2
    current = {envelope["event_type"] for _, envelope in REGISTRY.examples(name)}
    assert set(topic.event_types) <= current


@pytest.mark.parametrize(("name", "path", "envelope"), ALL_EXAMPLES)
def test_every_example_validates(name: str, path: Path, envelope: dict[str, Any]) -> None:
    REGISTRY.validate(name, envelope)
    topic = REGISTRY.topic(name)
    assert envelope["event_version"] == int(path.parent.name)
    assert envelope["producer"] in topic.producers
    assert envelope["event_type"] in topic.event_types


def test_example_event_ids_are_distinct() -> None:
    ids = [param.values[2]["event_id"] for param in ALL_EXAMPLES]
    assert len(ids) == len(set(ids)) >= 4


def test_organisation_examples_are_keyed_by_organisation_id() -> None:
    for _, envelope in REGISTRY.examples("organisations"):
        assert envelope["key"] == envelope["data"]["organisation_id"]


def _example(name: str = "organisations") -> dict[str, Any]:
    return copy.deepcopy(REGISTRY.examples(name, 1)[0][1])


def _set(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda envelope: envelope.update({field: value})


def _drop(field: str) -> Callable[[dict[str, Any]], None]:
    return lambda envelope: envelope.pop(field)


def _set_data(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda envelope: envelope["data"].update({field: value})


INVALID = {
    **{f"missing {field}": (_drop(field), f"/{field}") for field in ENVELOPE_FIELDS},
    "event_version as a string": (_set("event_version", "1"), "/event_version"),
    "event_version as a bool": (_set("event_version", True), "/event_version"),
    "key as a number": (_set("key", 5), "/key"),
    "data as a list": (_set("data", []), "/data"),
    "bad uuid": (_set("event_id", "not-a-uuid"), "/event_id"),
    "bad date-time": (_set("occurred_at", "2025-02-30T10:00:00Z"), "/occurred_at"),
    "date without time": (_set("occurred_at", "2025-02-03"), "/occurred_at"),
    "unknown event_type": (_set("event_type", "OrganisationExploded"), "/event_type"),
    "unknown event_version": (_set("event_version", 7), "/event_version"),
    "extra envelope field": (_set("trace", "x"), "/trace"),
    "empty organisation name": (_set_data("name", ""), "/data/name"),
    "unknown organisation type": (_set_data("type", "club"), "/data/type"),
    "missing data field": (lambda e: e["data"].pop("registered_at"), "/data/registered_at"),
    "extra data field": (_set_data("email", "x@example.org"), "/data/email"),
}


@pytest.mark.parametrize(("mutate", "path"), INVALID.values(), ids=INVALID.keys())
def test_invalid_envelopes_are_rejected_naming_the_field(
    mutate: Callable[[dict[str, Any]], None], path: str
) -> None:
    envelope = _example()
    REGISTRY.validate("organisations", envelope)  # the unmutated example is fine
    mutate(envelope)
    with pytest.raises(SchemaError) as caught:
        REGISTRY.validate("organisations", envelope)
    assert caught.value.path == path
    assert isinstance(caught.value, ValueError)


def test_unknown_event_version_names_version_and_topic() -> None:
    envelope = _example()
    envelope["event_version"] = 7
    with pytest.raises(SchemaError, match="unknown event_version 7 for topic 'organisations'"):
        REGISTRY.validate("organisations", envelope)


def test_errors_name_the_rule_but_never_echo_the_value() -> None:
    envelope = _example()
    envelope["data"]["name"] = "Jane Doe " * 40  # too long; and personal data must not leak
    with pytest.raises(SchemaError) as caught:
        REGISTRY.validate("organisations", envelope)
    assert "maxLength 200" in str(caught.value)
    assert "Jane" not in str(caught.value)


def test_dead_letter_data_is_checked_too() -> None:
    envelope = _example("dead-letters")
    envelope["data"]["original_encoding"] = "latin-1"
    with pytest.raises(SchemaError) as caught:
        REGISTRY.validate("dead-letters", envelope)
    assert caught.value.path == "/data/original_encoding"


def test_unknown_topic_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError) as caught:
        REGISTRY.topic("no-such-topic")
    assert isinstance(caught.value, UnknownTopicError)
    assert "unknown topic 'no-such-topic'" in str(caught.value)
    assert "organisations" in str(caught.value)


def test_schema_returns_a_copy_the_caller_may_change() -> None:
    REGISTRY.schema("organisations", 1)["properties"].clear()
    REGISTRY.validate("organisations", _example())
    assert REGISTRY.schema("organisations", 1)["properties"]


def test_load_registry_is_cached_per_root(tmp_path: Path) -> None:
    assert load_registry() is load_registry(DEFAULT_ROOT)
    assert load_registry(tmp_path) is not load_registry()


def test_adding_a_topic_takes_only_files(tmp_path: Path) -> None:
    root = tmp_path / "schemas"
    shutil.copytree(DEFAULT_ROOT / "topics", root / "topics")
    shutil.copytree(DEFAULT_ROOT / "jsonschema", root / "jsonschema")
    text = (root / "topics" / "organisations.yaml").read_text()
    (root / "topics" / "charities.yaml").write_text(text.replace("organisations", "charities"))
    schema = json.loads((root / "jsonschema" / "organisations.v1.json").read_text())
    (root / "jsonschema" / "charities.v1.json").write_text(json.dumps(schema))
    registry = Registry(root)
    registry.validate("charities", _example())
    assert registry.versions("charities") == [1]


def test_a_malformed_topic_file_is_reported_with_its_field(tmp_path: Path) -> None:
    text = (DEFAULT_ROOT / "topics" / "organisations.yaml").read_text()
    (tmp_path / "topics").mkdir()
    bad = text.replace("compatibility: BACKWARD", "compatibility: SOMETIMES")
    (tmp_path / "topics" / "organisations.yaml").write_text(bad)
    with pytest.raises(SchemaError) as caught:
        Registry(tmp_path)
    assert caught.value.path == "/compatibility"
