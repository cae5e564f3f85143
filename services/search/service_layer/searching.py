"""The search use case: resolve the place, check the cursor, ask the index, shape the answer.

The response shape is the public contract partner sites build on (docs/search-api.md).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from services.common.geo.postcodes import Geocoder, InvalidCoordinates, UnknownPostcode
from services.common.validation import InvalidInput
from services.search.adapters.index.port import SearchIndex
from services.search.domain.documents import GeoPoint, Hit, SearchPage
from services.search.domain.query import SearchQuery, Sort, default_sort

UK = ZoneInfo("Europe/London")  # closing dates are UK calendar days
_CURSOR_VERSION = 1
_NOT_IN_CURSOR = {"page", "per_page", "cursor"}
BAD_CURSOR = "This cursor does not belong to this search. Start again from the first page."


def uk_today(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(UK).date()


def resolve_place(geocoder: Geocoder, params: Mapping[str, Any]) -> tuple[GeoPoint | None, dict]:
    """The search origin and the ``location`` block of the answer."""
    try:
        if "postcode" in params:
            found = geocoder.lookup(params["postcode"])
        elif "lat" in params:
            found = geocoder.from_latlon(params["lat"], params["lon"])
        else:
            return None, {}
    except UnknownPostcode as exc:
        raise InvalidInput.field("postcode", exc.message) from exc
    except InvalidCoordinates as exc:
        raise InvalidInput.field(
            {"latitude": "lat", "longitude": "lon"}[exc.field], str(exc)
        ) from exc
    point = GeoPoint(found.latitude, found.longitude, found.postcode)
    return point, {
        "postcode": found.postcode,
        "latitude": found.latitude,
        "longitude": found.longitude,
    }


def fingerprint(params: Mapping[str, Any]) -> str:
    """What a cursor is bound to: every parameter except the paging ones."""
    canonical = {
        k: sorted(v) if isinstance(v, frozenset) else str(v)
        for k, v in sorted(params.items())
        if k not in _NOT_IN_CURSOR
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()[:16]


def encode_cursor(sort: str, after: tuple, bound_to: str) -> str:
    raw = json.dumps({"v": _CURSOR_VERSION, "s": sort, "a": list(after), "f": bound_to})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, bound_to: str) -> tuple:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        valid = (
            isinstance(raw, dict)
            and raw.get("v") == _CURSOR_VERSION
            and isinstance(raw.get("a"), list)
            and all(isinstance(x, str | int | float) for x in raw["a"])
        )
    except (ValueError, binascii.Error, UnicodeDecodeError):
        valid = False
    if not valid:
        raise InvalidInput.field(
            "cursor", "This cursor is not valid. Start again from the first page."
        )
    if raw.get("s") != sort or raw.get("f") != bound_to:
        raise InvalidInput.field("cursor", BAD_CURSOR)
    return tuple(raw["a"])


def run_search(
    index: SearchIndex,
    geocoder: Geocoder,
    params: Mapping[str, Any],
    *,
    today: dt.date,
    base_url: str,
) -> dict[str, Any]:
    origin, location = resolve_place(geocoder, params)
    sort = params.get("sort") or default_sort(params.get("q"), origin)
    bound_to = fingerprint(params)
    after = decode_cursor(params["cursor"], sort.value, bound_to) if "cursor" in params else None
    query = build_query(params, origin, today, sort=sort, after=after)
    page = index.search(query)
    return _response(query, page, location, bound_to, base_url)


def build_query(
    params: Mapping[str, Any],
    origin: GeoPoint | None,
    today: dt.date,
    *,
    sort: Sort,
    after: tuple | None = None,
) -> SearchQuery:
    """The checked parameters (``SearchParams``) as the query both indexes execute."""
    return SearchQuery(
        today=today,
        origin=origin,
        radius_km=params["radius_km"],
        text=params.get("q"),
        causes=params["causes"],
        skills=params["skills"],
        commitment=params["commitment"],
        remote=params["remote"],
        age=params.get("age"),
        accessibility=params["accessibility"],
        exclude_requirements=params["exclude_requirements"],
        available=params["available"],
        starts_before=params.get("starts_before"),
        ends_after=params.get("ends_after"),
        sort=sort,
        page=params["page"],
        per_page=params["per_page"],
        after=after,
        organisation_ids=params["organisation_ids"],
    )


def _response(
    query: SearchQuery, page: SearchPage, location: dict, bound_to: str, base_url: str
) -> dict[str, Any]:
    next_cursor = None
    if page.next_after is not None:
        next_cursor = encode_cursor(query.sort.value, page.next_after, bound_to)
    return {
        "total": page.total,
        "page": query.page if query.after is None else None,
        "per_page": query.per_page,
        "next_cursor": next_cursor,
        "location": location or None,
        "results": [_result(hit, base_url) for hit in page.hits],
        "facets": page.facets,
    }


def _result(hit: Hit, base_url: str) -> dict[str, Any]:
    doc = hit.document
    nearest = None
    if hit.nearest is not None:
        nearest = {
            "postcode": hit.nearest.postcode,
            "latitude": hit.nearest.latitude,
            "longitude": hit.nearest.longitude,
        }
    return {
        "id": doc.id,
        "title": doc.title,
        "summary": doc.summary,
        "organisation": {"id": doc.organisation_id, "name": doc.organisation_name},
        "distance_km": round(hit.distance_km, 3) if hit.distance_km is not None else None,
        "nearest_location": nearest,
        "remote": doc.remote,
        "causes": list(doc.causes),
        "skills": list(doc.skills),
        "commitment": doc.commitment,
        "closes_on": doc.closes_on.isoformat() if doc.closes_on else None,
        "url": f"{base_url}/opportunities/{doc.id}",
        "highlight": hit.highlight,
    }
