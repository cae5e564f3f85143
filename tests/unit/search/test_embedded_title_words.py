"""The embedded index's word list for typo tolerance: near misses remembered per reading."""

from __future__ import annotations

import sqlite3

from services.search.adapters.index.embedded_text import TitleWords, WordList


def _db(*words: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE title_words (word TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.executemany("INSERT INTO title_words VALUES (?)", [(w,) for w in words])
    return conn


def test_near_misses_are_the_words_within_the_typo_allowance() -> None:
    words = TitleWords(["gardener", "gardening", "garden", "warden", "driver"])

    assert words.near_misses("gardn") == ["garden"]
    # Six letters allow two edits; the term itself is not a near miss.
    assert words.near_misses("garden") == ["gardener", "warden"]
    assert words.near_misses("gardn") == ["garden"]  # remembered: the same answer


def test_a_new_reading_of_the_words_forgets_what_was_remembered() -> None:
    conn = _db("driver")
    listed = WordList()
    assert listed.get(conn).near_misses("gardn") == []

    conn.execute("INSERT INTO title_words VALUES ('garden')")
    listed.invalidate()

    assert listed.get(conn).near_misses("gardn") == ["garden"]


def test_an_unchanged_reading_keeps_what_was_remembered() -> None:
    conn = _db("garden")
    listed = WordList()
    first = listed.get(conn)
    listed.invalidate()

    assert listed.get(conn) is first
