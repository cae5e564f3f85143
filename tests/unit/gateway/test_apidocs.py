"""The rendered API reference lists every operation of the merged OpenAPI document."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from flask import Flask

METHODS = ("get", "post", "put", "patch", "delete")


class _Codes(HTMLParser):
    """The text of every <code> element."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_code = tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.codes.append(data)


def test_every_operation_is_on_the_page(platform_app: Flask) -> None:
    client = platform_app.test_client()
    document = client.get("/openapi.json").get_json()
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "<script" not in page.get_data(as_text=True).lower()
    parser = _Codes()
    parser.feed(page.get_data(as_text=True))
    shown = {html.unescape(code) for code in parser.codes}
    expected = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    }
    assert len(expected) > 50
    assert expected <= shown, sorted(expected - shown)[:5]
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
