"""Find where one JSON Schema accepts less than another: the core of the compatibility checks.

``narrowings(reader, writer)`` lists the ways data valid against ``writer`` may be rejected by
``reader``. BACKWARD asks it with reader=new, writer=old (new code reads old messages); FORWARD
with reader=old, writer=new. Each finding is worded from the old-to-new point of view, so the
same walk says "enum value 'x' removed" under BACKWARD and "enum value 'x' added" under FORWARD.

It is a conservative static check over the keywords our schemas use; keywords it does not
understand are reported when they change, so nothing slips through unreviewed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

Schema = dict[str, Any]

ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "$comment",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
        "$anchor",
        "$defs",
        "definitions",
    }
)
LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
EXACT = ("pattern", "format", "multipleOf", "contentEncoding", "contentMediaType")
HANDLED = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "const",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "uniqueItems",
        "allOf",
        "anyOf",
        "oneOf",
        "if",
        "then",
        "else",
        *LOWER_BOUNDS,
        *UPPER_BOUNDS,
        *EXACT,
    }
)
# Keywords whose value maps names to subschemas (the names are data, not keywords).
_NAMED_SUBSCHEMAS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SUBSCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
)
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def strip_annotations(schema: Any) -> Any:
    """The schema without descriptions, titles, examples: what validation depends on."""
    if not isinstance(schema, dict):
        return schema
    stripped: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS - {"$defs", "definitions"}:
            continue
        if key in _NAMED_SUBSCHEMAS:
            stripped[key] = {name: strip_annotations(sub) for name, sub in value.items()}
        elif key in _SUBSCHEMA:
            stripped[key] = strip_annotations(value)
        elif key in _SUBSCHEMA_LISTS:
            stripped[key] = [strip_annotations(sub) for sub in value]
        else:
            stripped[key] = value
    return stripped


class Walker:
    """One reader/writer comparison; collects findings in ``problems``."""

    def __init__(self, reader_root: Schema, writer_root: Schema, *, reader_is_new: bool) -> None:
        self.reader_root = reader_root
        self.writer_root = writer_root
        self.backward = reader_is_new
        self.problems: list[str] = []
        self._active_refs: set[tuple[str | None, str | None]] = set()

    def say(self, path: str, backward: str, forward: str) -> None:
        message = f"{path}: {backward if self.backward else forward}"
        if message not in self.problems:
            self.problems.append(message)

    def old_new(self, reader_value: Any, writer_value: Any) -> tuple[Any, Any]:
        return (writer_value, reader_value) if self.backward else (reader_value, writer_value)

    def walk(self, reader: Any, writer: Any, path: str = "$") -> None:
        refs = (_ref_of(reader), _ref_of(writer))
        if refs != (None, None):
            if refs in self._active_refs:
                return  # a recursive schema: this pair is already being compared further up
            self._active_refs.add(refs)
        try:
            self._walk_resolved(
                self._resolve(reader, self.reader_root),
                self._resolve(writer, self.writer_root),
                path,
            )
        finally:
            self._active_refs.discard(refs)

    def _walk_resolved(self, reader: Any, writer: Any, path: str) -> None:
        if writer is False or reader is True or reader == {}:
            return  # nothing is written, or anything is read
        if reader is False:
            self.say(path, "now rejects everything", "used to reject everything")
            return
        writer = {} if writer is True else writer
        for check in (
            self._types,
            self._values,
            self._bounds,
            self._exact,
            self._objects,
            self._arrays,
            self._conditionals,
            self._alternatives,
            self._unknown,
        ):
            check(reader, writer, path)

    def _resolve(self, schema: Any, root: Schema) -> Any:
        for _ in range(32):  # a chain of plain $refs; the bound guards against a ref cycle
            if not isinstance(schema, dict) or not str(schema.get("$ref", "")).startswith("#"):
                return schema
            target = _pointer(root, schema["$ref"])
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **siblings} if isinstance(target, dict) else target
        return schema

    def _types(self, reader: Schema, writer: Schema, path: str) -> None:
        reader_types, writer_types = _types(reader), _types(writer)
        if reader_types is None:
            return
        if writer_types is None:
            self.say(
                path,
                f"type restricted to {sorted(reader_types)}",
                f"type restriction {sorted(reader_types)} removed",
            )
            return
        lost = {
            t
            for t in writer_types - reader_types
            if not (t == "integer" and "number" in reader_types)
        }
        if lost:
            old, new = self.old_new(sorted(reader_types), sorted(writer_types))
            self.say(
                path, f"type narrowed from {old} to {new}", f"type widened from {old} to {new}"
            )

    def _values(self, reader: Schema, writer: Schema, path: str) -> None:
        allowed, written = _allowed_values(reader), _allowed_values(writer)
        if allowed is None:
            return
        if written is None:
            self.say(
                path,
                f"values restricted to {list(allowed.values())}",
                f"value restriction {list(allowed.values())} removed",
            )
        elif "const" in reader and "const" in writer and reader["const"] != writer["const"]:
            old, new = self.old_new(reader["const"], writer["const"])
            self.say(
                path,
                f"const changed from {old!r} to {new!r}",
                f"const changed from {old!r} to {new!r}",
            )
        else:
            for key in written.keys() - allowed.keys():
                self.say(
                    path,
                    f"enum value {written[key]!r} removed",
                    f"enum value {written[key]!r} added",
                )

    def _bounds(self, reader: Schema, writer: Schema, path: str) -> None:
        for keyword in (*LOWER_BOUNDS, *UPPER_BOUNDS):
            if keyword not in reader:
                continue
            limit, written = reader[keyword], writer.get(keyword)
            if written is None:
                self.say(path, f"{keyword} {limit} added", f"{keyword} {limit} removed")
            elif (limit > written) if keyword in LOWER_BOUNDS else (limit < written):
                old, new = self.old_new(limit, written)
                self.say(
                    path,
                    f"{keyword} tightened from {old} to {new}",
                    f"{keyword} loosened from {old} to {new}",
                )

    def _exact(self, reader: Schema, writer: Schema, path: str) -> None:
        for keyword in EXACT:
            if keyword in reader and reader[keyword] != writer.get(keyword):
                old, new = self.old_new(reader[keyword], writer.get(keyword))
                self.say(
                    path,
                    f"{keyword} changed from {old!r} to {new!r}",
                    f"{keyword} changed from {old!r} to {new!r}",
                )
        if reader.get("uniqueItems") is True and writer.get("uniqueItems") is not True:
            self.say(path, "uniqueItems turned on", "uniqueItems turned off")

    def _objects(self, reader: Schema, writer: Schema, path: str) -> None:
        for name in _required(reader) - _required(writer):
            self.say(
                path, f"property {name!r} newly required", f"property {name!r} no longer required"
            )
        self._declared_properties(reader, writer, path)
        reader_extra = reader.get("additionalProperties", True)
        writer_extra = writer.get("additionalProperties", True)
        if reader_extra is False and writer_extra is not False:
            self.say(
                path,
                "additionalProperties turned from true/absent to false",
                "additionalProperties turned from false to true/absent",
            )
        elif reader_extra not in (True, False):
            self.walk(reader_extra, {} if writer_extra is True else writer_extra, f"{path}.*")

    def _declared_properties(self, reader: Schema, writer: Schema, path: str) -> None:
        reader_props = reader.get("properties", {})
        writer_props = writer.get("properties", {})
        reader_extra = reader.get("additionalProperties", True)
        writer_extra = writer.get("additionalProperties", True)
        for name, written in writer_props.items():
            if name in reader_props:
                self.walk(reader_props[name], written, f"{path}.{name}")
            elif reader_extra is False:
                self.say(
                    path,
                    f"property {name!r} removed while additionalProperties is false",
                    f"property {name!r} added while the old schema has additionalProperties false",
                )
            elif reader_extra is not True:
                self.walk(reader_extra, written, f"{path}.{name}")
        for name, read in reader_props.items():
            # A property only the reader declares was, for the writer, an "additional" one. When
            # the writer left those open we accept the change anyway: adding an optional field
            # must stay possible, and our producers only write what their schema declares.
            if name not in writer_props and writer_extra not in (True, False):
                self.walk(read, writer_extra, f"{path}.{name}")

    def _arrays(self, reader: Schema, writer: Schema, path: str) -> None:
        if "items" in reader:
            self.walk(reader["items"], writer.get("items", {}), f"{path}[]")

    def _conditionals(self, reader: Schema, writer: Schema, path: str) -> None:
        written = dict(_conditionals(writer))
        base_writer = {k: v for k, v in writer.items() if k not in ("allOf", "if", "then", "else")}
        for key, condition in _conditionals(reader):
            label = f"{path}[{_describe_condition(condition['if'])}]"
            if key in written:
                for branch in ("then", "else"):
                    if branch in condition:
                        self.walk(condition[branch], written[key].get(branch, {}), label)
            elif _reachable(condition["if"], writer):
                for branch in ("then", "else"):
                    if branch in condition:
                        self.walk(condition[branch], base_writer, label)
        for index, member in enumerate(_plain_members(reader)):
            writer_members = _plain_members(writer)
            other = writer_members[index] if index < len(writer_members) else base_writer
            self.walk(member, other, f"{path}.allOf[{index}]")

    def _alternatives(self, reader: Schema, writer: Schema, path: str) -> None:
        for keyword in ("anyOf", "oneOf"):
            if keyword not in reader:
                continue  # the reader demands no alternative: it reads whatever the writer does
            if keyword not in writer:
                self.say(path, f"{keyword} added", f"{keyword} removed")
                continue
            read = dict(_keyed_branches(reader[keyword]))
            for key, branch in _keyed_branches(writer[keyword]):
                if key in read:
                    self.walk(read[key], branch, f"{path}.{keyword}[{key}]")
                else:
                    self.say(
                        path,
                        f"{keyword} alternative {key} removed",
                        f"{keyword} alternative {key} added",
                    )

    def _unknown(self, reader: Schema, writer: Schema, path: str) -> None:
        for keyword in sorted((reader.keys() | writer.keys()) - HANDLED - ANNOTATIONS):
            if canonical(reader.get(keyword)) != canonical(writer.get(keyword)):
                message = f"keyword {keyword!r} changed; the checker cannot judge it, review it"
                self.say(path, message, message)


def narrowings(reader: Any, writer: Any, *, reader_is_new: bool) -> list[str]:
    """Ways that data valid against ``writer`` may fail ``reader``."""
    walker = Walker(
        reader if isinstance(reader, dict) else {},
        writer if isinstance(writer, dict) else {},
        reader_is_new=reader_is_new,
    )
    walker.walk(reader, writer)
    return walker.problems


def _ref_of(schema: Any) -> str | None:
    return schema.get("$ref") if isinstance(schema, dict) else None


def _pointer(root: Schema, ref: str) -> Any:
    node: Any = root
    for part in ref.lstrip("#").split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node.get(part, {})
    return node


def _types(schema: Schema) -> set[str] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return set(declared)
    values = _allowed_values(schema)
    return None if values is None else {_json_type(v) for v in values.values()}


def _json_type(value: Any) -> str:
    names = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
        type(None): "null",
    }
    return names.get(type(value), "object")


def _allowed_values(schema: Schema) -> dict[str, Any] | None:
    if "const" in schema:
        return {canonical(schema["const"]): schema["const"]}
    if "enum" in schema:
        return {canonical(value): value for value in schema["enum"]}
    return None


def _required(schema: Schema) -> set[str]:
    return set(schema.get("required", []))


def _conditionals(schema: Schema) -> Iterator[tuple[str, Schema]]:
    members = [schema] + [m for m in schema.get("allOf", []) if isinstance(m, dict)]
    for member in members:
        if "if" in member:
            yield canonical(strip_annotations(member["if"])), member


def _plain_members(schema: Schema) -> list[Any]:
    return [m for m in schema.get("allOf", []) if not (isinstance(m, dict) and "if" in m)]


def _discriminator(condition: Any) -> tuple[str, Any] | None:
    """``{"properties": {"event_type": {"const": X}}}`` -> ("event_type", X)."""
    if not isinstance(condition, dict):
        return None
    for name, sub in condition.get("properties", {}).items():
        if isinstance(sub, dict) and "const" in sub:
            return name, sub["const"]
    return None


def _describe_condition(condition: Any) -> str:
    found = _discriminator(condition)
    return f"{found[0]}={found[1]}" if found else f"if {canonical(condition)}"


def _reachable(condition: Any, writer: Schema) -> bool:
    """False when the writer can never produce data matching the condition's discriminator."""
    found = _discriminator(condition)
    if found is None:
        return True
    name, value = found
    declared = writer.get("properties", {}).get(name)
    allowed = _allowed_values(declared) if isinstance(declared, dict) else None
    return allowed is None or canonical(value) in allowed


def _keyed_branches(branches: list[Any]) -> Iterator[tuple[str, Any]]:
    keys = [_discriminator(branch) for branch in branches]
    use_discriminator = all(keys) and len({canonical(k) for k in keys}) == len(keys)
    for index, (branch, key) in enumerate(zip(branches, keys, strict=True)):
        yield (f"{key[0]}={key[1]}" if use_discriminator and key else f"#{index}"), branch
