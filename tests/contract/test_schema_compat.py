"""The compatibility checker, and the CI gate that runs it on every change to ``schemas/``."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from schemas.compat import (
    check,
    check_examples,
    compare_registries,
    main,
    registry_files_at,
    registry_files_in,
    resolve_commit,
)
from schemas.registry import DEFAULT_ROOT, load_registry

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKING_TREE = REPO_ROOT / "schemas"
Schema = dict[str, Any]
Change = Callable[[Schema], Any]

BASE: Schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["event_type", "event_version", "data"],
    "properties": {
        "event_type": {"type": "string", "enum": ["Registered", "Renamed"]},
        "event_version": {"type": "integer", "const": 1},
        "data": {"type": "object"},
    },
    "allOf": [
        {
            "if": {"properties": {"event_type": {"const": "Registered"}}},
            "then": {"properties": {"data": {"$ref": "#/$defs/Registered"}}},
        },
        {
            "if": {"properties": {"event_type": {"const": "Renamed"}}},
            "then": {"properties": {"data": {"$ref": "#/$defs/Renamed"}}},
        },
    ],
    "$defs": {
        "Registered": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "kind"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "kind": {"type": "string", "enum": ["charity", "public_body"]},
                "postcode": {"type": ["string", "null"]},
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 20}},
                "size": {"type": "integer", "minimum": 0, "maximum": 1000},
                "meta": {"type": "object"},
            },
        },
        "Renamed": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}},
        },
    },
}


def registered(schema: Schema) -> Schema:
    registered_data: Schema = schema["$defs"]["Registered"]
    return registered_data


def prop(name: str) -> Callable[[Schema], Schema]:
    return lambda schema: registered(schema)["properties"][name]


def changed(change: Change) -> Schema:
    new = copy.deepcopy(BASE)
    change(new)
    return new


BREAKING_BACKWARD: dict[str, tuple[Change, str]] = {
    "newly required property": (
        lambda s: registered(s)["required"].append("postcode"),
        "'postcode' newly required",
    ),
    "property removed while closed": (
        lambda s: registered(s)["properties"].pop("size"),
        "'size' removed while",
    ),
    "type narrowed": (lambda s: prop("postcode")(s).update(type="string"), "type narrowed"),
    "type changed": (lambda s: prop("size")(s).update(type="string"), "type narrowed"),
    "enum value removed": (
        lambda s: prop("kind")(s)["enum"].remove("charity"),
        "enum value 'charity' removed",
    ),
    "event type removed": (
        lambda s: s["properties"]["event_type"]["enum"].remove("Renamed"),
        "enum value 'Renamed' removed",
    ),
    "const changed": (
        lambda s: s["properties"]["event_version"].update(const=2),
        "const changed from 1 to 2",
    ),
    "additionalProperties turned false": (
        lambda s: s["$defs"]["Renamed"].update(additionalProperties=False),
        "additionalProperties turned from true/absent to false",
    ),
    "minLength tightened": (
        lambda s: prop("name")(s).update(minLength=3),
        "minLength tightened from 1 to 3",
    ),
    "maximum tightened": (
        lambda s: prop("size")(s).update(maximum=10),
        "maximum tightened from 1000 to 10",
    ),
    "maxLength inside items": (
        lambda s: prop("tags")(s)["items"].update(maxLength=5),
        "tags[]: maxLength tightened",
    ),
    "pattern added": (lambda s: prop("name")(s).update(pattern="^[A-Z]"), "pattern changed"),
    "nested object closed": (
        lambda s: prop("meta")(s).update(additionalProperties=False),
        "meta: additionalProperties turned",
    ),
    "renamed branch tightened": (
        lambda s: s["$defs"]["Renamed"]["properties"]["name"].update(maxLength=5),
        "[event_type=Renamed].data.name: maxLength",
    ),
    "unknown keyword changed": (
        lambda s: prop("name")(s).update({"not": {"const": "x"}}),
        "keyword 'not' changed",
    ),
}

COMPATIBLE_BACKWARD: dict[str, Change] = {
    "optional property added": lambda s: registered(s)["properties"].update(email={}),
    "enum widened": lambda s: prop("kind")(s)["enum"].append("community_group"),
    "type widened": lambda s: prop("size")(s).update(type=["integer", "null"]),
    "required dropped": lambda s: registered(s)["required"].remove("kind"),
    "maxLength loosened": lambda s: prop("name")(s).update(maxLength=400),
    "description added": lambda s: prop("name")(s).update(description="Display name"),
    "new event type with its branch": lambda s: (
        s["properties"]["event_type"]["enum"].append("Closed"),
        s["allOf"].append(
            {
                "if": {"properties": {"event_type": {"const": "Closed"}}},
                "then": {"properties": {"data": {"required": ["reason"]}}},
            }
        ),
    ),
}

BREAKING_FORWARD: dict[str, tuple[Change, str]] = {
    "enum value added": (
        lambda s: prop("kind")(s)["enum"].append("club"),
        "enum value 'club' added",
    ),
    "required removed": (
        lambda s: registered(s)["required"].remove("kind"),
        "'kind' no longer required",
    ),
    "type widened": (lambda s: prop("size")(s).update(type=["integer", "null"]), "type widened"),
    "property added to a closed object": (
        lambda s: registered(s)["properties"].update(email={}),
        "'email' added while",
    ),
    "maxLength loosened": (
        lambda s: prop("name")(s).update(maxLength=400),
        "maxLength loosened from 200 to 400",
    ),
}


@pytest.mark.parametrize(
    ("change", "expected"), BREAKING_BACKWARD.values(), ids=BREAKING_BACKWARD.keys()
)
def test_backward_catches(change: Change, expected: str) -> None:
    problems = check(BASE, changed(change), "BACKWARD")
    assert any(expected in problem for problem in problems), problems
    assert any(expected in problem for problem in check(BASE, changed(change), "FULL"))


@pytest.mark.parametrize("change", COMPATIBLE_BACKWARD.values(), ids=COMPATIBLE_BACKWARD.keys())
def test_backward_accepts(change: Change) -> None:
    assert check(BASE, changed(change), "BACKWARD") == []


@pytest.mark.parametrize(
    ("change", "expected"), BREAKING_FORWARD.values(), ids=BREAKING_FORWARD.keys()
)
def test_forward_catches_the_mirror(change: Change, expected: str) -> None:
    problems = check(BASE, changed(change), "FORWARD")
    assert any(expected in problem for problem in problems), problems
    assert check(BASE, changed(change), "BACKWARD") == []
    assert any(expected in problem for problem in check(BASE, changed(change), "FULL"))


def test_forward_accepts_narrowing_and_none_accepts_anything() -> None:
    narrowed = changed(lambda s: prop("kind")(s)["enum"].remove("charity"))
    assert check(BASE, narrowed, "FORWARD") == []
    assert check(BASE, {"type": "string"}, "NONE") == []
    assert check(BASE, BASE, "FULL") == []


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown compatibility mode"):
        check(BASE, BASE, "SIDEWAYS")


def test_old_examples_must_pass_the_new_schema() -> None:
    example = {
        "event_type": "Registered",
        "event_version": 1,
        "data": {"name": "A", "kind": "charity"},
    }
    narrowed = changed(lambda s: prop("kind")(s)["enum"].remove("charity"))
    problems = check_examples(BASE, narrowed, "BACKWARD", [("a.json", example)])
    assert len(problems) == 1 and "a.json" in problems[0]
    assert check_examples(BASE, BASE, "FULL", [("a.json", example)], [("a.json", example)]) == []


# --- registry level -------------------------------------------------------------------------


@pytest.fixture
def new_root(tmp_path: Path) -> Path:
    """A copy of the real registry, to edit into the "new" side of a comparison."""
    root = tmp_path / "schemas"
    for folder in ("topics", "jsonschema", "examples"):
        shutil.copytree(DEFAULT_ROOT / folder, root / folder)
    return root


OLD_FILES = registry_files_in(DEFAULT_ROOT)


def _edit_json(path: Path, change: Change) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))


CURRENT = load_registry(DEFAULT_ROOT).topic("organisations").current_version
NEXT = CURRENT + 1


def _add_next_version(root: Path, change: Change) -> None:
    """organisations v(N+1), a copy of the current vN with ``change`` applied."""
    schema = json.loads((root / "jsonschema" / f"organisations.v{CURRENT}.json").read_text())
    schema["properties"]["event_version"]["const"] = NEXT
    change(schema)
    (root / "jsonschema" / f"organisations.v{NEXT}.json").write_text(json.dumps(schema))
    topic = root / "topics" / "organisations.yaml"
    topic.write_text(
        topic.read_text().replace(f"current_version: {CURRENT}", f"current_version: {NEXT}")
    )


def test_an_unchanged_registry_has_no_breaking_changes(new_root: Path) -> None:
    assert compare_registries(OLD_FILES, new_root) == []
    assert compare_registries({}, new_root) == []


def test_a_removed_topic_is_breaking(new_root: Path) -> None:
    (new_root / "topics" / "dead-letters.yaml").unlink()
    assert "topic 'dead-letters' removed" in compare_registries(OLD_FILES, new_root)


def test_a_removed_version_and_lower_current_version_are_breaking(new_root: Path) -> None:
    old = dict(OLD_FILES)
    _add_next_version(new_root, lambda s: None)
    old_next = registry_files_in(new_root)
    (new_root / "jsonschema" / f"organisations.v{NEXT}.json").unlink()
    topic = new_root / "topics" / "organisations.yaml"
    topic.write_text(
        topic.read_text().replace(f"current_version: {NEXT}", f"current_version: {CURRENT}")
    )
    problems = compare_registries(old_next, new_root)
    assert f"topic 'organisations' v{NEXT}: schema removed" in problems
    assert any(f"current_version decreased from {NEXT} to {CURRENT}" in p for p in problems)
    assert compare_registries(old, new_root) == []


def test_a_published_schema_may_change_descriptions_only(new_root: Path) -> None:
    path = new_root / "jsonschema" / "organisations.v1.json"
    _edit_json(path, lambda s: s["$defs"]["name"].update(description="Shown to volunteers"))
    assert compare_registries(OLD_FILES, new_root) == []
    _edit_json(path, lambda s: s["$defs"]["name"].update(maxLength=100))
    problems = compare_registries(OLD_FILES, new_root)
    assert any("published schema changed" in p for p in problems)
    assert any("maxLength tightened from 200 to 100" in p for p in problems)


def test_a_new_version_is_checked_against_the_previous_one(new_root: Path) -> None:
    _add_next_version(new_root, lambda s: s["$defs"]["name"].update(maxLength=400))
    assert compare_registries(OLD_FILES, new_root) == []
    (new_root / "jsonschema" / f"organisations.v{NEXT}.json").unlink()
    _add_next_version(
        new_root, lambda s: s["properties"]["event_type"]["enum"].remove("OrganisationRenamed")
    )
    problems = compare_registries(OLD_FILES, new_root)
    transition = f"v{CURRENT} -> v{NEXT} (BACKWARD)"
    assert any(transition in p and "'OrganisationRenamed' removed" in p for p in problems), problems
    assert any("rejects old example organisation-renamed.json" in p for p in problems)


def test_loosening_compatibility_is_breaking(new_root: Path) -> None:
    topic = new_root / "topics" / "organisations.yaml"
    topic.write_text(topic.read_text().replace("compatibility: BACKWARD", "compatibility: NONE"))
    problems = compare_registries(OLD_FILES, new_root)
    assert problems == ["topic 'organisations': compatibility loosened from BACKWARD to NONE"]


def test_a_registry_that_does_not_load_is_reported(new_root: Path) -> None:
    (new_root / "jsonschema" / "organisations.v1.json").write_text("{not json")
    assert any("does not load" in p for p in compare_registries(OLD_FILES, new_root))


# --- reading the registry from git, and the CLI ---------------------------------------------


def _git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A throwaway git repo: commit 1 without schemas, commit 2 with the real registry."""
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "README").write_text("x")
    _git(tmp_path, "add", "README")
    _git(tmp_path, "commit", "-q", "-m", "no schemas yet")
    for folder in ("topics", "jsonschema", "examples"):
        shutil.copytree(DEFAULT_ROOT / folder, tmp_path / "schemas" / folder)
    _git(tmp_path, "add", "schemas")
    _git(tmp_path, "commit", "-q", "-m", "registry")
    return tmp_path


def test_registry_files_at_reads_a_commit(repo: Path) -> None:
    assert registry_files_at("HEAD", repo) == OLD_FILES
    assert registry_files_at("HEAD~1", repo) is None
    assert registry_files_at("no-such-rev", repo) is None
    assert registry_files_at("--output=/tmp/x", repo) is None
    assert resolve_commit("HEAD", repo) == _git(repo, "rev-parse", "HEAD").strip()


def test_cli_exit_codes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--against", "HEAD", "--repo", str(repo)]) == 0
    assert main(["--against", "HEAD~1", "--repo", str(repo)]) == 0
    assert main(["--against", "nope", "--repo", str(repo)]) == 2
    (repo / "schemas" / "topics" / "organisations.yaml").unlink()
    capsys.readouterr()
    assert main(["--against", "HEAD", "--repo", str(repo)]) == 1
    assert "topic 'organisations' removed" in capsys.readouterr().out


# --- the CI gate ----------------------------------------------------------------------------


def _gate_revisions() -> list[str]:
    """HEAD~1 when it exists; HEAD too when the working tree's schemas differ from it (or
    when HEAD is the first commit). Never nothing: the gate must not skip."""
    if resolve_commit("HEAD", REPO_ROOT) is None:
        pytest.fail("the CI gate needs a git checkout with at least one commit")
    revisions = []
    if resolve_commit("HEAD~1", REPO_ROOT) is not None:
        revisions.append("HEAD~1")
    if not revisions or registry_files_at("HEAD", REPO_ROOT) != registry_files_in(WORKING_TREE):
        revisions.append("HEAD")
    return revisions


def test_ci_gate_no_breaking_change_against_the_previous_commit() -> None:
    problems = []
    for rev in _gate_revisions():
        old_files = registry_files_at(rev, REPO_ROOT) or {}
        problems += [f"against {rev}: {p}" for p in compare_registries(old_files, WORKING_TREE)]
    assert problems == [], "breaking schema changes:\n" + "\n".join(problems)
