"""Writes: upsert replaces, delete removes, rebuild swaps everything, count counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from services.search.adapters.index.port import SearchIndex
from services.search.domain.documents import RoleDocument
from services.search.domain.query import Sort
from tests.contract.search.builders import (
    EH1_1YZ,
    ORIGIN,
    add,
    at,
    id_set,
    only_hit,
    role,
    search,
)


def test_empty_index(search_index: SearchIndex) -> None:
    page = search(search_index)

    assert search_index.count() == 0
    assert page.total == 0
    assert page.hits == []
    assert page.next_after is None


def test_upsert_replaces_the_title(search_index: SearchIndex) -> None:
    original = role(title="Garden helper")
    add(search_index, original)
    assert id_set(search(search_index, text="garden")) == {original.id}

    add(search_index, replace(original, title="Kitchen porter"))

    assert search(search_index, text="garden").total == 0
    page = search(search_index, text="kitchen")
    assert id_set(page) == {original.id}
    assert only_hit(page, original.id).document.title == "Kitchen porter"
    assert search_index.count() == 1


def test_upsert_moves_a_role(search_index: SearchIndex) -> None:
    moving = role(locations=at(2.0))
    add(search_index, moving)
    assert id_set(search(search_index, origin=ORIGIN)) == {moving.id}
    edinburgh = {"origin": EH1_1YZ, "radius_km": 5}
    assert search(search_index, **edinburgh).total == 0

    add(search_index, replace(moving, locations=(EH1_1YZ,)))

    assert search(search_index, origin=ORIGIN).total == 0
    page = search(search_index, sort=Sort.DISTANCE, **edinburgh)
    assert id_set(page) == {moving.id}
    assert only_hit(page, moving.id).distance_km == pytest.approx(0.0, abs=0.002)


def test_upsert_replaces_codes_and_dates(search_index: SearchIndex) -> None:
    original = role(causes=("health",), minimum_age=18)
    add(search_index, original)

    add(search_index, replace(original, causes=("arts",), minimum_age=None))

    assert search(search_index, causes=frozenset({"health"})).total == 0
    assert id_set(search(search_index, causes=frozenset({"arts"}), age=14)) == {original.id}
    assert search(search_index).facets["causes"] == {"arts": 1}


def test_upserting_the_same_role_twice_keeps_one(search_index: SearchIndex) -> None:
    twice = role(locations=(ORIGIN, at(1.0)[0]))
    add(search_index, twice)
    add(search_index, twice, twice)

    assert search_index.count() == 1
    assert search(search_index, origin=ORIGIN).total == 1


def test_delete_removes_and_ignores_unknown_ids(search_index: SearchIndex) -> None:
    keep, drop = role(title="Garden helper"), role(title="Garden helper")
    add(search_index, keep, drop)

    search_index.delete([drop.id, "no-such-role"])

    assert search_index.count() == 1
    assert id_set(search(search_index)) == {keep.id}
    assert id_set(search(search_index, text="garden", origin=ORIGIN)) == {keep.id}
    assert search(search_index).facets.get("commitment") == {"regular": 1}
    search_index.delete([])
    search_index.delete(["no-such-role"])
    assert search_index.count() == 1


def test_rebuild_replaces_everything(search_index: SearchIndex) -> None:
    old = [role(title="Garden helper") for _ in range(3)]
    add(search_index, *old)
    new = [role(title="Kitchen porter"), role(title="Minibus driver", locations=at(3.0))]

    assert search_index.rebuild(iter(new)) == 2

    assert search_index.count() == 2
    assert id_set(search(search_index)) == {r.id for r in new}
    assert search(search_index, text="garden").total == 0
    assert id_set(search(search_index, text="kitchen")) == {new[0].id}
    assert "Garden helper" not in search_index.suggest("gard")


def test_rebuild_then_upsert_and_rebuild_again(search_index: SearchIndex) -> None:
    first = role()
    assert search_index.rebuild([first]) == 1
    later = role()
    add(search_index, later)
    assert search_index.count() == 2

    assert search_index.rebuild([]) == 0

    assert search_index.count() == 0
    assert search(search_index).total == 0


def test_count_follows_upserts_and_deletes(search_index: SearchIndex) -> None:
    docs = [role() for _ in range(7)]
    add(search_index, *docs)
    assert search_index.count() == 7

    search_index.delete([d.id for d in docs[:3]])

    assert search_index.count() == 4
    assert search(search_index).total == 4


def test_ping_answers_when_ready(search_index: SearchIndex) -> None:
    search_index.ping()
    search_index.ensure_ready()  # idempotent: a second call changes nothing
    add(search_index, role())
    search_index.ensure_ready()
    assert search_index.count() == 1


@pytest.mark.elasticsearch
def test_rebuild_serves_one_merged_segment(request: pytest.FixtureRequest, tmp_path) -> None:
    # Elasticsearch only: the embedded index has no segments. A refresh in the middle of
    # the load (as a big load's own flushes do) leaves two segments; the rebuild merges
    # them before the index serves, which is what the benchmarks measured.
    from tests.contract.search.conftest import open_index

    index, dispose = open_index(request, "elasticsearch", tmp_path / "unused.sqlite")
    client = index.client  # type: ignore[attr-defined]
    pattern = index.alias.removesuffix("opportunities") + "*"  # type: ignore[attr-defined]

    def documents() -> Iterator[RoleDocument]:
        for n in range(1200):
            if n == 700:  # the first bulk chunk (500) is in: make it a segment of its own
                client.indices.refresh(index=pattern)
            yield role()

    try:
        assert index.rebuild(documents()) == 1200
        segments = client.cat.segments(index=index.alias, format="json")  # type: ignore[attr-defined]
        assert len({s["segment"] for s in segments}) == 1, segments
        assert index.count() == 1200
    finally:
        dispose()
