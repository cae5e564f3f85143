"""Browser tests: Chromium from Debian driven by playwright-core (npm). Missing tools fail
the run with the command that installs them; they are never skipped."""

from __future__ import annotations

import pytest

from tests.browser.harness import require_browser_tools


@pytest.fixture(scope="session", autouse=True)
def _browser_tools() -> None:
    require_browser_tools()
