"""The Elasticsearch index of roles: analysis settings, mapping, and a role as an ES document.

The filters used (lowercase, asciifolding, stop, porter_stem, synonym_graph) are analysis-common
names; the local node gets them from our vmp-analysis plugin (deploy/engines/es_plugin.py), a
stock Elasticsearch from its own module, so these settings work on both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from services.search.domain.documents import RoleDocument
from services.search.domain.query import MAX_OFFSET, MAX_PER_PAGE

TEXT_FIELDS = ("title", "summary", "description", "organisation_name")
KEYWORD_FIELDS = (
    "causes",
    "skills",
    "requirements",
    "accessibility",
    "sessions",
    "commitment",
    "organisation_id",
)
# Keyword fields counted by the facet aggregations. Their global ordinals are built at each
# refresh instead of by the first search after it: the projection refreshes on every write,
# and that search would otherwise pay for the whole index's ordinals.
FACET_KEYWORDS = ("causes", "skills", "accessibility", "commitment")
# Index and plain-query analysis: English stemming, no synonyms.
ENGLISH = "vmp_english"
# Query analysis for text matches: the same, plus vocabulary synonyms before stemming.
ENGLISH_SYNONYMS = "vmp_english_synonyms"
_BASE_FILTERS = ["lowercase", "asciifolding"]
_TAIL_FILTERS = ["vmp_english_stop", "porter_stem"]
# Suggestion weights order newer roles first: minutes since this instant fit an int32
# (which a completion weight must) for four thousand years.
_WEIGHT_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def index_settings(synonyms: Sequence[str]) -> dict[str, Any]:
    filters: dict[str, Any] = {"vmp_english_stop": {"type": "stop", "stopwords": "_english_"}}
    search_filters = [*_BASE_FILTERS, *_TAIL_FILTERS]
    if synonyms:
        # Lenient: a rule the analyzer cannot parse is dropped instead of failing the index.
        filters["vmp_synonyms"] = {
            "type": "synonym_graph",
            "synonyms": list(synonyms),
            "expand": True,
            "lenient": True,
        }
        search_filters = [*_BASE_FILTERS, "vmp_synonyms", *_TAIL_FILTERS]
    return {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        # Deep pages up to MAX_OFFSET, plus one extra hit to learn whether more follow.
        "max_result_window": MAX_OFFSET + MAX_PER_PAGE + 1,
        "analysis": {
            "filter": filters,
            "analyzer": {
                ENGLISH: _analyzer([*_BASE_FILTERS, *_TAIL_FILTERS]),
                ENGLISH_SYNONYMS: _analyzer(search_filters),
            },
        },
    }


def _analyzer(filters: list[str]) -> dict[str, Any]:
    return {"type": "custom", "tokenizer": "standard", "filter": filters}


def mappings() -> dict[str, Any]:
    text = {"type": "text", "analyzer": ENGLISH, "search_analyzer": ENGLISH_SYNONYMS}
    properties: dict[str, Any] = {
        "id": {"type": "keyword"},
        **{name: {**text, "copy_to": "all_text"} for name in TEXT_FIELDS},
        "all_text": text,
        **{name: _keyword(name) for name in KEYWORD_FIELDS},
        "remote": {"type": "boolean"},
        "locations": {"type": "geo_point"},
        "minimum_age": {"type": "integer"},
        "maximum_age": {"type": "integer"},
        # Nanoseconds, so that "newest" orders exactly as the datetimes do.
        "published_at": {"type": "date_nanos"},
        **{name: {"type": "date", "format": "strict_date"} for name in _DATES},
        "suggest": {"type": "completion"},
        # The whole role, returned as it was given; never searched.
        "doc": {"type": "object", "enabled": False},
    }
    return {"dynamic": "strict", "properties": properties}


_DATES = ("starts_on", "ends_on", "closes_on")


def _keyword(name: str) -> dict[str, Any]:
    if name in FACET_KEYWORDS:
        return {"type": "keyword", "eager_global_ordinals": True}
    return {"type": "keyword"}


def to_source(doc: RoleDocument) -> dict[str, Any]:
    """The ES document of a role: searchable fields, plus the role itself under ``doc``."""
    raw = doc.to_json()
    source: dict[str, Any] = {name: raw[name] for name in ("id", *TEXT_FIELDS, *KEYWORD_FIELDS)}
    source.update(
        remote=doc.remote,
        locations=[{"lat": p.latitude, "lon": p.longitude} for p in doc.locations],
        minimum_age=doc.minimum_age,
        maximum_age=doc.maximum_age,
        published_at=raw["published_at"],
        suggest={"input": suggest_inputs(doc.title), "weight": _weight(doc.published_at)},
        doc=raw,
    )
    source.update({name: raw[name] for name in _DATES})
    return source


def suggest_inputs(title: str) -> list[str]:
    """The title from each of its words on: completion matches the start of an input, and
    type-ahead should find "Community garden helper" from "gard" too."""
    words = title.split()
    return [" ".join(words[i:]) for i in range(len(words))] or [title]


def _weight(published_at: dt.datetime) -> int:
    when = published_at if published_at.tzinfo else published_at.replace(tzinfo=dt.UTC)
    return max(0, int((when - _WEIGHT_EPOCH).total_seconds() // 60))
