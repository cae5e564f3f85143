"""`reindex` while people search (issue 9): no search fails and none sees a gap.

The demo catalogue goes through the real path (opportunities outbox -> event log ->
indexer), then searcher threads hammer the gateway's search API while the index is rebuilt
from the opportunities service three times over. Every search must answer 200, and every
unfiltered search must count the whole catalogue: a rebuild that served an empty or
half-loaded index, even for a moment, shows up as a smaller total. Run on the embedded
index and on the real Elasticsearch node.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from gateway.demo import load_demo
from services.common.config import Config
from services.common.service import runtime_of
from services.opportunities.demo import demo_dataset
from services.search.service_layer.reindex import in_process_fetcher, reindex, service_token
from tests.unit.search.test_demo_and_reindex import drain

POSTCODES = Path(__file__).resolve().parents[2] / "var" / "data" / "postcodes.sqlite"
TODAY = dt.date.today()
SEARCHERS = 4
REBUILDS = 3
QUERIES = ("", "?postcode=SE1+7AE&radius_km=25", "?q=garden", "?causes=Environment&per_page=5")


@pytest.fixture(params=["embedded", "elasticsearch"])
def platform_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    from gateway.wsgi import create_app

    config = Config(service="gateway", data_dir=tmp_path,
                    event_log_path=tmp_path / "eventlog.sqlite",
                    database_url=f"sqlite:///{tmp_path / 'gateway.sqlite'}",
                    postcodes_db=POSTCODES)  # fmt: skip
    if request.param == "elasticsearch":
        engine = request.getfixturevalue("elasticsearch_engine")
        prefix = f"reindexload{tmp_path.name[-8:].lower().replace('_', '')}"
        config = dataclasses.replace(config, search_backend="elasticsearch",
                                     elasticsearch_url=engine.url, index_prefix=prefix)  # fmt: skip
    app = create_app(config, start_workers=False)
    yield app
    index = runtime_of(app.extensions["platform"].apps["search"]).extensions["index"]
    if request.param == "elasticsearch":
        index.client.indices.delete(index=f"{index.alias}*", ignore_unavailable=True)
    app.extensions["platform"].shutdown()


@pytest.mark.elasticsearch
def test_searches_never_fail_or_see_a_gap_while_the_index_is_rebuilt(platform_app: Flask) -> None:
    platform = platform_app.extensions["platform"]
    opportunities = platform.apps["opportunities"]
    expected = len(demo_dataset(TODAY).roles)
    assert load_demo(opportunities, runtime_of(opportunities).config.data_dir, TODAY) == expected
    drain(platform_app)
    client = platform_app.test_client()
    assert client.get("/api/v1/search?per_page=1").get_json()["total"] == expected

    stop = threading.Event()
    seen: list[tuple[str, int, int | None]] = []  # (query, status, total when unfiltered)
    lock = threading.Lock()

    def search_until_stopped(offset: int) -> None:
        mine = platform_app.test_client()
        n = offset
        while not stop.is_set():
            query = QUERIES[n % len(QUERIES)]
            answer = mine.get(f"/api/v1/search{query}")
            body = answer.get_json(silent=True) or {}
            with lock:
                seen.append((query, answer.status_code, body.get("total")))
            n += 1

    threads = [threading.Thread(target=search_until_stopped, args=(i,)) for i in range(SEARCHERS)]
    for thread in threads:
        thread.start()
    search = runtime_of(platform.apps["search"])
    try:
        for _ in range(REBUILDS):
            fetch = in_process_fetcher(service_token(search), opportunities)
            assert reindex(search, fetch) == expected
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    failed = [(q, status) for q, status, _ in seen if status != 200]
    assert failed == [], failed[:5]
    totals = [total for q, _, total in seen if q == ""]
    assert len(totals) >= REBUILDS, "the searchers hardly ran: the test proves nothing"
    assert set(totals) == {expected}, sorted(set(totals))
