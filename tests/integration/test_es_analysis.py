"""The analysis-common token filters on the local node, from our vmp-analysis plugin.

The index settings of the search index name `lowercase`, `asciifolding`, `porter_stem` and
`synonym_graph` exactly as a stock Elasticsearch has them (deploy/engines/es_plugin.py); these
tests pin their behaviour through `_analyze`, with inline analyzers and with the real index
settings.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from services.common.vocab.vocabularies import load_vocabularies
from services.search.adapters.index import elastic_mapping
from services.search.domain.synonyms import synonym_rules

pytestmark = pytest.mark.elasticsearch

ENGLISH = ["lowercase", "asciifolding", {"type": "stop", "stopwords": "_english_"}, "porter_stem"]


@pytest.fixture
def es(elasticsearch_engine: Any) -> Iterator[Elasticsearch]:
    client = Elasticsearch(elasticsearch_engine.url, request_timeout=30)
    yield client
    client.close()


def tokens(es: Elasticsearch, text: str, filters: list[Any]) -> list[str]:
    response = es.indices.analyze(text=text, filter=filters, tokenizer="standard")
    return [token["token"] for token in response["tokens"]]


def test_the_english_chain_stems_folds_and_drops_stop_words(es: Elasticsearch) -> None:
    assert tokens(es, "Gardening volunteers", ENGLISH) == ["garden", "volunt"]
    assert tokens(es, "The Café at the Park", ENGLISH) == ["cafe", "park"]


def test_filters_take_analysis_common_parameters(es: Elasticsearch) -> None:
    folding = {"type": "asciifolding", "preserve_original": True}
    assert tokens(es, "café", [folding]) == ["cafe", "café"]
    turkish = {"type": "lowercase", "language": "turkish"}
    assert tokens(es, "İSTANBUL", [turkish]) == ["istanbul"]


def test_a_synonym_rule_expands_a_query_to_every_phrase(es: Elasticsearch) -> None:
    synonyms = {"type": "synonym_graph", "synonyms": ["elderly, older people"]}
    chain = ["lowercase", synonyms, "porter_stem"]
    assert sorted(tokens(es, "Elderly", chain)) == ["elderli", "older", "peopl"]
    assert sorted(tokens(es, "older people", chain)) == ["elderli", "older", "peopl"]
    assert tokens(es, "younger people", chain) == ["younger", "peopl"]


def test_rules_are_read_through_the_filters_before_them(es: Elasticsearch) -> None:
    # As in analysis-common: a rule in capitals still matches lower-cased text.
    synonyms = {"type": "synonym_graph", "synonyms": ["Pets, Animal Welfare"]}
    assert sorted(tokens(es, "PETS", ["lowercase", synonyms])) == ["animal", "pets", "welfare"]


def test_synonym_graph_needs_its_rules(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError, match="Analysis settings required"):
        tokens(es, "x", ["synonym_graph"])


@pytest.fixture
def role_index(es: Elasticsearch) -> Iterator[str]:
    """An index with the search index's real settings and the vocabularies' synonyms."""
    name = f"t-analysis-{uuid.uuid4().hex[:10]}"
    es.indices.create(
        index=name,
        settings=elastic_mapping.index_settings(synonym_rules(load_vocabularies())),
        mappings=elastic_mapping.mappings(),
    )
    yield name
    es.indices.delete(index=name)


def test_the_role_index_analyzers(es: Elasticsearch, role_index: str) -> None:
    plain, synonyms = elastic_mapping.ENGLISH, elastic_mapping.ENGLISH_SYNONYMS
    assert tokens_of(es, role_index, plain, "Gardening volunteers") == ["garden", "volunt"]
    expanded = tokens_of(es, role_index, synonyms, "pensioners")
    assert {"pension", "elderli", "senior", "citizen"} <= set(expanded)
    assert tokens_of(es, role_index, plain, "pensioners") == ["pension"]


def tokens_of(es: Elasticsearch, index: str, analyzer: str, text: str) -> list[str]:
    response = es.indices.analyze(index=index, analyzer=analyzer, text=text)
    return [token["token"] for token in response["tokens"]]
