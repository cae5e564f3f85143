"""The vocabulary endpoints: what a form needs to offer codes, with their attribution."""

from __future__ import annotations

from tests.unit.opportunities.conftest import Service


def test_the_index_lists_names_counts_and_attribution(shared: Service) -> None:
    body = shared.call("GET", "/api/v1/vocabularies").get_json()
    assert "Open Government Licence" in body["attribution"]
    counts = {v["name"]: v["count"] for v in body["vocabularies"]}
    assert set(counts) == {
        "causes",
        "skills",
        "requirements",
        "rewards",
        "accessibility",
        "session_times",
    }
    assert counts["session_times"] == 21 and counts["causes"] > 0


def test_a_vocabulary_lists_its_selectable_concepts(shared: Service) -> None:
    body = shared.call("GET", "/api/v1/vocabularies/causes").get_json()
    assert body["name"] == "causes" and body["source"]["standard"]
    codes = {c["code"]: c for c in body["concepts"]}
    assert "Cause" not in codes  # the top concept only names the list
    older = codes["OlderPeople"]
    assert set(older) >= {"code", "label", "synonyms", "broader", "definition"}
    assert older["label"]


def test_session_times_carry_their_day_and_hours(shared: Service) -> None:
    body = shared.call("GET", "/api/v1/vocabularies/session_times").get_json()
    monday = next(c for c in body["concepts"] if c["code"] == "MondayMorning")
    assert (monday["day"], monday["part_of_day"]) == ("Monday", "morning")
    assert (monday["starts"], monday["ends"]) == ("06:00", "12:00")


def test_an_unknown_vocabulary_is_a_404_naming_the_valid_ones(shared: Service) -> None:
    response = shared.call("GET", "/api/v1/vocabularies/hobbies")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json()
    assert "causes" in body["detail"] and "session_times" in body["detail"]
    assert "skills" in body["valid_names"]
