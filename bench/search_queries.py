"""The search benchmarks' query mix: what people type into a volunteering search, by share.

Drawn from the same population-weighted postcodes as the catalogue (people search where
they live), with the filters the search page offers. Each query is the API's parameters;
``es_body`` turns one into the exact request body the Elasticsearch adapter would send, so
the gateway's answer and the raw Elasticsearch round trip are timed on identical work.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from bench.corpus import KINDS, Postcodes
from services.common.geo.paths import default_db_path
from services.common.vocab.vocabularies import load_vocabularies

Query = dict[str, str]
RADII = ("3", "5", "10", "10", "15", "25", "50")
WORDS = ("befriending", "driver", "garden", "food bank", "trustee", "youth", "museum",
         "dog", "charity shop", "mentor", "walk", "digital", "refugee", "cook", "steward",
         "hospital", "library", "treasurer", "conservation", "sports coach")  # fmt: skip


def mix(count: int, seed: int = 11) -> list[Query]:
    """``count`` queries in the proportions below, the same for the same seed."""
    rng = random.Random(seed)
    postcodes = Postcodes(default_db_path(), rng, sample=20_000)
    vocab = load_vocabularies()
    causes = sorted({c for _, cs, _ in KINDS for c in cs})
    access = vocab.get("accessibility").codes
    kinds: list[tuple[int, Callable[[], Query]]] = [
        (35, lambda: _near(rng, postcodes)),
        (20, lambda: _near(rng, postcodes) | {"causes": ",".join(rng.sample(causes, 2))}),
        (15, lambda: _near(rng, postcodes) | {"q": rng.choice(WORDS)}),
        (10, lambda: {"q": rng.choice(WORDS)}),
        (5, lambda: {"remote": "only", "causes": rng.choice(causes)}),
        (
            5,
            lambda: _near(rng, postcodes)
            | {"commitment": "regular", "age": "16", "accessibility": rng.choice(access)},
        ),
        (5, lambda: _near(rng, postcodes) | {"page": str(rng.choice((2, 3)))}),
        (5, lambda: _near(rng, postcodes) | {"sort": "closing_soon"}),
    ]
    weights = [w for w, _ in kinds]
    return [rng.choices(kinds, weights)[0][1]() for _ in range(count)]


def _near(rng: random.Random, postcodes: Postcodes) -> Query:
    return {"postcode": postcodes.draw().postcode, "radius_km": rng.choice(RADII)}


def es_body(query: Query, geocoder: Any, today: dt.date) -> dict[str, Any]:
    """The body the Elasticsearch adapter sends for ``query`` (the API's own parsing)."""
    from services.search.adapters.index.elastic_query import search_body
    from services.search.api.params import SearchParams
    from services.search.service_layer.searching import build_query, default_sort, resolve_place

    params = SearchParams().load(query)
    origin, _ = resolve_place(geocoder, params)
    sort = params.get("sort") or default_sort(params.get("q"), origin)
    return search_body(build_query(params, origin, today, sort=sort))
