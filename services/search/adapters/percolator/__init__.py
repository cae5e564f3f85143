"""Percolators: saved searches matched against one newly published role at a time.

``sql.SqlPercolator`` stores the saved searches and picks candidates; the pure predicate in
``services.search.domain.percolate`` decides. This module is the ``text_match`` it needs:
the embedded index's text rules applied to a single role, without SQLite.

The embedded index analyses text with FTS5's ``porter unicode61 remove_diacritics 2``
tokenizer, so we reproduce that here: Unicode letter/digit runs, lower-cased, Latin
diacritics removed, then Porter's stemmer as FTS5 (and Lucene's ``porter_stem``) implement
it. Snowball's ``porter`` is the algorithm as published; the reference C implementation
that both engines follow departs from it in three places, patched in ``_departures``.

One difference is inherent to percolation: a search tolerates a typo when some word of any
indexed title or summary is within reach and shares a stem with this role's text; here only
this role's own words count (as in Elasticsearch's percolator, which indexes one document).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import snowballstemmer
from rapidfuzz.distance import OSA

from services.search.adapters.index.embedded_text import SynonymTable
from services.search.domain.documents import RoleDocument
from services.search.domain.query import fuzzy_edits

_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # unicode61's tokens: runs of letters and digits
# FTS5's porter passes tokens shorter than 3 or longer than 64 bytes through unstemmed.
_STEMMED_BYTES = range(3, 65)
# Doubled consonants porter.sbl keeps after removing -ed/-ing and the reference C removes.
_LOOSE_DOUBLES = tuple(c * 2 for c in "chjkqvwx")
_LATIN = ((0x41, 0x24F), (0x1E00, 0x1EFF))  # remove_diacritics folds Latin letters only
_local = threading.local()


@dataclass
class _Analysed:
    """One role's text as the embedded index sees it."""

    doc: RoleDocument
    stems: frozenset[str]  # of every column: what a one-word term needs
    columns: tuple[tuple[str, ...], ...]  # stems in order, per column: for phrases
    typo_words: tuple[str, ...]  # title and summary words, unstemmed (the index's word list)
    # Term -> does it match: saved searches share words, so each is worked out once a role.
    decided: dict[str, bool] = field(default_factory=dict)


class TextMatcher:
    """``text_match`` for ``services.search.domain.percolate.matches``.

    Every term must match: its stem anywhere, one of its synonyms as a phrase anywhere, or a
    title/summary word within its typo allowance. Thread-safe. It keeps the analysis of the
    last role it saw, and what each term gave on it: a percolator asks about one role for
    thousands of saved searches in a row, which share most of their words.
    """

    def __init__(self, synonyms: SynonymTable) -> None:
        self.synonyms = synonyms
        self._last: _Analysed | None = None

    @classmethod
    def from_rules(cls, rules: Iterable[str]) -> TextMatcher:
        return cls(SynonymTable.from_rules(rules))

    def __call__(self, terms: list[str], doc: RoleDocument) -> bool:
        analysed = self._last  # one read: another thread may replace it meanwhile
        if analysed is None or analysed.doc is not doc:
            analysed = self._last = _analyse(doc)
        decided = analysed.decided
        for term in terms:
            found = decided.get(term)
            if found is None:
                found = decided[term] = self._term_matches(term, analysed)
            if not found:
                return False
        return True

    def _term_matches(self, term: str, text: _Analysed) -> bool:
        if _contains(text, phrase_stems(term)):
            return True
        # Synonyms are looked up by the word as typed, like the embedded index does.
        if any(_contains(text, phrase_stems(p)) for p in self.synonyms.alternatives(term)):
            return True
        edits = fuzzy_edits(term)
        return edits > 0 and any(
            OSA.distance(term, word, score_cutoff=edits) <= edits for word in text.typo_words
        )


def _analyse(doc: RoleDocument) -> _Analysed:
    fields = (doc.title, doc.summary, doc.description, doc.organisation_name)
    columns = tuple(phrase_stems(text) for text in fields)
    words = dict.fromkeys(w for text in fields[:2] for w in _WORD.findall(text.lower()))
    return _Analysed(doc, frozenset(s for c in columns for s in c), columns, tuple(words))


def _contains(text: _Analysed, phrase: tuple[str, ...]) -> bool:
    """FTS5 phrase semantics: the stems next to each other, within one column."""
    if len(phrase) <= 1:
        return bool(phrase) and phrase[0] in text.stems
    if not text.stems.issuperset(phrase):
        return False
    n = len(phrase)
    return any(
        column[i : i + n] == phrase for column in text.columns for i in range(len(column) - n + 1)
    )


@functools.lru_cache(maxsize=4096)
def phrase_stems(text: str) -> tuple[str, ...]:
    """The stemmed tokens of a text, in order, as the FTS5 porter tokenizer makes them."""
    return tuple(stem(fold(word)) for word in _WORD.findall(text.lower()))


def fold(word: str) -> str:
    """unicode61's case and diacritic folding of one lower-cased token."""
    if word.isascii():
        return word
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.combining(char) and kept and _is_latin(kept[-1]):
            continue
        kept.append(char)
    # NFC puts back what was not Latin (Hangul syllables, kana with voicing marks).
    return unicodedata.normalize("NFC", "".join(kept)).replace("\u03c2", "\u03c3")  # final sigma


def _is_latin(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _LATIN)


@functools.lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Porter's stem of a folded token, as FTS5's porter tokenizer computes it."""
    if len(token.encode()) not in _STEMMED_BYTES:
        return token
    return _departures(token, _snowball(token))


def _snowball(word: str) -> str:
    # Snowball stemmers keep state between calls: one per thread.
    stemmer = getattr(_local, "porter", None)
    if stemmer is None:
        stemmer = _local.porter = snowballstemmer.stemmer("porter")
    return str(stemmer.stemWord(word))


def _departures(token: str, stemmed: str) -> str:
    """The reference C Porter where it differs from porter.sbl, on porter.sbl's output.

    1. Step 1b drops any doubled consonant but l, s, z left by -ed/-ing ("trekked" ->
       "trek"), not just bb dd ff gg mm nn pp rr tt; 2. step 2 maps -bli to -ble (not just
       -abli to -able): "possibly" -> "possibl"; 3. step 2 maps -logi to -log: "technology"
       -> "technolog". In each case porter.sbl's later steps left the word alone, so
       finishing is running it again on the corrected word (which steps 1 and 2 pass over).
    """
    suffix = token[len(stemmed) :] if token.startswith(stemmed) else ""
    if stemmed.endswith(_LOOSE_DOUBLES) and suffix in ("ed", "ing", "eds", "ings"):
        return _snowball(stemmed[:-1])
    if stemmed.endswith("bli") and _measure(stemmed[:-3]) > 0:
        return _snowball(stemmed[:-1] + "e")
    if stemmed.endswith("logi") and _measure(stemmed[:-4]) > 0:
        return stemmed[:-1]
    return stemmed


def _measure(word: str) -> int:
    """Porter's m: vowel-to-consonant changes ("y" after a consonant is a vowel)."""
    kinds = ""
    for i, char in enumerate(word):
        vowel = char in "aeiou" or (char == "y" and i > 0 and kinds[-1] == "c")
        kinds += "v" if vowel else "c"
    return kinds.count("vc")


__all__ = ["TextMatcher", "fold", "phrase_stems", "stem"]
