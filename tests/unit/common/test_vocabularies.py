"""The checked-in vocabulary JSON against the standard's Turtle, and the runtime API.

The Turtle comes from the shared folder beside the repository when it is there (a
developer's or CI's machine); the JSON checks alone run in a clone without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.common.vocab import NAMES, load_vocabularies
from services.common.vocab.vocabularies import DATA_DIR

REPO = Path(__file__).parents[3]
# The standard's own files, checked in beside the generated copy (OGL).
SOURCE = REPO / "services" / "common" / "vocab" / "source"
TTL = {
    "causes": "taxonomy_cause.ttl",
    "skills": "taxonomy_skill.ttl",
    "requirements": "taxonomy_requirement.ttl",
    "rewards": "taxonomy_reward.ttl",
    "accessibility": "taxonomy_accessibility.ttl",
}
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0"
EXAMPLE = REPO / "tests" / "data" / "example-organisations.jsonld"
NAMESPACE = "https://ns.volunteeringdata.io/"


@pytest.mark.parametrize("name", NAMES)
def test_json_parses_with_source_and_attribution(name: str) -> None:
    raw = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert raw["name"] == name
    assert raw["attribution"] == ATTRIBUTION
    assert raw["source"]["standard"] == "UK Volunteering Data standard"
    assert raw["source"]["commit"] == "d31ca80"
    assert raw["source"]["iri_namespace"] == NAMESPACE
    codes = [concept["code"] for concept in raw["concepts"]]
    assert codes == sorted(codes)
    for concept in raw["concepts"]:
        assert concept["iri"] == NAMESPACE + concept["code"]
        assert concept["label"]
        assert set(concept["broader"]) <= set(codes)


def test_licence_and_readme_travel_with_the_data() -> None:
    assert "Open Government Licence" in (DATA_DIR / "LICENSE-OGL-v3.txt").read_text()
    readme = (DATA_DIR / "README.md").read_text()
    assert ATTRIBUTION in readme and "d31ca80" in readme
    assert "services.common.vocab.generate" in readme


def test_expected_codes() -> None:
    vocabularies = load_vocabularies()
    assert "OlderPeople" in vocabularies.get("causes")
    assert "DBSCheck" in vocabularies.get("requirements")
    assert vocabularies.get("requirements").label("DBSCheck") == "DBS Check"
    session_times = vocabularies.get("session_times")
    assert "MondayMorning" in session_times
    monday = session_times.concept("MondayMorning").details
    assert dict(monday) == {
        "day": "Monday",
        "part_of_day": "morning",
        "starts": "06:00",
        "ends": "12:00",
    }


@pytest.mark.parametrize("name", list(TTL))
def test_concepts_match_the_turtle(name: str) -> None:
    from rdflib import RDF, SKOS, Graph  # dev dependency, as in generate.py

    graph = Graph().parse(SOURCE / TTL[name])
    in_ttl = {str(s)[len(NAMESPACE) :] for s in graph.subjects(RDF.type, SKOS.Concept)}
    vocabulary = load_vocabularies().get(name)
    assert {c.code for c in vocabulary.concepts} == in_ttl
    assert len(vocabulary.concepts) == len(in_ttl)


def test_session_times_match_the_turtle() -> None:
    from rdflib import RDF, Graph, URIRef

    graph = Graph().parse(SOURCE / "ontology_time.ttl")
    periods = set(graph.subjects(RDF.type, URIRef(NAMESPACE + "WeekdayTimePeriod")))
    codes = load_vocabularies().get("session_times").codes
    assert {str(p)[len(NAMESPACE) :] for p in periods} == set(codes)
    assert len(codes) == 21  # 7 days x morning, afternoon, evening


def test_unknown_code_message_names_it_and_the_valid_ones() -> None:
    causes = load_vocabularies().get("causes")
    (message,) = causes.validate(["OlderPeople", "Fishing"])
    assert message.startswith("Unknown cause 'Fishing'. Valid codes: AnimalWelfare, AntiPoverty, ")
    assert "OlderPeople" in message and "'Cause'" not in message
    assert causes.validate(["OlderPeople", "AnimalWelfare"]) == []


def test_validation_helps_with_near_misses() -> None:
    causes = load_vocabularies().get("causes")
    (by_label,) = causes.validate(["animal welfare"])
    assert "Did you mean 'AnimalWelfare'?" in by_label
    (top,) = causes.validate(["Cause"])
    assert top.startswith("'Cause' names the whole list, not one cause.")
    assert causes.validate([7]) == ["Each cause must be a code (text), not 7."]
    assert causes.find("wildlife") == "AnimalWelfare"
    assert causes.find("Society") is None  # a synonym of two causes: no guessing


def test_labels_synonyms_and_hierarchy() -> None:
    causes = load_vocabularies().get("causes")
    pairs = dict(causes.synonym_pairs())
    assert {"Wildlife", "Pets"} <= set(pairs["Animal Welfare"])
    assert all(synonyms for synonyms in pairs.values())
    assert "MentalHealth" in causes.narrower("Health")
    with pytest.raises(KeyError, match="Unknown cause 'Fishing'"):
        causes.label("Fishing")
    with pytest.raises(KeyError, match="Valid names: causes, skills"):
        load_vocabularies().get("hobbies")


def test_standard_example_uses_codes_its_taxonomies_lack() -> None:
    """The standard's own example carries codes its Turtle does not define (commit d31ca80).

    Pinned so that a new standard release that adds them shows up here, and so that
    whoever validates partner data knows strict validation rejects the official example.
    """
    vocabularies = load_vocabularies()
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    fields = {
        "cause": "causes",
        "skill": "skills",
        "requirement": "requirements",
        "reward": "rewards",
        "time": "session_times",
    }
    missing: set[tuple[str, str]] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in fields and isinstance(value, list):
                    codes = [iri.removeprefix(NAMESPACE) for iri in value]
                    vocabulary = vocabularies.get(fields[key])
                    missing.update((key, c) for c in codes if c not in vocabulary)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(example)
    assert missing == {
        ("skill", "CustomerService"),
        ("skill", "Teamwork"),
        ("reward", "TrainingProvided"),
        ("reward", "ExpensesReimbursed"),
    }
