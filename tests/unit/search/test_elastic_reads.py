"""The Elasticsearch adapter's reads when the index moves or the cluster struggles: the
alias swap of a rebuild is retried once, outages are 503s (IndexUnavailable), and a query
the adapter built wrongly stays a loud error. The real node's side of this is
tests/integration/test_reindex_under_load.py; here the client is scripted, because a
search racing a swap cannot be made to lose the race on demand."""

from __future__ import annotations

from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError, NotFoundError

from services.search.adapters.index.elastic import ElasticsearchIndex
from services.search.adapters.index.port import IndexUnavailable

ANSWER = {"suggest": {"titles": [{"options": [{"_source": {"doc": {"title": "Befriender"}}}]}]}}


def _error(kind: type[ApiError], status: int) -> ApiError:
    meta = ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(),
                           duration=0.0, node=NodeConfig("http", "127.0.0.1", 9200))  # fmt: skip
    return kind(f"status {status}", meta=meta, body={"error": {"type": "x"}})


class ScriptedClient:
    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.calls = 0

    def search(self, **_: Any) -> Any:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _index(client: ScriptedClient) -> ElasticsearchIndex:
    index = ElasticsearchIndex("http://127.0.0.1:9")
    index.client = client  # type: ignore[assignment]
    return index


@pytest.mark.parametrize("gone", [(NotFoundError, 404), (ApiError, 503)])
def test_a_search_whose_index_went_away_is_asked_again_once(gone: tuple[type, int]) -> None:
    client = ScriptedClient(_error(*gone), ANSWER)
    assert _index(client).suggest("bef") == ["Befriender"]
    assert client.calls == 2


def test_an_index_still_missing_after_the_retry_is_unavailable_not_a_crash() -> None:
    client = ScriptedClient(_error(NotFoundError, 404), _error(NotFoundError, 404))
    with pytest.raises(IndexUnavailable):
        _index(client).suggest("bef")
    assert client.calls == 2


@pytest.mark.parametrize("status", [500, 429, 502])
def test_server_side_failures_are_unavailable_without_a_retry(status: int) -> None:
    client = ScriptedClient(_error(ApiError, status), ANSWER)
    with pytest.raises(IndexUnavailable):
        _index(client).suggest("bef")
    assert client.calls == 1


def test_a_query_the_adapter_built_wrongly_is_not_hidden_as_an_outage() -> None:
    client = ScriptedClient(_error(ApiError, 400), ANSWER)
    with pytest.raises(ApiError):
        _index(client).suggest("bef")


def test_the_search_api_answers_503_problem_json_when_the_index_is_unavailable(
    tmp_path: Any,
) -> None:
    from services.common.config import Config
    from services.search.definition import SERVICE
    from tests.unit.conftest import POSTCODES

    config = Config(service="search", data_dir=tmp_path, event_log_path=tmp_path / "log.sqlite",
                    database_url=f"sqlite:///{tmp_path / 'search.sqlite'}",
                    postcodes_db=POSTCODES, search_backend="elasticsearch",
                    elasticsearch_url="http://127.0.0.1:9")  # fmt: skip
    app = SERVICE.create_app(config)
    # Port 9 (discard) refuses at once: the outage is real, only quicker than a dead node.
    for path in ("/api/v1/search?q=garden", "/feeds/search.atom?q=garden"):
        answer = app.test_client().get(path)
        assert answer.status_code == 503, (path, answer.get_data(as_text=True)[:300])
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.headers["Retry-After"] == "5"
        assert answer.get_json()["title"] == "Search is unavailable"
