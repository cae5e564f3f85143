"""Elasticsearch request bodies (elastic_query, elastic_mapping), checked as plain dicts."""

from __future__ import annotations

import datetime as dt

from services.search.adapters.index import elastic_mapping as mapping
from services.search.adapters.index import elastic_query as build
from services.search.domain.documents import GeoPoint, RoleDocument
from services.search.domain.query import RemoteMode, SearchQuery, Sort

TODAY = dt.date(2026, 11, 23)
LONDON = GeoPoint(51.5074, -0.1278)
WITHIN_5KM = {
    "geo_distance": {
        "distance": "5.0km",
        "distance_type": "arc",
        "locations": {"lat": 51.5074, "lon": -0.1278},
    }
}
REMOTE = {"term": {"remote": True}}


def _query(**kw: object) -> SearchQuery:
    return SearchQuery(today=TODAY, **kw)  # type: ignore[arg-type]


def _any_of(*clauses: object) -> dict:
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


def _missing_or(field: str, bounds: dict) -> dict:
    return _any_of(
        {"bool": {"must_not": [{"exists": {"field": field}}]}}, {"range": {field: bounds}}
    )


def test_a_bare_query_filters_expired_roles_only_and_sorts_newest_first() -> None:
    body = build.search_body(_query())
    assert body["query"] == {
        "bool": {"must": [], "filter": [_missing_or("closes_on", {"gte": "2026-11-23"})]}
    }
    assert "post_filter" not in body and "highlight" not in body
    assert body["sort"] == [{"published_at": {"order": "desc"}}, {"id": {"order": "asc"}}]
    assert (body["from"], body["size"], body["track_total_hits"]) == (0, 21, True)


def test_every_non_facet_filter_is_in_the_query() -> None:
    query = _query(
        age=17,
        starts_before=dt.date(2026, 12, 1),
        ends_after=dt.date(2026, 12, 15),
        organisation_ids=frozenset({"o2", "o1"}),
        exclude_requirements=frozenset({"DBSCheck"}),
        available=frozenset({"MondayMorning"}),
    )
    assert build.base_filters(query)[1:] == [
        _missing_or("minimum_age", {"lte": 17}),
        _missing_or("maximum_age", {"gte": 17}),
        _missing_or("starts_on", {"lte": "2026-12-01"}),
        _missing_or("ends_on", {"gte": "2026-12-15"}),
        {"terms": {"organisation_id": ["o1", "o2"]}},
        {"bool": {"must_not": [{"terms": {"requirements": ["DBSCheck"]}}]}},
        {"terms": {"sessions": ["MondayMorning"]}},
    ]


def test_with_an_origin_the_query_keeps_roles_within_the_radius_or_remote() -> None:
    assert build.base_filters(_query(origin=LONDON, radius_km=5.0))[-1] == _any_of(
        WITHIN_5KM, REMOTE
    )


def test_remote_modes_narrow_the_place_in_the_post_filter() -> None:
    assert build.remote_filter(_query(origin=LONDON, radius_km=5.0)) is None
    only = _query(origin=LONDON, radius_km=5.0, remote=RemoteMode.ONLY)
    assert build.remote_filter(only) == REMOTE
    exclude = _query(origin=LONDON, radius_km=5.0, remote=RemoteMode.EXCLUDE)
    assert build.remote_filter(exclude) == WITHIN_5KM
    # Without a place, excluding remote roles leaves the roles that have a location.
    assert build.remote_filter(_query(remote=RemoteMode.EXCLUDE)) == {
        "exists": {"field": "locations"}
    }


def test_facet_filters_go_to_the_post_filter_and_each_facet_skips_its_own() -> None:
    query = _query(
        causes=frozenset({"Environment"}),
        accessibility=frozenset({"Lift", "Braille"}),
        remote=RemoteMode.ONLY,
    )
    body = build.search_body(query)
    causes = {"terms": {"causes": ["Environment"]}}
    access = {
        "bool": {
            "filter": [{"term": {"accessibility": "Braille"}}, {"term": {"accessibility": "Lift"}}]
        }
    }
    assert body["post_filter"] == {"bool": {"filter": [causes, access, REMOTE]}}
    under = _facets_under(body["aggs"])
    assert under["causes"] == {"bool": {"filter": [access, REMOTE]}}
    assert under["accessibility"] == {"bool": {"filter": [causes, REMOTE]}}
    assert under["remote"] == {"bool": {"filter": [causes, access]}}
    # Facets sharing their other filters share one filter aggregation.
    assert under["skills"] == under["commitment"] == {"bool": {"filter": [causes, access, REMOTE]}}
    assert len(body["aggs"]) == 4
    (remote,) = [
        group["aggs"]["remote"] for group in body["aggs"].values() if "remote" in group["aggs"]
    ]
    assert remote == {"terms": {"field": "remote", "size": 100}}


def test_without_facet_filters_every_facet_is_a_plain_terms_aggregation() -> None:
    body = build.search_body(_query(origin=LONDON))
    assert body["aggs"] == {
        name: {"terms": {"field": name, "size": 100}}
        for name in ("causes", "skills", "commitment", "accessibility", "remote")
    }


def test_one_facet_filter_leaves_its_own_facet_unfiltered() -> None:
    body = build.search_body(_query(causes=frozenset({"Environment"})))
    causes = {"terms": {"causes": ["Environment"]}}
    assert body["aggs"]["causes"] == {"terms": {"field": "causes", "size": 100}}
    under = _facets_under(body["aggs"])
    assert set(under) == {"skills", "commitment", "accessibility", "remote"}
    assert all(filters == {"bool": {"filter": [causes]}} for filters in under.values())


def _facets_under(aggs: dict) -> dict[str, dict]:
    """Each facet counted under a filter aggregation, with that filter."""
    return {
        name: group["filter"]
        for group in aggs.values()
        if "filter" in group
        for name in group["aggs"]
    }


def test_each_term_must_match_all_text_or_title_and_summary_with_typos() -> None:
    body = build.search_body(_query(text="Help with gardening", sort=Sort.RELEVANCE))
    help_clause, gardening = body["query"]["bool"]["must"]
    assert gardening == _any_of(
        {"match": {"all_text": {"query": "gardening"}}},
        {"match": {"title": {"query": "gardening", "fuzziness": 2, "analyzer": mapping.ENGLISH}}},
        {"match": {"summary": {"query": "gardening", "fuzziness": 2, "analyzer": mapping.ENGLISH}}},
    )
    assert help_clause["bool"]["should"][1]["match"]["title"]["fuzziness"] == 1
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]
    assert body["highlight"]["pre_tags"] == ["<mark>"] and body["highlight"]["encoder"] == "html"
    assert body["track_scores"] is True


def test_terms_of_one_or_two_letters_are_not_fuzzy() -> None:
    (clause,) = build.text_clauses(["uk"])
    assert clause == _any_of({"match": {"all_text": {"query": "uk"}}})


def test_distance_sort_needs_an_origin_and_relevance_a_text() -> None:
    assert build.effective_sort(_query(sort=Sort.DISTANCE)) is Sort.NEWEST
    assert build.effective_sort(_query(sort=Sort.RELEVANCE, origin=LONDON)) is Sort.DISTANCE
    assert build.effective_sort(_query(sort=Sort.RELEVANCE)) is Sort.NEWEST
    (distance, by_id) = build.sort_clauses(_query(sort=Sort.DISTANCE, origin=LONDON))
    assert by_id == {"id": {"order": "asc"}}
    assert distance == {
        "_geo_distance": {
            "locations": {"lat": 51.5074, "lon": -0.1278},
            "order": "asc",
            "unit": "km",
            "mode": "min",
            "distance_type": "arc",
        }
    }
    assert build.sort_clauses(_query(sort=Sort.CLOSING_SOON))[0] == {
        "closes_on": {"order": "asc", "missing": "_last"}
    }


def test_pages_by_offset_or_by_cursor() -> None:
    assert build.search_body(_query(page=3, per_page=10))["from"] == 20
    body = build.search_body(_query(page=3, per_page=10, after=(123, "r9")))
    assert body["search_after"] == [123, "r9"] and "from" not in body


def test_facet_counts_read_codes_and_booleans() -> None:
    def agg(*buckets: dict) -> dict:
        return {"buckets": list(buckets)}

    # As Elasticsearch answers facet_aggregations: some at the top, some under a filter.
    aggregations = {
        "causes": agg({"key": "Environment", "doc_count": 2}, {"key": "Care", "doc_count": 5}),
        "facets_filtered_1": {
            "doc_count": 9,
            "skills": agg(),
            "commitment": agg({"key": "regular", "doc_count": 1}),
        },
        "facets_filtered_2": {"doc_count": 4, "accessibility": agg()},
        "remote": agg({"key": 1, "key_as_string": "true", "doc_count": 3}),
    }
    assert build.facet_counts(aggregations) == {
        "causes": {"Care": 5, "Environment": 2},
        "skills": {},
        "commitment": {"regular": 1},
        "accessibility": {},
        "remote": {"true": 3},
    }


def test_suggest_asks_the_completion_field() -> None:
    body = build.suggest_body("gard", 5)
    assert body["suggest"]["titles"] == {
        "prefix": "gard",
        "completion": {"field": "suggest", "size": 15, "skip_duplicates": True},
    }


def _role(**kw: object) -> RoleDocument:
    when = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    fields: dict = dict(
        id="r1",
        title="Community garden helper",
        summary="s",
        description="d",
        organisation_id="o1",
        organisation_name="Friends",
        commitment="regular",
        remote=False,
        published_at=when,
        updated_at=when,
        locations=(GeoPoint(51.5, -0.1, "SE1"),),
        closes_on=dt.date(2026, 12, 1),
    )
    return RoleDocument(**{**fields, **kw})


def test_a_role_becomes_a_document_that_keeps_the_whole_role() -> None:
    role = _role()
    source = mapping.to_source(role)
    assert source["locations"] == [{"lat": 51.5, "lon": -0.1}]
    assert source["closes_on"] == "2026-12-01" and source["starts_on"] is None
    assert RoleDocument.from_json(source["doc"]) == role
    assert source["suggest"]["input"] == ["Community garden helper", "garden helper", "helper"]
    # Newer roles weigh more: their titles come first in type-ahead.
    later = mapping.to_source(_role(published_at=role.published_at + dt.timedelta(hours=1)))
    assert later["suggest"]["weight"] == source["suggest"]["weight"] + 60


def test_the_mapping_is_strict_and_covers_every_source_field() -> None:
    body = mapping.mappings()
    assert body["dynamic"] == "strict"
    assert set(mapping.to_source(_role())) <= set(body["properties"])
    assert body["properties"]["doc"] == {"type": "object", "enabled": False}


def test_synonyms_are_only_in_the_search_analyzer() -> None:
    settings = mapping.index_settings(["elderly, older people"])
    analyzers = settings["analysis"]["analyzer"]
    assert "vmp_synonyms" in analyzers[mapping.ENGLISH_SYNONYMS]["filter"]
    assert "vmp_synonyms" not in analyzers[mapping.ENGLISH]["filter"]
    plain = mapping.index_settings([])
    assert "vmp_synonyms" not in plain["analysis"]["filter"]
