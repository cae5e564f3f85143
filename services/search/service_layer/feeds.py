"""The feed use case: run exactly the search ``GET /api/v1/search`` runs, keep the hits.

A feed means what the search API answers for the same parameters: the same place lookup,
the same default order (relevance with ``q``, else distance with a place, else newest), the
same page and cursor. Partners polling for new roles add ``sort=newest``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.common.geo.postcodes import Geocoder
from services.common.vocab.vocabularies import load_vocabularies
from services.search.adapters.index.port import SearchIndex
from services.search.domain.feeds import FeedEntry, entry_from_hit
from services.search.domain.query import default_sort
from services.search.service_layer.searching import (
    build_query,
    decode_cursor,
    fingerprint,
    resolve_place,
)


@dataclass(frozen=True)
class FeedResult:
    entries: list[FeedEntry]
    location: dict[str, Any]


def search_for_feed(
    index: SearchIndex,
    geocoder: Geocoder,
    params: Mapping[str, Any],
    *,
    today: dt.date,
    public_url: str,
) -> FeedResult:
    """The checked parameters (``SearchParams``) -> the entries of one page, in search order."""
    origin, location = resolve_place(geocoder, params)
    sort = params.get("sort") or default_sort(params.get("q"), origin)
    after = None
    if "cursor" in params:
        after = decode_cursor(params["cursor"], sort.value, fingerprint(params))
    page = index.search(build_query(params, origin, today, sort=sort, after=after))
    causes = load_vocabularies()["causes"]
    return FeedResult([entry_from_hit(hit, public_url, causes) for hit in page.hits], location)
