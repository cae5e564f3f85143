"""Authorisation matrix rows for the org web pages (see authorisation_web.py)."""

from __future__ import annotations

from tests.unit.authorisation_rows import Row

ROWS: tuple[Row, ...] = ()
FORM_POSTS: dict[tuple[str, str, str], str] = {}
