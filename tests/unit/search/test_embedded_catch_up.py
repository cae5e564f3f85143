"""The embedded index's in-memory columns follow writes made by another process.

Each process keeps its own columns and catches up from the log of touched rowids; these
tests write through one ``SqliteSearchIndex`` and read through another on the same file,
as a consumer process and a gateway worker do, and check the reader against what was
written (and against a third index that reads everything afresh).
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from services.search.adapters.index import embedded
from services.search.adapters.index.embedded import SqliteSearchIndex
from services.search.domain.documents import RoleDocument, SearchPage
from services.search.domain.query import RemoteMode, SearchQuery, Sort
from tests.contract.search.builders import ORIGIN, TODAY, at, remote_role, role

CAUSES = ("Animals", "Arts", "Environment", "Health")


def _open(path: Path) -> SqliteSearchIndex:
    index = SqliteSearchIndex(path)
    index.ensure_ready()
    return index


def _everything(index: SqliteSearchIndex, **params: object) -> SearchPage:
    query = {"today": TODAY, "per_page": 50, "sort": Sort.NEWEST, **params}
    return index.search(SearchQuery(**query))  # type: ignore[arg-type]


def _ids(page: SearchPage) -> set[str]:
    return {hit.document.id for hit in page.hits}


def _world(rng: random.Random, count: int) -> list[RoleDocument]:
    roles = []
    for _ in range(count):
        causes = (rng.choice(CAUSES),)
        if rng.random() < 0.2:
            roles.append(remote_role(causes=causes))
        else:
            roles.append(
                role(causes=causes, locations=at(rng.uniform(0.1, 30), rng.uniform(0, 360)))
            )
    return roles


def _same_answers(reader: SqliteSearchIndex, fresh: SqliteSearchIndex) -> None:
    queries: list[dict[str, object]] = [
        {},
        {"origin": ORIGIN, "radius_km": 10.0, "sort": Sort.DISTANCE},
        {"origin": ORIGIN, "radius_km": 20.0, "remote": RemoteMode.EXCLUDE},
        {"causes": frozenset({"Animals", "Arts"})},
        {"remote": RemoteMode.ONLY},
    ]
    for params in queries:
        got, want = _everything(reader, **params), _everything(fresh, **params)
        assert (got.total, _ids(got), got.facets) == (want.total, _ids(want), want.facets), params


def test_a_reader_sees_another_writers_updates_deletions_and_additions(tmp_path: Path) -> None:
    path = tmp_path / "idx.sqlite"
    writer, reader = _open(path), _open(path)
    rng = random.Random(4)
    roles = _world(rng, 30)
    writer.upsert(roles)
    assert _everything(reader).total == 30  # the reader has now loaded its columns

    changed = [replace(r, causes=("Health",), remote=True, locations=()) for r in roles[:8]]
    gone = [r.id for r in roles[8:12]]
    added = _world(rng, 5)
    writer.upsert(changed)
    writer.delete(gone)
    writer.upsert(added)

    everything = _everything(reader)
    assert everything.total == 30 - 4 + 5
    assert not _ids(everything) & set(gone)
    assert {r.id for r in added} <= _ids(everything)
    remote_only = _ids(_everything(reader, remote=RemoteMode.ONLY))
    assert {r.id for r in changed} <= remote_only
    expected_health = sum(1 for r in [*changed, *roles[12:], *added] if r.causes == ("Health",))
    assert everything.facets["causes"]["Health"] == expected_health
    _same_answers(reader, _open(path))


def test_the_newest_role_written_again_keeps_its_rowid_and_loses_its_old_codes(
    tmp_path: Path,
) -> None:
    # SQLite hands the highest rowid out again once it is deleted: an upsert of the newest
    # role reuses it, so the reader must drop the old codes and location of that rowid.
    path = tmp_path / "idx.sqlite"
    writer, reader = _open(path), _open(path)
    first, last = role(causes=("Arts",)), role(causes=("Animals",), locations=at(2.0))
    writer.upsert([first, last])
    assert _everything(reader, causes=frozenset({"Animals"})).total == 1
    writer.upsert([replace(last, causes=("Arts",), locations=at(25.0))])

    assert _everything(reader, causes=frozenset({"Animals"})).total == 0
    assert _everything(reader).facets["causes"] == {"Arts": 2}
    near = _everything(reader, origin=ORIGIN, radius_km=10.0)
    assert _ids(near) == {first.id}


def test_a_rebuild_elsewhere_replaces_everything_the_reader_held(tmp_path: Path) -> None:
    path = tmp_path / "idx.sqlite"
    writer, reader = _open(path), _open(path)
    writer.upsert(_world(random.Random(1), 20))
    assert _everything(reader).total == 20
    replacement = _world(random.Random(2), 7)
    writer.rebuild(replacement)
    page = _everything(reader)
    assert _ids(page) == {r.id for r in replacement}
    _same_answers(reader, _open(path))


def test_a_reader_behind_the_kept_log_reads_everything_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded, "_LOG_KEEP", 3)
    path = tmp_path / "idx.sqlite"
    writer, reader = _open(path), _open(path)
    roles = _world(random.Random(3), 10)
    writer.upsert(roles)
    assert _everything(reader).total == 10
    for n in range(120):  # past a pruning (every 100 generations) of all but the last 3
        writer.upsert([replace(roles[n % 10], title=f"Volunteer role {n}")])
    writer.delete([roles[0].id])
    page = _everything(reader)
    assert page.total == 9
    titles = {hit.document.id: hit.document.title for hit in page.hits}
    assert titles[roles[9].id] == "Volunteer role 119"
    _same_answers(reader, _open(path))


def test_searches_in_threads_never_give_up_while_another_process_writes(tmp_path: Path) -> None:
    # Searches share one process's columns while another writes: none may fail, and each
    # sees the whole catalogue (the writes only rename roles).
    import threading

    path = tmp_path / "idx.sqlite"
    writer, reader = _open(path), _open(path)
    roles = _world(random.Random(5), 40)
    writer.upsert(roles)
    failures: list[BaseException] = []
    totals: list[int] = []
    done = threading.Event()

    def search() -> None:
        while not done.is_set():
            try:
                page = _everything(reader, origin=ORIGIN, radius_km=50.0)
                assert all(hit.document.id for hit in page.hits)
                totals.append(page.total)
            except BaseException as exc:  # every failure is the finding
                failures.append(exc)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(150):
        writer.upsert([replace(roles[n % 40], title=f"Volunteer role {n}")])
    done.set()
    for thread in threads:
        thread.join()
    assert failures == []
    assert totals and set(totals) == {40}


def test_a_cached_text_match_is_carried_over_writes_to_exactly_the_matching_roles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Carried forward in catalogues of 10,000 and more; here at any size, to test the carry.
    monkeypatch.setattr(embedded, "_CARRY_MIN_ROLES", 0)
    monkeypatch.setattr(embedded, "_CARRY_MAX_SHARE", 1.0)
    fresh_matches: list[str] = []
    real = embedded.pages.text_match

    def counted(conn: object, match: str, scores: bool) -> object:
        fresh_matches.append(match)
        return real(conn, match, scores)  # type: ignore[arg-type]

    monkeypatch.setattr(embedded.pages, "text_match", counted)
    path = tmp_path / "idx.sqlite"
    writer, reader = _open(path), _open(path)
    gardens = [role(title="Garden helper") for _ in range(6)]
    drivers = [role(title="Minibus driver") for _ in range(6)]
    writer.upsert([*gardens, *drivers])
    assert _everything(reader, text="garden", sort=Sort.RELEVANCE).total == 6

    writer.upsert([replace(r, title="Minibus driver") for r in gardens[:2]])
    writer.upsert([replace(r, title="Garden helper") for r in drivers[:1]])
    writer.delete([gardens[2].id])
    added = role(title="Garden volunteer")
    writer.upsert([added])

    page = _everything(reader, text="garden", sort=Sort.RELEVANCE)
    expected = {r.id for r in gardens[3:]} | {drivers[0].id, added.id}
    assert _ids(page) == expected and page.total == len(expected)
    assert all(hit.score is not None and hit.score > 0 for hit in page.hits)
    assert len(fresh_matches) == 1  # the second search carried the first one's match
