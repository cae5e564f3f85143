"""The embeddable widget on partner pages served from other origins, in headless Chromium.

One platform under gunicorn; roles at real postcodes; a partner whose key allows one
origin. The same widget tag on a page from that origin works, and from another is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.browser.harness import (
    FAR,
    NEAR,
    Platform,
    node,
    running_platform,
    seed_roles,
    static_site,
)

# A partner stylesheet that would wreck anything it reached.
HOSTILE_CSS = (
    "* { color: rgb(255, 0, 0) !important; font-size: 40px !important; }"
    " a { display: none !important; } li { display: none !important; }"
)


@dataclass
class World:
    platform: Platform
    key: str
    allowed: str  # the partner site whose origin the key allows
    refused: str  # another site using the same tag


def _page(folder: Path, base: str, key: str, **attrs: str) -> None:
    data = " ".join(f'data-{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Leeds Council: volunteering</title>
<style>{HOSTILE_CSS}</style></head>
<body><main><h1>Volunteer in Leeds</h1>
<div data-volunteering-widget>
  <a href="{base}/search?postcode=LS1+4DY">Find volunteering near you</a>
</div>
<script src="{base}/embed/v1/widget.js" data-key="{key}" {data}></script>
</main></body></html>
""",
        encoding="utf-8",
    )


def _key(platform: Platform, origin: str) -> str:
    partner = platform.call("POST", "/partner/v1/partners", "admin", json={
        "name": "Leeds City Council", "website": "https://leeds.example",
        "contact_email": "web@leeds.example"})  # fmt: skip
    made = platform.call("POST", f"/partner/v1/partners/{partner['id']}/keys", "admin",
                         json={"name": "website", "allowed_origins": [origin]})  # fmt: skip
    return str(made["key"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("widget")
    allowed_dir, refused_dir = folder / "allowed", folder / "refused"
    allowed_dir.mkdir()
    refused_dir.mkdir()
    with (
        running_platform(folder / "data") as platform,
        static_site(allowed_dir) as allowed,
        static_site(refused_dir) as refused,
    ):
        seed_roles(platform)
        key = _key(platform, allowed)
        for site in (allowed_dir, refused_dir):
            _page(site, platform.base, key, postcode="LS1 4DY", causes="OlderPeople",
                  radius_km="10")  # fmt: skip
        yield World(platform, key, allowed, refused)


def _titles(state: dict[str, Any]) -> set[str]:
    return {r["title"] for r in state["results"]}


def test_widget_searches_from_an_allowed_origin(world: World) -> None:
    seen = node("widget.mjs", {"url": world.allowed + "/"})
    first = seen["first"]
    assert seen["page_errors"] == []
    assert first["shadow"] is True and first["state"] == "results", first
    assert _titles(first) == set(NEAR)
    assert first["status"] == f"{len(NEAR)} opportunities found."
    for result in first["results"]:
        assert result["href"].startswith(world.platform.base + "/opportunities/")
    # The key went in a header, never in a URL a log or a Referer could carry.
    urls = [call["url"] for call in seen["api"]]
    assert all("api_key" not in url and world.key not in url for url in urls)
    assert [call.get("status") for call in seen["api"]] == [200]


def test_partner_css_does_not_reach_the_widget(world: World) -> None:
    first = node("widget.mjs", {"url": world.allowed + "/"})["first"]
    style = first["link_style"]
    assert style["display"] != "none"
    assert style["color"] != "rgb(255, 0, 0)"
    assert style["font_size"] != "40px"


def test_widget_has_no_accessibility_violations(world: World) -> None:
    seen = node("widget.mjs", {"url": world.allowed + "/", "postcode": "ZZ"})
    assert seen["axe"] == [], seen["axe"]
    assert seen["axe_after"] == [], seen["axe_after"]  # in the error state too


def test_keyboard_search_for_another_postcode(world: World) -> None:
    seen = node("widget.mjs", {"url": world.allowed + "/", "postcode": "M1 1AE"})
    assert seen["focused_by_tab"] is True
    second = seen["second"]
    assert second["state"] == "results"
    assert _titles(second) == set(FAR)
    assert parse_qs(urlsplit(second["more"]).query)["postcode"] == ["M1 1AE"]


def test_bad_postcode_gets_the_apis_message(world: World) -> None:
    second = node("widget.mjs", {"url": world.allowed + "/", "postcode": "ZZ"})["second"]
    assert second["state"] == "error"
    problem = requests.get(world.platform.base + "/api/v1/search?postcode=ZZ", timeout=5).json()
    assert second["status"] == problem["errors"]["postcode"][0]
    assert second["results"] == []


def test_widget_is_refused_on_an_origin_the_key_does_not_allow(world: World) -> None:
    seen = node("widget.mjs", {"url": world.refused + "/"})
    first = seen["first"]
    assert first["state"] == "error"
    assert first["results"] == []
    assert "not available on this website" in first["status"]
    assert all("status" not in call or call["status"] != 200 for call in seen["api"]), seen["api"]
    # The server refuses it too, whatever the browser would do with the answer.
    direct = requests.get(
        world.platform.base + "/api/v1/search?postcode=LS1+4DY",
        headers={"X-Api-Key": world.key, "Origin": world.refused},
        timeout=5,
    )
    assert direct.status_code == 403
    assert "Access-Control-Allow-Origin" not in direct.headers


def test_without_javascript_the_plain_link_remains(world: World) -> None:
    first = node("widget.mjs", {"url": world.allowed + "/", "javascript": False})["first"]
    assert first["shadow"] is False
    assert first["fallback"] == {
        "text": "Find volunteering near you",
        "href": world.platform.base + "/search?postcode=LS1+4DY",
    }


def test_no_key_in_any_log(world: World) -> None:
    node("widget.mjs", {"url": world.allowed + "/"})
    logs = world.platform.log()
    assert "/api/v1/search" in logs or "request" in logs  # the log is the one written
    secret_part = world.key.split("_")[-1]
    assert secret_part not in logs
