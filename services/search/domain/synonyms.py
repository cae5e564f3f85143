"""Search synonym rules from the coded vocabularies, in Solr format ("a, b, c").

Both index adapters take these rules: Elasticsearch's ``synonym_graph`` filter parses them
itself, the embedded index reads them into a table. One rule per concept that has synonyms:
its label and synonyms, lower-cased, each once, all equivalent to one another.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.common.vocab.vocabularies import Vocabularies

# Characters with a meaning in Solr rules: "," separates, "=>" maps, "\" escapes, and "#"
# at the start of a line makes it a comment.
_SPECIAL = ("\\", ",", "=", "#")


def synonym_rules(vocabularies: Vocabularies) -> list[str]:
    """One equivalence rule per concept with synonyms, across every vocabulary, in order."""
    rules = []
    for name in vocabularies.names():
        for label, synonyms in vocabularies[name].synonym_pairs():
            phrases = _distinct(phrase.strip().lower() for phrase in (label, *synonyms))
            if len(phrases) > 1:
                rules.append(", ".join(_escape(phrase) for phrase in phrases))
    return rules


def _distinct(phrases: Iterable[str]) -> list[str]:
    return [p for p in dict.fromkeys(phrases) if p]


def _escape(phrase: str) -> str:
    for char in _SPECIAL:
        phrase = phrase.replace(char, "\\" + char)
    return phrase
