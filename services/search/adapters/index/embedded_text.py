"""Text matching for the embedded index: FTS5 MATCH expressions with synonyms and typos.

FTS5's porter tokenizer stems both the indexed text and the query, like the English
analyzer on Elasticsearch. What FTS5 lacks, we add at query time: vocabulary synonyms
(extra phrases OR'ed with the term) and typo tolerance (words of titles and summaries within
Elasticsearch's AUTO edit distance, matched in those two columns only).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from services.search.domain.query import fuzzy_edits, query_terms

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MAX_FUZZY = 50  # Elasticsearch's fuzzy max_expansions default
_WORDS_TTL_S = 5.0  # other processes (a reindex) may add words; look again after this
_NEAR_KEPT = 10_000  # terms whose near misses are remembered, per word list


@dataclass(frozen=True)
class SynonymTable:
    """Solr-format rules ("elderly, older people, seniors") as phrase -> alternatives."""

    alternatives_of: dict[str, frozenset[str]]

    @classmethod
    def from_rules(cls, rules: Iterable[str]) -> SynonymTable:
        table: dict[str, set[str]] = {}
        for rule in rules:
            lhs, arrow, rhs = rule.partition("=>")
            sources = _phrases(lhs)
            targets = _phrases(rhs) if arrow else sources
            for phrase in sources:
                table.setdefault(phrase, set()).update(t for t in targets if t != phrase)
        return cls({k: frozenset(v) for k, v in table.items() if v})

    def alternatives(self, term: str) -> frozenset[str]:
        return self.alternatives_of.get(term, frozenset())


def _phrases(text: str) -> list[str]:
    found = []
    for part in text.split(","):
        phrase = " ".join(_WORD.findall(part.lower()))
        if phrase:
            found.append(phrase)
    return found


class WordList:
    """The distinct words of indexed titles and summaries (for typo tolerance), cached."""

    def __init__(self) -> None:
        self._words = TitleWords([])
        self._loaded_at = -1.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        self._loaded_at = -1.0

    def get(self, conn: sqlite3.Connection) -> TitleWords:
        with self._lock:
            if self._loaded_at < 0 or time.monotonic() - self._loaded_at > _WORDS_TTL_S:
                words = [r[0] for r in conn.execute("SELECT word FROM title_words")]
                if words != self._words.words:
                    self._words = TitleWords(words)
                self._loaded_at = time.monotonic()
            return self._words


class TitleWords:
    """One reading of the word list, remembering each term's near misses: finding them is a
    fuzzy scan of every word (3 ms at a million roles), and people type the same words."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self._near: dict[str, list[str]] = {}

    def near_misses(self, term: str) -> list[str]:
        found = self._near.get(term)
        if found is None:
            found = _near_misses(term, self.words)
            if len(self._near) >= _NEAR_KEPT:
                self._near.clear()  # a bound, not an LRU: typed terms repeat within minutes
            self._near[term] = found
        return found


def words_of(*texts: str) -> set[str]:
    return {w for t in texts for w in _WORD.findall(t.lower())}


def match_expression(terms: Sequence[str], synonyms: SynonymTable, words: TitleWords) -> str:
    """Every term must match: itself (stemmed), a synonym, or a near-miss in title/summary."""
    groups = []
    for term in terms:
        options = [_quote(term)] + [_quote(p) for p in sorted(synonyms.alternatives(term))]
        near = words.near_misses(term)
        if near:
            options.append("{title summary} : (" + " OR ".join(map(_quote, near)) + ")")
        groups.append("(" + " OR ".join(options) + ")")
    return " AND ".join(groups)


def _near_misses(term: str, words: list[str]) -> list[str]:
    edits = fuzzy_edits(term)
    if edits == 0 or not words:
        return []
    found = process.extract(
        term, words, scorer=OSA.distance, score_cutoff=edits, limit=_MAX_FUZZY + 1
    )
    return sorted(w for w, _distance, _i in found if w != term)[:_MAX_FUZZY]


def prefix_expression(prefix: str) -> str | None:
    """Titles containing the typed words, the last one possibly unfinished."""
    terms = [w for w in _WORD.findall(prefix.lower())]
    if not terms:
        return None
    *whole, last = terms[:6]
    parts = [_quote(w) for w in whole] + [_quote(last) + "*"]
    return "title : (" + " AND ".join(parts) + ")"


def _quote(text: str) -> str:
    # FTS5 strings: double quotes escape by doubling; inside them operators are plain words.
    return '"' + text.replace('"', '""') + '"'


__all__ = [
    "SynonymTable",
    "TitleWords",
    "WordList",
    "match_expression",
    "prefix_expression",
    "query_terms",
]
