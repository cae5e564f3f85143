"""The topic registry: one YAML per topic, a JSON Schema per version, example envelopes.

Layout under the registry root (by default this package's directory)::

    topics/<topic>.yaml                  what the topic is, who writes and reads it
    jsonschema/<topic>.v<N>.json         the whole envelope of version N (draft 2020-12)
    examples/<topic>/<N>/<name>.json     full envelopes that must validate against vN

Adding a topic or a version is a matter of adding files: nothing here lists topics.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.exceptions import SchemaError as InvalidJSONSchema
from jsonschema.exceptions import best_match

COMPATIBILITY_MODES = ("BACKWARD", "FORWARD", "FULL", "NONE")
DEFAULT_ROOT = Path(__file__).resolve().parent
_SCHEMA_FILE = re.compile(r"^(?P<topic>.+)\.v(?P<version>[1-9][0-9]*)\.json$")

# RFC 3339 section 5.6. jsonschema only checks "date-time" when the optional
# rfc3339-validator package is installed; we check it ourselves so it is never silently skipped.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"}
# The shape of topics/<topic>.yaml, checked with the same machinery as envelopes so a broken
# topic file is reported with the JSON pointer of the bad field.
_TOPIC_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "name",
        "description",
        "producers",
        "consumers",
        "current_version",
        "compatibility",
        "partitions",
        "key",
        "event_types",
    ],
    "properties": {
        "name": _NAME,
        "description": {"type": "string", "minLength": 1},
        "producers": {"type": "array", "items": _NAME, "uniqueItems": True, "minItems": 1},
        "consumers": {"type": "array", "items": _NAME, "uniqueItems": True},
        "current_version": {"type": "integer", "minimum": 1},
        "compatibility": {"enum": list(COMPATIBILITY_MODES)},
        "partitions": {"type": "integer", "minimum": 1},
        "key": {"type": "string", "minLength": 1},
        "event_types": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Z][A-Za-z0-9]*$"},
            "uniqueItems": True,
            "minItems": 1,
        },
    },
}


class SchemaError(ValueError):
    """A message (or a registry file) does not match its schema.

    ``path`` is the JSON pointer of the failing field ("" for the document itself), so callers
    and dead-letter records can say *which* field was wrong without echoing its value.
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{message} (at {path})" if path else message)
        self.message = message
        self.path = path


class UnknownTopicError(KeyError):
    """No topic of that name is in the registry."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = tuple(sorted(known))

    def __str__(self) -> str:
        # KeyError's own __str__ repr()s its argument; say what is known instead.
        return f"unknown topic {self.name!r}; known topics: {', '.join(self.known) or 'none'}"


@dataclass(frozen=True)
class Topic:
    """One topic as described by ``topics/<name>.yaml``."""

    name: str
    description: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    current_version: int
    compatibility: str
    partitions: int
    event_types: tuple[str, ...]
    key: str = ""

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Topic:
        return cls(
            name=document["name"],
            description=document["description"],
            producers=tuple(document["producers"]),
            consumers=tuple(document["consumers"]),
            current_version=document["current_version"],
            compatibility=document["compatibility"],
            partitions=document["partitions"],
            event_types=tuple(document["event_types"]),
            key=document["key"],
        )


def format_checker() -> FormatChecker:
    """The stock checker (uuid, ...) plus a strict RFC 3339 ``date-time``."""
    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_is_rfc3339)
    return checker


def _is_rfc3339(instance: object) -> bool:
    if not isinstance(instance, str):
        return True  # formats only constrain strings; "type" rejects the rest
    if not _RFC3339.match(instance):
        return False
    dt.datetime.fromisoformat(instance.upper().replace("Z", "+00:00"))  # rejects month 13 etc.
    return True


def _is_rfc3339_or_false(instance: str) -> bool:
    try:
        return _is_rfc3339(instance)
    except ValueError:
        return False


# Bounded: a batch shares a few timestamps; a long-lived process sees endless new ones.
_remembered_rfc3339 = functools.lru_cache(maxsize=1024)(_is_rfc3339_or_false)


def json_pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 pointer for a path of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def error_path(error: ValidationError) -> str:
    """Pointer of the field the error is about, naming missing and unexpected properties."""
    parts: list[str | int] = list(error.absolute_path)
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [name for name in required if name not in instance]
        parts += missing[:1]
    elif error.validator == "additionalProperties" and isinstance(instance, dict):
        declared = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        parts += sorted(name for name in instance if name not in declared)[:1]
    return json_pointer(parts)


def to_schema_error(error: ValidationError, prefix: str = "") -> SchemaError:
    return SchemaError(f"{prefix}{describe(error)}", error_path(error))


def describe(error: ValidationError) -> str:
    """What rule failed, never the offending value: messages end up in logs and dead letters,
    and a value may be personal data (a name, an email address typed in the wrong field)."""
    keyword, expected = error.validator, error.validator_value
    wording = {
        "required": "required property missing",
        "additionalProperties": "property not allowed here",
        "type": f"must be of type {expected!r}",
        "enum": f"must be one of {expected!r}",
        "const": f"must be {expected!r}",
        "format": f"is not a valid {expected!r}",
    }
    return wording.get(str(keyword), f"violates {keyword} {expected!r}")


class Registry:
    """All topics, schemas and examples under one root directory.

    Schemas and validators are loaded on first use and kept: a consumer validates every message.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.topics: Mapping[str, Topic] = MappingProxyType(self._load_topics())
        self._files = {name: self._find_schema_files(name) for name in self.topics}
        self._schemas: dict[tuple[str, int], dict[str, Any]] = {}
        self._validators: dict[tuple[str, int], Draft202012Validator] = {}
        self._fast: dict[tuple[str, int], Any] = {}

    def topic(self, name: str) -> Topic:
        try:
            return self.topics[name]
        except KeyError:
            raise UnknownTopicError(name, self.topics) from None

    def versions(self, topic: str) -> list[int]:
        self.topic(topic)
        return sorted(self._files[topic])

    def schema(self, topic: str, version: int) -> dict[str, Any]:
        """A copy of the schema, so callers cannot alter what the validators use."""
        return copy.deepcopy(self._schema(topic, version))

    def validate(self, topic: str, envelope: Mapping[str, Any]) -> None:
        """Raise SchemaError unless ``envelope`` is valid for the version it declares."""
        if not isinstance(envelope, Mapping):
            raise SchemaError("envelope must be a JSON object")
        version = envelope.get("event_version")
        if version is None:
            raise SchemaError("'event_version' is a required property", "/event_version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise SchemaError("event_version must be an integer", "/event_version")
        if self._fast_validator(topic, version).is_valid(envelope):
            return  # the common case, about 50 times faster than walking the schema in Python
        error = best_match(self._validator(topic, version).iter_errors(envelope))
        if error is not None:
            raise to_schema_error(error, f"{topic} v{version}: ")

    def validate_many(self, items: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """``validate`` for each (topic, envelope) of a batch, raising at the first invalid one."""
        for topic, envelope in items:
            self.validate(topic, envelope)

    def examples(self, topic: str, version: int | None = None) -> list[tuple[Path, dict[str, Any]]]:
        """Example envelopes, sorted by path; all versions when ``version`` is None."""
        wanted = self.versions(topic) if version is None else [version]
        found: list[tuple[Path, dict[str, Any]]] = []
        for number in wanted:
            folder = self.root / "examples" / topic / str(number)
            found += [(path, _read_json(path)) for path in sorted(folder.glob("*.json"))]
        return found

    def _schema(self, topic: str, version: int) -> dict[str, Any]:
        key = (topic, version)
        if key not in self._schemas:
            self.topic(topic)
            path = self._files[topic].get(version)
            if path is None:
                raise SchemaError(
                    f"unknown event_version {version} for topic {topic!r} "
                    f"(known: {', '.join(map(str, self.versions(topic))) or 'none'})",
                    "/event_version",
                )
            self._schemas[key] = _load_schema(path)
        return self._schemas[key]

    def _validator(self, topic: str, version: int) -> Draft202012Validator:
        key = (topic, version)
        if key not in self._validators:
            # A race here only builds the same validator twice; no lock needed.
            self._validators[key] = Draft202012Validator(
                self._schema(topic, version), format_checker=format_checker()
            )
        return self._validators[key]

    def _fast_validator(self, topic: str, version: int) -> Any:
        """The same schema compiled by jsonschema-rs (Rust), with our strict ``date-time``.

        It only says yes or no: a "no" is explained by the Python validator above, whose
        messages the rest of the platform reports. tests/unit/schemas check both agree."""
        key = (topic, version)
        if key not in self._fast:
            self._fast[key] = jsonschema_rs.validator_for(
                self._schema(topic, version),
                validate_formats=True,
                # Remembered per text: the events of a batch share their timestamps (four a
                # role event), and each check is a call from Rust back into Python.
                formats={"date-time": _remembered_rfc3339},
            )
        return self._fast[key]

    def _find_schema_files(self, topic: str) -> dict[int, Path]:
        files = {}
        for path in (self.root / "jsonschema").glob(f"{glob_escape(topic)}.v*.json"):
            match = _SCHEMA_FILE.match(path.name)
            if match and match["topic"] == topic:
                files[int(match["version"])] = path
        return files

    def _load_topics(self) -> dict[str, Topic]:
        topics = {}
        for path in sorted((self.root / "topics").glob("*.yaml")):
            topic = load_topic_file(path)
            topics[topic.name] = topic
        return topics


def load_topic_file(path: Path) -> Topic:
    """Parse and check one ``topics/<name>.yaml``; its name must match the file name."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SchemaError(f"{path.name}: not valid YAML: {error}") from error
    invalid = best_match(Draft202012Validator(_TOPIC_FILE_SCHEMA).iter_errors(document))
    if invalid is not None:
        raise to_schema_error(invalid, f"{path.name}: ")
    if document["name"] != path.stem:
        raise SchemaError(f"{path.name}: name {document['name']!r} differs from file name", "/name")
    return Topic.from_document(document)


def _load_schema(path: Path) -> dict[str, Any]:
    schema = _read_json(path)
    try:
        Draft202012Validator.check_schema(schema)
    except InvalidJSONSchema as error:
        raise SchemaError(f"{path.name}: not a valid JSON Schema: {error.message}") from error
    return schema


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise SchemaError(f"{path}: not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise SchemaError(f"{path}: expected a JSON object")
    return document


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


@functools.cache
def _cached_registry(root: Path) -> Registry:
    return Registry(root)


def load_registry(root: Path | None = None) -> Registry:
    """The registry under ``root`` (default: this package), loaded once per root."""
    return _cached_registry((root or DEFAULT_ROOT).resolve())
