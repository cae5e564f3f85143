"""Elasticsearch adapter of the search-index port (elasticsearch-py 8.x).

Searchers and writers use the alias ``<prefix>-opportunities``; behind it is one index
``<prefix>-opportunities-<UTC time>-<random>``. A rebuild loads a new index and swaps the
alias in one atomic ``update_aliases`` call, so searches never see a half-built index.
The request bodies are built in ``elastic_query``, the settings and mapping in
``elastic_mapping``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk, streaming_bulk

from services.common.geo.distance import distance_km
from services.search.adapters.index import elastic_mapping as mapping
from services.search.adapters.index import elastic_query as build
from services.search.adapters.index.port import IndexUnavailable
from services.search.domain.documents import GeoPoint, Hit, RoleDocument, SearchPage
from services.search.domain.query import SearchQuery

_REQUEST_TIMEOUT_S = 2  # the request path: fail fast, the caller may fall back or retry
_BATCH_TIMEOUT_S = 120  # writes and rebuilds: a bulk chunk or index creation may take a while
_CHUNK = 500  # documents per bulk request
# Merging a freshly loaded million roles into one segment takes about 3 minutes on 2 cores.
_MERGE_TIMEOUT_S = 3600


class ElasticsearchIndex:
    """The ``SearchIndex`` port on an Elasticsearch cluster, behind an alias."""

    name = "elasticsearch"

    def __init__(self, url: str, prefix: str = "vmp", synonyms: list[str] | None = None) -> None:
        self.url = url
        self.alias = f"{prefix}-opportunities"
        self.synonyms = list(synonyms or ())
        self.client = Elasticsearch(
            url, request_timeout=_REQUEST_TIMEOUT_S, max_retries=0, retry_on_timeout=False
        )
        self._batch = self.client.options(request_timeout=_BATCH_TIMEOUT_S)

    # --- lifecycle ------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        """Create the first index behind the alias, unless the alias exists."""
        with self._unavailable():
            if self._batch.indices.exists_alias(name=self.alias):
                return
            try:
                self._create_index(alias=True)
            except ApiError:
                # Another process created it first: two write indices for one alias are
                # refused, and the refused index is not created.
                if not self._batch.indices.exists_alias(name=self.alias):
                    raise

    def ping(self) -> None:
        try:
            health = self.client.cluster.health(timeout="2s")
        except Exception as exc:
            raise IndexUnavailable(f"Elasticsearch at {self.url} is unreachable: {exc!r}") from exc
        if health.get("status") == "red":
            raise IndexUnavailable("Elasticsearch cluster health is red")

    def close(self) -> None:
        self.client.close()

    # --- writes ---------------------------------------------------------------------------

    def upsert(self, documents: Sequence[RoleDocument]) -> None:
        if not documents:
            return
        actions = (self._index_action(self.alias, doc) for doc in documents)
        with self._unavailable():
            # refresh=True: visible to searches when this returns. "wait_for" would wait for
            # the next periodic refresh, up to a second per call, and the projection upserts
            # one role per event. require_alias: never auto-create a dynamically mapped index
            # under the alias name.
            bulk(self._batch, actions, chunk_size=_CHUNK, refresh=True, require_alias=True)

    def delete(self, role_ids: Iterable[str]) -> None:
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": i} for i in role_ids]
        if not actions:
            return
        with self._unavailable():
            bulk(self._batch, actions, refresh=True, ignore_status=(404,))

    def rebuild(self, documents: Iterable[RoleDocument]) -> int:
        """Load a new index, then point the alias at it and drop the old ones.

        Writes that arrive during the load go to the old index and are lost with it, so
        the caller pauses the projection while rebuilding (or replays it afterwards).
        """
        with self._unavailable():
            old = self._indices_behind_alias()
            new = self._create_index(alias=False, loading=True)
            try:
                count = self._load(new, documents)
                self._batch.indices.put_settings(index=new, settings={"refresh_interval": None})
                self._batch.indices.refresh(index=new)
                self._merge(new)
                self._swap(old, new)
            except BaseException:
                # Searchers still use the old index; do not leave the half-built one behind
                # (best effort: the original error is the one to report).
                with contextlib.suppress(Exception):
                    self._batch.indices.delete(index=new, ignore_unavailable=True)
                raise
            if old:
                self._batch.indices.delete(index=",".join(old))
        return count

    def _merge(self, index: str) -> None:
        """One segment before the index serves: a bulk load leaves about ten, and every
        facet then maps each segment's ordinals to global ones and searches each segment.
        At a million roles that took raw p95 from 60-72 ms to 44-52 ms (bench/analysis.md).
        Later writes add small segments that Elasticsearch merges as usual."""
        self.client.options(request_timeout=_MERGE_TIMEOUT_S).indices.forcemerge(
            index=index, max_num_segments=1
        )

    def count(self) -> int:
        with self._unavailable():
            return int(self.client.count(index=self.alias)["count"])

    # --- reads ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchPage:
        # The shard request cache keeps whole answers (hits and facets) until the next
        # refresh that changes the shard, so they are never stale. Elasticsearch caches only
        # size=0 requests unless asked: popular searches (a word, a cause, remote only) repeat.
        response = self._read(build.search_body(query), request_cache=True)
        raw_hits = response["hits"]["hits"]
        page, more = raw_hits[: query.per_page], len(raw_hits) > query.per_page
        hits = [_hit(raw, query.origin) for raw in page]
        return SearchPage(
            total=int(response["hits"]["total"]["value"]),
            hits=hits,
            facets=build.facet_counts(response["aggregations"]),
            next_after=hits[-1].sort_values if hits and more else None,
        )

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        if not prefix.strip() or limit < 1:
            return []
        response = self._read(build.suggest_body(prefix, limit))
        options = response["suggest"]["titles"][0]["options"]
        titles = (option["_source"]["doc"]["title"] for option in options)
        return list(dict.fromkeys(titles))[:limit]

    # --- helpers --------------------------------------------------------------------------

    def _create_index(self, alias: bool, loading: bool = False) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        name = f"{self.alias}-{stamp}-{uuid.uuid4().hex[:8]}"
        settings = mapping.index_settings(self.synonyms)
        if loading:
            # No refreshes while bulk loading: much faster; one refresh at the end.
            settings = {**settings, "refresh_interval": "-1"}
        self._batch.indices.create(
            index=name,
            settings=settings,
            mappings=mapping.mappings(),
            aliases={self.alias: {"is_write_index": True}} if alias else None,
        )
        return name

    def _index_action(self, index: str, doc: RoleDocument) -> dict[str, Any]:
        return {"_index": index, "_id": doc.id, "_source": mapping.to_source(doc)}

    def _load(self, index: str, documents: Iterable[RoleDocument]) -> int:
        actions = (self._index_action(index, doc) for doc in documents)
        total = len(documents) if isinstance(documents, Sequence) else None
        count = 0
        with _progress(total) as advance:
            for ok, item in streaming_bulk(self._batch, actions, chunk_size=_CHUNK):
                if not ok:  # streaming_bulk raises on errors; kept for a clear message
                    raise RuntimeError(f"indexing failed: {item}")
                count += 1
                advance()
        return count

    def _indices_behind_alias(self) -> list[str]:
        try:
            return sorted(self._batch.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def _swap(self, old: list[str], new: str) -> None:
        actions: list[dict[str, Any]] = [
            {"remove": {"index": index, "alias": self.alias}} for index in old
        ]
        actions.append({"add": {"index": new, "alias": self.alias, "is_write_index": True}})
        self._batch.indices.update_aliases(actions=actions)

    def _read(self, body: dict[str, Any], request_cache: bool | None = None) -> Any:
        """Search the alias; asked again once if the index went away under the search.

        A rebuild swaps the alias atomically, then deletes the old index: a search that
        resolved the alias just before the swap can find its index gone (404) or all its
        shards closed (503). The alias points at the new index by then, so one retry
        answers it. Anything still failing on the server's side is an outage (503 to the
        caller), not a bug (500); a 4xx left is a query the adapter built wrongly.
        """
        for attempt in (1, 2):
            try:
                with self._unavailable():
                    return self.client.search(
                        index=self.alias, body=body, request_cache=request_cache
                    )
            except (NotFoundError, IndexUnavailable) as exc:
                if attempt == 1 and _index_moved(exc):
                    continue
                if isinstance(exc, NotFoundError):
                    raise IndexUnavailable(f"Elasticsearch at {self.url}: {exc!r}") from exc
                raise
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def _unavailable(self) -> Iterator[None]:
        """Connection failures and the cluster's own failures (5xx, 429: overloaded) become
        the port's IndexUnavailable, so the indexer waits for the node rather than
        dead-lettering roles; errors in what we sent (other 4xx) pass."""
        try:
            yield
        except (ConnectionError, ConnectionTimeout) as exc:
            raise IndexUnavailable(f"Elasticsearch at {self.url}: {exc!r}") from exc
        except ApiError as exc:
            if exc.meta.status >= 500 or exc.meta.status == 429:
                raise IndexUnavailable(f"Elasticsearch at {self.url}: {exc!r}") from exc
            raise


def _index_moved(exc: Exception) -> bool:
    """The index a search resolved is gone (404), or its shards closed under it (503)."""
    cause = exc.__cause__ if isinstance(exc, IndexUnavailable) else exc
    return isinstance(cause, NotFoundError) or (
        isinstance(cause, ApiError) and cause.meta.status == 503
    )


def _hit(raw: dict[str, Any], origin: GeoPoint | None) -> Hit:
    document = RoleDocument.from_json(raw["_source"]["doc"])
    distance, nearest = _nearest(document, origin)
    return Hit(
        document=document,
        distance_km=distance,
        nearest=nearest,
        score=raw.get("_score"),
        highlight=_snippet(raw.get("highlight") or {}),
        sort_values=tuple(raw.get("sort") or ()),
    )


def _nearest(doc: RoleDocument, origin: GeoPoint | None) -> tuple[float | None, GeoPoint | None]:
    """Distance to the nearest location, measured here with the platform's one haversine."""
    if origin is None or not doc.locations:
        return None, None
    measured = (
        (distance_km(origin.latitude, origin.longitude, p.latitude, p.longitude), p)
        for p in doc.locations
    )
    distance, point = min(measured, key=lambda pair: pair[0])
    return distance, point


def _snippet(highlight: dict[str, list[str]]) -> str | None:
    for name in build.HIGHLIGHT_FIELDS:
        if highlight.get(name):
            return highlight[name][0]
    return None


@contextlib.contextmanager
def _progress(total: int | None) -> Iterator[Any]:
    """A rich progress bar on an interactive terminal; silence in logs and tests."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress(transient=False) as progress:
        task = progress.add_task("indexing roles", total=total)
        yield lambda: progress.advance(task)
