"""Synonym rules built from the vocabularies (services/search/domain/synonyms.py)."""

from __future__ import annotations

from services.common.vocab.vocabularies import (
    Concept,
    Vocabularies,
    Vocabulary,
    load_vocabularies,
)
from services.search.domain.synonyms import synonym_rules


def _vocabularies(*concepts: Concept) -> Vocabularies:
    vocabulary = Vocabulary(
        name="causes",
        item="cause",
        attribution="test",
        source={},
        top_concept=None,
        concepts=concepts,
    )
    return Vocabularies({"causes": vocabulary})


def _concept(code: str, label: str, *synonyms: str) -> Concept:
    return Concept(code=code, iri=f"urn:{code}", label=label, synonyms=synonyms)


def test_one_lower_cased_rule_per_concept_with_synonyms() -> None:
    vocabularies = _vocabularies(
        _concept("Elderly", "Elderly", "Older People", "Seniors"),
        _concept("Sport", "Sport"),
    )
    assert synonym_rules(vocabularies) == ["elderly, older people, seniors"]


def test_repeats_and_blanks_are_dropped() -> None:
    vocabularies = _vocabularies(_concept("Care", "Care", "care", " Carers ", ""))
    assert synonym_rules(vocabularies) == ["care, carers"]


def test_a_concept_whose_synonyms_only_repeat_the_label_gives_no_rule() -> None:
    assert synonym_rules(_vocabularies(_concept("Care", "Care", "CARE"))) == []


def test_solr_special_characters_are_escaped() -> None:
    vocabularies = _vocabularies(_concept("X", "Arts, Crafts", "a => b", "#1", "back\\slash"))
    assert synonym_rules(vocabularies) == ["arts\\, crafts, a \\=> b, \\#1, back\\\\slash"]


def test_the_real_vocabularies_give_rules() -> None:
    rules = synonym_rules(load_vocabularies())
    assert "animal welfare, creatures, mammals, pets, wildlife" in rules
    assert all(rule == rule.lower() and ", " in rule for rule in rules)
