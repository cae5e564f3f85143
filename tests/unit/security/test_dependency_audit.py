"""The rules of ``make audit`` (deploy/dependency_audit.py) on pip-audit's JSON: a finding
fails unless explained, an alias explains it, and an explanation nothing needs any more is
itself a failure. The live audit is ``make audit``: it needs PyPI's JSON API, which the
build machine cannot reach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deploy.dependency_audit import IGNORE_FILE, accepted, judge


def _report(name: str, version: str, *vulns: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": [{"name": name, "version": version, "vulns": list(vulns)}]}


def test_judge_names_unexplained_findings_and_stale_entries() -> None:
    flask = {"id": "GHSA-aaaa", "aliases": ["CVE-2099-1"], "fix_versions": ["9.9"],
             "description": "Bad thing.\nMore."}  # fmt: skip
    report = _report("flask", "3.0.0", flask)
    assert judge(report, {}) == (["flask 3.0.0: GHSA-aaaa (fixed in 9.9) ['Bad thing.']"], [])
    assert judge(report, {"CVE-2099-1": "explained"}) == ([], [])  # an alias matches
    assert judge(_report("flask", "3.1.0"), {"GHSA-aaaa": "explained"}) == ([], ["GHSA-aaaa"])


def test_the_ignore_file_parses_and_each_entry_needs_a_reason(tmp_path: Path) -> None:
    assert isinstance(accepted(IGNORE_FILE), dict)
    lazy = tmp_path / "ignore.toml"
    lazy.write_text('[[ignore]]\nid = "GHSA-x"\npackage = "flask"\nreason = "ok"\n')
    with pytest.raises(ValueError, match="explain why GHSA-x"):
        accepted(lazy)
