"""pip-audit over the installed environment: every known vulnerability is fixed or explained
in deploy/pip-audit-ignore.toml (``make audit``).

pip-audit asks PyPI's JSON API (or OSV) about each installed distribution; this project
itself, installed editable, is skipped. Where neither can be reached the audit fails,
saying so: an audit that learnt nothing must not read as clean. This is why it is not in
``make test``: the build machine reaches PyPI's package index but not its JSON API.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

IGNORE_FILE = Path(__file__).resolve().parent / "pip-audit-ignore.toml"
AUDIT = [sys.executable, "-m", "pip_audit", "--local", "--skip-editable",
         "--progress-spinner", "off", "--format", "json", "--timeout", "10"]  # fmt: skip


def accepted(path: Path = IGNORE_FILE) -> dict[str, str]:
    """Advisory id -> why it is accepted, from the ignore file."""
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["ignore"]
    for entry in entries:
        if not (entry.get("id") and entry.get("package")):
            raise ValueError(f"an ignore entry needs id and package: {entry}")
        if len(entry.get("reason", "").strip()) <= 10:
            raise ValueError(f"explain why {entry['id']} is accepted")
    return {entry["id"]: entry["reason"] for entry in entries}


def judge(report: dict[str, Any], ignored: dict[str, str]) -> tuple[list[str], list[str]]:
    """(findings not explained, ignore entries no longer reported) in pip-audit's JSON."""
    unexplained, seen = [], set()
    for dep in report["dependencies"]:
        for vuln in dep.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            seen |= ids & set(ignored)
            if not ids & set(ignored):
                fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
                summary = (vuln.get("description") or "").strip().splitlines()[:1]
                unexplained.append(
                    f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes}) {summary}"
                )
    return unexplained, sorted(set(ignored) - seen)


def main() -> int:
    ignored = accepted()
    done = subprocess.run(AUDIT, capture_output=True, text=True, timeout=300, check=False)
    if not done.stdout.strip():  # exit 1 alone just means findings
        print(done.stderr[-2000:], file=sys.stderr)
        return 2
    report = json.loads(done.stdout)
    skipped = {d["name"]: d["skip_reason"] for d in report["dependencies"] if "skip_reason" in d}
    if skipped:
        print(f"not audited (so not known to be clean): {len(skipped)} packages, e.g. "
              f"{next(iter(skipped.items()))}", file=sys.stderr)  # fmt: skip
        return 2
    unexplained, stale = judge(report, ignored)
    for line in unexplained:
        print(f"fix (bump the pin) or explain in {IGNORE_FILE.name}: {line}", file=sys.stderr)
    for advisory in stale:
        print(f"no longer reported, remove from {IGNORE_FILE.name}: {advisory}", file=sys.stderr)
    audited = len(report["dependencies"])
    print(f"{audited} packages audited: {len(unexplained)} unexplained, {len(ignored)} accepted")
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
