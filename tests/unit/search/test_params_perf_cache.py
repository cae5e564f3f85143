"""The search parameters are parsed once per distinct query string (``load_search_params``)."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from services.search.api import params as params_module
from services.search.api.params import SearchParams, load_search_params

ARGS = {
    "postcode": "SW1A 1AA",
    "radius_km": "5",
    "causes": "Environment,AnimalWelfare",
    "page": "2",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    params_module._load_search.cache_clear()


def test_the_cached_answer_is_what_marshmallow_gives() -> None:
    assert load_search_params(ARGS) == SearchParams().load(ARGS)
    assert load_search_params(ARGS) == SearchParams().load(ARGS)  # from the cache


def test_a_repeat_in_any_order_skips_marshmallow(monkeypatch: pytest.MonkeyPatch) -> None:
    load_search_params(ARGS)
    calls = []
    monkeypatch.setattr(params_module._SEARCH, "load", lambda data: calls.append(data))
    assert load_search_params(dict(reversed(ARGS.items())))["page"] == 2
    assert calls == []


def test_callers_get_their_own_dict() -> None:
    first = load_search_params(ARGS)
    first["page"] = 99
    first.pop("causes")
    again = load_search_params(ARGS)
    assert again["page"] == 2 and again["causes"] == frozenset({"Environment", "AnimalWelfare"})


def test_invalid_parameters_raise_every_time() -> None:
    for bad in ({"radius_km": "900"}, {"nonsense": "1"}) * 2:
        with pytest.raises(ValidationError) as raised:
            load_search_params(bad)
        assert set(raised.value.messages) == set(bad)
    assert params_module._load_search.cache_info().currsize == 0


def test_the_cache_is_bounded() -> None:
    for n in range(params_module.PARSED_CACHE_SIZE + 10):
        load_search_params({"q": f"garden {n}"})
    assert params_module._load_search.cache_info().currsize == params_module.PARSED_CACHE_SIZE
