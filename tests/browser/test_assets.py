"""The committed styles and script are what the pinned GOV.UK Frontend and Sass build from
gateway/web/assets (so `make run` needs no Node, and nobody edits the output by hand)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.browser.harness import ROOT

STATIC = ROOT / "gateway" / "web" / "static"


def test_app_css_is_built_from_its_source(tmp_path: Path) -> None:
    built = tmp_path / "app.css"
    subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "sass"), "--no-source-map", "--style=compressed",
         "--load-path=node_modules", "gateway/web/assets/app.scss", str(built)],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert built.read_bytes() == (STATIC / "app.css").read_bytes(), "run `make assets`"


def test_govuk_frontend_script_is_the_pinned_one() -> None:
    pinned = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "govuk-frontend.min.js"
    assert pinned.read_bytes() == (STATIC / "govuk-frontend.min.js").read_bytes()


def test_the_styles_carry_no_government_typeface() -> None:
    css = (STATIC / "app.css").read_text()
    assert "GDS Transport" not in css and "@font-face" not in css
