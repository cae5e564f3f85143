"""Schema compatibility: the per-version checker and the registry-wide CI gate.

Modes follow the schema-registry convention:

* BACKWARD - a reader using the new schema must read data written with the old one
  (consumers upgrade first);
* FORWARD  - a reader still on the old schema must read data written with the new one
  (producers upgrade first);
* FULL     - both; NONE - anything goes.

Usage::

    python -m schemas.compat --against HEAD~1   # exit 1 and list breaking changes, if any
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from schemas.registry import (
    COMPATIBILITY_MODES,
    Registry,
    SchemaError,
    Topic,
    describe,
    error_path,
    format_checker,
)
from schemas.schema_diff import narrowings, strip_annotations

# Which directions each mode checks; a change of mode must not drop any of them.
DIRECTIONS = {
    "BACKWARD": frozenset({"BACKWARD"}),
    "FORWARD": frozenset({"FORWARD"}),
    "FULL": frozenset({"BACKWARD", "FORWARD"}),
    "NONE": frozenset(),
}
REGISTRY_DIRS = ("topics", "jsonschema", "examples")
Example = tuple[str, dict[str, Any]]


def check(old: dict[str, Any], new: dict[str, Any], mode: str) -> list[str]:
    """Human-readable breaking changes from schema ``old`` to ``new`` under ``mode``."""
    if mode not in DIRECTIONS:
        raise ValueError(f"unknown compatibility mode {mode!r}; use one of {COMPATIBILITY_MODES}")
    problems: list[str] = []
    if "BACKWARD" in DIRECTIONS[mode]:
        problems += narrowings(new, old, reader_is_new=True)
    if "FORWARD" in DIRECTIONS[mode]:
        problems += [p for p in narrowings(old, new, reader_is_new=False) if p not in problems]
    return problems


def check_examples(
    old: dict[str, Any],
    new: dict[str, Any],
    mode: str,
    old_examples: Iterable[Example],
    new_examples: Iterable[Example] = (),
) -> list[str]:
    """The data-driven half: real messages of one version must pass the other's schema."""
    problems: list[str] = []
    if "BACKWARD" in DIRECTIONS[mode]:
        problems += _rejected(new, old_examples, "the new schema rejects old example")
    if "FORWARD" in DIRECTIONS[mode]:
        problems += _rejected(old, new_examples, "the old schema rejects new example")
    return problems


def _rejected(schema: dict[str, Any], examples: Iterable[Example], what: str) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=format_checker())
    problems = []
    for name, envelope in examples:
        error = best_match(validator.iter_errors(envelope))
        if error is not None:
            problems.append(f"{what} {name} at {error_path(error) or '/'}: {describe(error)}")
    return problems


def compare_registries(old_files: Mapping[str, bytes], new_root: Path) -> list[str]:
    """Breaking changes from the registry in ``old_files`` to the one at ``new_root``.

    ``old_files`` maps paths relative to the registry root ("topics/x.yaml") to contents, as
    :func:`registry_files_at` returns them.
    """
    try:
        new = _load_fully(new_root)
    except (SchemaError, ValueError) as error:
        return [f"the registry at {new_root} does not load: {error}"]
    with tempfile.TemporaryDirectory(prefix="schemas-old-") as tmp:
        _write_files(old_files, Path(tmp))
        try:
            old: Registry | None = _load_fully(Path(tmp))
        except (SchemaError, ValueError):
            # A baseline that never loaded cannot have been published; judge `new` on its own.
            old = None
        problems = [] if old is None else _published_changes(old, new)
        return problems + _new_version_changes(old, new)


def _load_fully(root: Path) -> Registry:
    """A registry with every schema and example read, so broken files fail here, early."""
    registry = Registry(root)
    for topic in registry.topics:
        for version in registry.versions(topic):
            registry.schema(topic, version)
        registry.examples(topic)
    return registry


def _published_changes(old: Registry, new: Registry) -> list[str]:
    problems = []
    for name, before in old.topics.items():
        if name not in new.topics:
            problems.append(f"topic {name!r} removed")
            continue
        problems += _topic_changes(before, new.topic(name))
        problems += _version_changes(old, new, name)
    return problems


def _topic_changes(before: Topic, after: Topic) -> list[str]:
    problems = []
    name = before.name
    if after.current_version < before.current_version:
        problems.append(
            f"topic {name!r}: current_version decreased from "
            f"{before.current_version} to {after.current_version}"
        )
    if not DIRECTIONS[before.compatibility] <= DIRECTIONS[after.compatibility]:
        problems.append(
            f"topic {name!r}: compatibility loosened from "
            f"{before.compatibility} to {after.compatibility}"
        )
    if after.partitions < before.partitions:
        # Kafka cannot shrink a topic, and the key-to-partition mapping would change.
        problems.append(
            f"topic {name!r}: partitions decreased from {before.partitions} to {after.partitions}"
        )
    return problems


def _version_changes(old: Registry, new: Registry, name: str) -> list[str]:
    problems = []
    published = old.topic(name).current_version
    for version in old.versions(name):
        label = f"topic {name!r} v{version}"
        if version not in new.versions(name):
            problems.append(f"{label}: schema removed")
            continue
        before, after = old.schema(name, version), new.schema(name, version)
        if version > published or strip_annotations(before) == strip_annotations(after):
            continue  # drafts above current_version may still change; descriptions may always
        problems.append(f"{label}: published schema changed (only descriptions may change)")
        problems += [f"{label}: {p}" for p in check(before, after, "FULL")]
        examples = _named_examples(old, name, version)
        problems += [f"{label}: {p}" for p in check_examples(before, after, "FULL", examples)]
    return problems


def _new_version_changes(old: Registry | None, new: Registry) -> list[str]:
    """Each version not yet published must be compatible with the one before it."""
    problems = []
    for name, topic in new.topics.items():
        versions = new.versions(name)
        if topic.current_version not in versions:
            problems.append(
                f"topic {name!r}: no schema for current_version {topic.current_version}"
            )
        published = _published_version(old, name)
        for version in versions:
            if version > published and version - 1 in versions:
                problems += _step_changes(new, topic, version)
    return problems


def _published_version(old: Registry | None, name: str) -> int:
    if old is None or name not in old.topics:
        return 0
    return old.topic(name).current_version


def _step_changes(registry: Registry, topic: Topic, version: int) -> list[str]:
    name, mode = topic.name, topic.compatibility
    before = _unpinned(registry.schema(name, version - 1))
    after = _unpinned(registry.schema(name, version))
    label = f"topic {name!r} v{version - 1} -> v{version} ({mode})"
    problems = check(before, after, mode)
    problems += check_examples(
        before,
        after,
        mode,
        _named_examples(registry, name, version - 1),
        _named_examples(registry, name, version),
    )
    return [f"{label}: {p}" for p in problems]


def _unpinned(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without its ``event_version`` const: each version pins its own number, and
    that difference is the point of a new version, not a break (readers dispatch on it)."""
    properties = schema.get("properties", {})
    if isinstance(properties.get("event_version"), dict):
        properties["event_version"] = {"type": "integer", "minimum": 1}
    return schema


def _named_examples(registry: Registry, name: str, version: int) -> list[Example]:
    return [(path.name, envelope) for path, envelope in registry.examples(name, version)]


def _write_files(files: Mapping[str, bytes], root: Path) -> None:
    for relative, content in files.items():
        target = root / relative
        if root.resolve() not in target.resolve().parents:
            raise ValueError(f"registry file {relative!r} lies outside the registry")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def registry_files_in(root: Path) -> dict[str, bytes]:
    """The registry files on disk, keyed like :func:`registry_files_at`."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for folder in REGISTRY_DIRS
        for path in sorted((root / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def registry_files_at(
    rev: str, repo_root: Path, prefix: str = "schemas"
) -> dict[str, bytes] | None:
    """The registry files committed at ``rev``, or None when the rev or the path is missing."""
    commit = resolve_commit(rev, repo_root)
    if commit is None:
        return None
    listing = _git(
        repo_root, "ls-tree", "-r", "-z", "--full-tree", "--name-only", commit, "--", f"{prefix}/"
    )
    names = [n.decode() for n in (listing or b"").split(b"\0") if n]
    if not names:
        return None
    files = {}
    for name in names:
        relative = name[len(prefix) + 1 :]
        if relative.split("/", 1)[0] in REGISTRY_DIRS:
            files[relative] = _git(repo_root, "show", f"{commit}:{name}") or b""
    return files


def resolve_commit(rev: str, repo_root: Path) -> str | None:
    """The commit id ``rev`` names, or None; ``--end-of-options`` keeps "-x" from being a flag."""
    out = _git(
        repo_root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
    )
    return out.decode().strip() if out else None


def _git(repo_root: Path, *args: str) -> bytes | None:
    result = subprocess.run(
        ["git", *args], cwd=repo_root, capture_output=True, check=False, timeout=60
    )
    return result.stdout if result.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    """CLI entrypoint: compare the working tree's registry with the one at a revision."""
    parser = argparse.ArgumentParser(
        prog="python -m schemas.compat",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--against",
        required=True,
        metavar="REV",
        help="git revision holding the published registry (e.g. HEAD~1)",
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=None,
        help="repository root (default: the one containing the cwd)",
    )
    args = parser.parse_args(argv)
    repo = args.repo or _toplevel(Path.cwd())
    if repo is None or resolve_commit(args.against, repo) is None:
        print(f"error: {args.against!r} is not a commit in {repo or Path.cwd()}", file=sys.stderr)
        return 2
    old_files = registry_files_at(args.against, repo) or {}
    problems = compare_registries(old_files, repo / "schemas")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} breaking change(s) against {args.against}", file=sys.stderr)
    return 1 if problems else 0


def _toplevel(start: Path) -> Path | None:
    out = _git(start, "rev-parse", "--show-toplevel")
    return Path(out.decode().strip()) if out else None


if __name__ == "__main__":
    sys.exit(main())
