"""Rebuild the search index from the opportunities service's data, with a progress bar.

Reads every role through the opportunities service's export (over HTTP at scale, in-process
in embedded mode), refreshes this service's own copies, and hands the searchable roles to
``SearchIndex.rebuild`` — which swaps them in atomically (an alias swap on Elasticsearch, one
transaction on SQLite), so searches never see a half-built index.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests
import sqlalchemy as sa
from flask import Flask
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.common.auth import issue_token, resolve_secret
from services.common.envelope import utcnow
from services.common.runtime import ServiceRuntime
from services.search.adapters.orm import opportunities, organisations
from services.search.domain.documents import RoleDocument
from services.search.domain.indexing import is_searchable, to_document
from services.search.service_layer.projections import Indexer

log = logging.getLogger(__name__)
EXPORT_PATH = "/api/v1/opportunities/export"
PAGE = 500
Fetch = Callable[[Mapping[str, Any]], dict[str, Any]]


def service_token(runtime: ServiceRuntime) -> str:
    """The export lists drafts too, so it wants a service (or admin) token."""
    return issue_token(
        resolve_secret(runtime.config), "search-reindex", roles=["service"], email_verified=False
    )


def http_fetcher(base_url: str, token: str) -> Fetch:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def fetch(params: Mapping[str, Any]) -> dict[str, Any]:
        response = session.get(base_url + EXPORT_PATH, params=params, timeout=30)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    return fetch


def in_process_fetcher(token: str, app: Flask | None = None) -> Fetch:
    """Embedded mode: the opportunities app in this process (same data folder by default)."""
    if app is None:
        from services.opportunities.definition import SERVICE

        app = SERVICE.create_app()
    client = app.test_client()

    def fetch(params: Mapping[str, Any]) -> dict[str, Any]:
        response = client.get(
            EXPORT_PATH, query_string=dict(params), headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code != 200:
            raise RuntimeError(f"export failed: {response.status_code} {response.get_data()!r}")
        body: dict[str, Any] = response.get_json()
        return body

    return fetch


def exported(fetch: Fetch) -> Iterator[dict[str, Any]]:
    """Every exported item, page by page (keyset paging on the role id)."""
    after = ""
    while True:
        body = fetch({"after": after, "limit": PAGE})
        yield from body["items"]
        if not body.get("next_after"):
            return
        after = body["next_after"]


def reindex(runtime: ServiceRuntime, fetch: Fetch, progress: Progress | None = None) -> int:
    items = list(_with_progress(exported(fetch), progress, "reading roles"))
    _refresh_copies(runtime, items)
    documents = [
        to_document(item["opportunity"], item["organisation"]["name"])
        for item in items
        if is_searchable(item["opportunity"], item["organisation"]["moderation"])
    ]
    index = runtime.extensions["index"]
    count: int = index.rebuild(
        _with_progress(iter(documents), progress, "indexing", len(documents))
    )
    caught_up = _catch_up(runtime, items)
    log.info("reindexed", extra={"read": len(items), "indexed": count, "caught_up": caught_up})
    return count


def _catch_up(runtime: ServiceRuntime, items: list[dict[str, Any]]) -> int:
    """Re-apply what the indexer learnt while the export was read and the index rebuilt.

    Those events went to the old index, which the swap retired; the copies have them. A
    role whose copy is newer than its exported revision, or an organisation whose name or
    approval changed since, is applied again to the new index.
    """
    revisions = {item["opportunity"]["id"]: item.get("revision", 0) for item in items}
    orgs = {item["organisation"]["id"]: item["organisation"] for item in items}
    indexer = Indexer(runtime.extensions["index"], percolate=False)
    applied = 0
    with runtime.session_factory() as session, session.begin():
        rows = session.execute(sa.select(opportunities.c.revision, opportunities.c.snapshot))
        for revision, snapshot in rows:
            if revision > revisions.get(snapshot["id"], 0):
                indexer.apply(session, snapshot)
                applied += 1
        rows = session.execute(
            sa.select(organisations.c.id, organisations.c.name, organisations.c.moderation)
        )
        for org_id, name, moderation in rows:
            seen = orgs.get(org_id)
            if seen is not None and (seen["name"], seen["moderation"]) != (name, moderation):
                indexer.refresh_organisation(session, org_id)
                applied += 1
    return applied


def _with_progress(
    items: Iterator[Any], progress: Progress | None, label: str, total: int | None = None
) -> Iterator[Any]:
    if progress is None:
        yield from items
        return
    task = progress.add_task(label, total=total)
    for item in items:
        yield item
        progress.advance(task)


def _refresh_copies(runtime: ServiceRuntime, items: list[dict[str, Any]]) -> None:
    """Fill in what the copies lack (an indexer started late, a lost database). What they
    already hold is never replaced: the indexer may have applied a newer change meanwhile."""
    with runtime.session_factory() as session, session.begin():
        held = session.execute(sa.select(opportunities.c.id, opportunities.c.revision))
        held_roles: dict[str, int] = {role_id: revision for role_id, revision in held}
        held_orgs = set(session.execute(sa.select(organisations.c.id)).scalars())
        for item in items:
            org, snapshot = item["organisation"], item["opportunity"]
            if org["id"] not in held_orgs:
                held_orgs.add(org["id"])
                session.execute(
                    organisations.insert().values(
                        id=org["id"],
                        name=org["name"],
                        moderation=org["moderation"],
                        type=org.get("type", "charity"),
                        postcode=org.get("postcode"),
                        updated_at=utcnow(),
                    )
                )
            revision = item.get("revision", 0)
            if snapshot["id"] not in held_roles:
                session.execute(
                    opportunities.insert().values(
                        id=snapshot["id"],
                        organisation_id=snapshot["organisation_id"],
                        revision=revision,
                        status=snapshot["status"],
                        snapshot=snapshot,
                        updated_at=utcnow(),
                    )
                )
            elif held_roles[snapshot["id"]] < revision:
                session.execute(
                    sa.update(opportunities)
                    .where(opportunities.c.id == snapshot["id"])
                    .values(revision=revision, status=snapshot["status"], snapshot=snapshot)
                )


def documents_from_copies(runtime: ServiceRuntime) -> list[RoleDocument]:
    """The searchable roles as this service's own copies have them (no other service needed)."""
    query = sa.select(
        opportunities.c.snapshot, organisations.c.name, organisations.c.moderation
    ).join(organisations, organisations.c.id == opportunities.c.organisation_id)
    with runtime.session_factory() as session:
        return [
            to_document(snapshot, name)
            for snapshot, name, moderation in session.execute(query)
            if is_searchable(snapshot, moderation)
        ]


def reindex_command(runtime: ServiceRuntime, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="reindex")
    parser.add_argument(
        "--source",
        choices=["opportunities", "copies"],
        default="opportunities",
        help="opportunities: read the opportunities service (default); "
        "copies: this service's own copies of the events, when that service is down",
    )
    args = parser.parse_args(argv)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns) as progress:
        if args.source == "copies":
            documents = documents_from_copies(runtime)
            count = runtime.extensions["index"].rebuild(
                _with_progress(iter(documents), progress, "indexing", len(documents))
            )
        else:
            url = runtime.config.service_urls.get("opportunities")
            token = service_token(runtime)
            fetch = http_fetcher(url, token) if url else in_process_fetcher(token)
            count = reindex(runtime, fetch, progress)
    print(f"indexed {count} roles into {runtime.extensions['index'].name}")
    return 0
