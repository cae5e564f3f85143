"""Any search as a feed (Atom, RSS, JSON Feed) and the OpenSearch description document.

The feeds take exactly the search API's parameters (``SearchParams``), so bad ones get the
same 422. Partner sites poll feeds, so answers carry an ETag (of the whole body) and five
minutes of caching; a reader that sends a matching If-None-Match gets a 304.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, json, request

from services.common.openapi import operation
from services.common.runtime import ServiceRuntime
from services.search.api.params import SearchParams, load_search_params
from services.search.domain import feeds
from services.search.service_layer.feeds import search_for_feed
from services.search.service_layer.searching import uk_today

bp = Blueprint("feeds", __name__)

MAX_AGE_S = 300
FORMATS: dict[str, tuple[str, Callable[[feeds.FeedInfo, list[feeds.FeedEntry]], bytes]]] = {
    "atom": ("application/atom+xml; charset=utf-8", feeds.atom),
    "rss": ("application/rss+xml; charset=utf-8", feeds.rss),
    "json": (
        "application/feed+json; charset=utf-8",
        lambda info, entries: json.dumps(feeds.json_feed(info, entries)).encode(),
    ),
}


def _runtime() -> ServiceRuntime:
    runtime: ServiceRuntime = current_app.extensions["runtime"]
    return runtime


def _feed(kind: str) -> Response:
    raw = request.args.to_dict(flat=True)
    params = load_search_params(raw)
    runtime = _runtime()
    public_url = runtime.config.public_url.rstrip("/")
    found = search_for_feed(
        runtime.extensions["index"],
        runtime.extensions["geocoder"],
        params,
        today=uk_today(runtime.extensions["clock"]()),
        public_url=public_url,
    )
    query = urlencode(raw)
    suffix = f"?{query}" if query else ""
    info = feeds.FeedInfo(
        title=feeds.feed_title(params.get("q"), found.location),
        html_url=f"{public_url}/search{suffix}",
        links={k: f"{public_url}/feeds/search.{k}{suffix}" for k in FORMATS},
        updated=feeds.last_updated(found.entries),
    )
    media_type, render = FORMATS[kind]
    # No Last-Modified: a role leaving the results (closed, or outranked) changes the feed
    # without any newer update time, so If-Modified-Since would wrongly answer 304.
    return _cacheable(Response(render(info, found.entries), content_type=media_type))


def _cacheable(response: Response) -> Response:
    # Public like the search API; the ETag covers the whole body, so any change shows.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    response.add_etag()
    response.make_conditional(request)  # turns it into a 304 in place when the reader has it
    return response


@bp.get("/feeds/search.atom")
@operation(
    summary="A search's first page as an Atom 1.0 feed (the search API's parameters)",
    tags=("feeds",),
    query=SearchParams,
    responses={200: "An Atom feed (application/atom+xml)"},
)
def atom() -> Response:
    return _feed("atom")


@bp.get("/feeds/search.rss")
@operation(
    summary="A search's first page as an RSS 2.0 feed (the search API's parameters)",
    tags=("feeds",),
    query=SearchParams,
    responses={200: "An RSS feed (application/rss+xml)"},
)
def rss() -> Response:
    return _feed("rss")


@bp.get("/feeds/search.json")
@operation(
    summary="A search's first page as a JSON Feed 1.1 (the search API's parameters)",
    tags=("feeds",),
    query=SearchParams,
    responses={200: "A JSON Feed (application/feed+json)"},
)
def json_feed() -> Response:
    return _feed("json")


@bp.get("/opensearch.xml")
@operation(
    summary="OpenSearch 1.1 description: the search page and feeds as URL templates",
    tags=("feeds",),
    responses={200: "application/opensearchdescription+xml"},
)
def opensearch() -> Response:
    body = feeds.opensearch(_runtime().config.public_url.rstrip("/"))
    response = Response(body, content_type="application/opensearchdescription+xml")
    return _cacheable(response)
