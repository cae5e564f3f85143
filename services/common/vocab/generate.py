"""Regenerate the checked-in vocabulary JSON from the UK Volunteering Data standard.

    python -m services.common.vocab.generate --source services/common/vocab/source

Dev-time only (needs ``rdflib``, a dev dependency): services read the JSON it writes to
``services/common/vocab/data/`` with the standard library, because a user's clone has
neither rdflib at run time nor the standard's Turtle files.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

NAMESPACE = "https://ns.volunteeringdata.io/"
VSD = Namespace(NAMESPACE)
TIME = Namespace("http://www.w3.org/2006/time#")
STANDARD = "UK Volunteering Data standard"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0"
LICENCE_FILE = "LICENSE-OGL-v3.txt"
DATA_DIR = Path(__file__).parent / "data"
EXAMPLE = "example-organisations.jsonld"
EXAMPLE_COPY = Path(__file__).parents[3] / "tests" / "data" / EXAMPLE

# name -> (Turtle file, the singular noun messages use)
TAXONOMIES = {
    "causes": ("taxonomy_cause.ttl", "cause"),
    "skills": ("taxonomy_skill.ttl", "skill"),
    "requirements": ("taxonomy_requirement.ttl", "requirement"),
    "rewards": ("taxonomy_reward.ttl", "reward"),
    "accessibility": ("taxonomy_accessibility.ttl", "accessibility feature"),
}
SESSION_TIMES = ("session_times", "ontology_time.ttl", "session time")


class VocabularyError(ValueError):
    """The Turtle source breaks an assumption the runtime relies on."""


def local_name(iri: Node) -> str:
    text = str(iri)
    if not text.startswith(NAMESPACE):
        raise VocabularyError(f"{text} is outside the {NAMESPACE} namespace")
    return text[len(NAMESPACE) :]


def english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    """Literals tagged @en, plus untagged ones: several accessibility labels have no tag."""
    values = graph.objects(subject, predicate)
    return sorted({str(v) for v in values if isinstance(v, Literal) and v.language in ("en", None)})


def taxonomy_concepts(graph: Graph) -> list[dict[str, Any]]:
    """Every skos:Concept, top concept included, as the JSON the runtime reads."""
    concepts: list[dict[str, Any]] = []
    for subject in graph.subjects(RDF.type, SKOS.Concept):
        assert isinstance(subject, URIRef)
        concepts.append(
            {
                "code": local_name(subject),
                "iri": str(subject),
                "label": _one_label(graph, subject, SKOS.prefLabel),
                "synonyms": english(graph, subject, SKOS.altLabel),
                "broader": sorted(local_name(b) for b in graph.objects(subject, SKOS.broader)),
                "definition": next(iter(english(graph, subject, SKOS.definition)), None),
            }
        )
    return _checked(concepts)


def top_concept(graph: Graph) -> str | None:
    tops = [local_name(s) for s in graph.subjects(SKOS.topConceptOf, None)]
    if len(tops) > 1:
        raise VocabularyError(f"expected one top concept, found {tops}")
    return tops[0] if tops else None


def session_time_concepts(graph: Graph) -> list[dict[str, Any]]:
    """The weekday x part-of-day periods (MondayMorning ...), with their clock times."""
    concepts: list[dict[str, Any]] = []
    for subject in graph.subjects(RDF.type, VSD.WeekdayTimePeriod):
        assert isinstance(subject, URIRef)
        day, starts = _instant(graph, subject, TIME.hasBeginning)
        _, ends = _instant(graph, subject, TIME.hasEnd)
        label = _one_label(graph, subject, RDFS.label)
        concepts.append(
            {
                "code": local_name(subject),
                "iri": str(subject),
                "label": label,
                "synonyms": [],
                "broader": [],
                "definition": None,
                "day": day,
                "part_of_day": label.split()[-1],
                "starts": starts,
                "ends": ends,
            }
        )
    return _checked(concepts)


def _instant(graph: Graph, period: URIRef, edge: URIRef) -> tuple[str, str]:
    """(weekday, "HH:MM") of a period's beginning or end."""
    instant = graph.value(period, edge)
    described = graph.value(instant, TIME.inDateTime)
    day = graph.value(described, TIME.dayOfWeek)
    hour, minute = graph.value(described, TIME.hour), graph.value(described, TIME.minute)
    if day is None or hour is None:
        raise VocabularyError(f"{period} has no {edge} day and hour")
    return str(day).rsplit("#", 1)[-1], f"{int(str(hour)):02d}:{int(str(minute or 0)):02d}"


def _one_label(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    labels = english(graph, subject, predicate)
    if len(labels) != 1:
        raise VocabularyError(f"{subject} needs exactly one English label, has {labels}")
    return labels[0]


def _checked(concepts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    concepts.sort(key=lambda concept: concept["code"])
    codes = [concept["code"] for concept in concepts]
    if len(set(codes)) != len(codes):
        raise VocabularyError("duplicate concept codes")
    for concept in concepts:
        missing = set(concept["broader"]) - set(codes)
        if missing:
            raise VocabularyError(f"{concept['code']} is narrower than unknown {sorted(missing)}")
    return concepts


def document(
    name: str, item: str, filename: str, commit: str, concepts: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": name,
        "item": item,
        "source": {
            "standard": STANDARD,
            "commit": commit,
            "iri_namespace": NAMESPACE,
            "file": filename,
        },
        "attribution": ATTRIBUTION,
        "top_concept": None,
        "concepts": concepts,
    }


def source_commit(source: Path) -> str:
    """The standard's commit, as the source folder's README records it."""
    readme = (source / "README.md").read_text(encoding="utf-8")
    found = re.search(r"commit\s+([0-9a-f]{7,40})", readme)
    if not found:
        raise VocabularyError(f"{source / 'README.md'} does not name the standard's commit")
    return found.group(1)


def generate(source: Path, out: Path = DATA_DIR) -> dict[str, int]:
    """Write every vocabulary JSON, the licence and README into ``out``; return counts."""
    commit = source_commit(source)
    documents = []
    for name, (filename, item) in TAXONOMIES.items():
        graph = Graph().parse(source / filename)
        doc = document(name, item, filename, commit, taxonomy_concepts(graph))
        doc["top_concept"] = top_concept(graph)
        documents.append(doc)
    name, filename, item = SESSION_TIMES
    graph = Graph().parse(source / filename)
    documents.append(document(name, item, filename, commit, session_time_concepts(graph)))
    out.mkdir(parents=True, exist_ok=True)
    for doc in documents:
        _write_json(out / f"{doc['name']}.json", doc)
    shutil.copyfile(source / LICENCE_FILE, out / LICENCE_FILE)
    (out / "README.md").write_text(_readme(commit, documents), encoding="utf-8")
    return {doc["name"]: len(doc["concepts"]) for doc in documents}


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    # Stable formatting so a regeneration from the same commit is a zero diff.
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _readme(commit: str, documents: Iterable[dict[str, Any]]) -> str:
    rows = "\n".join(
        f"| `{d['name']}.json` | `{d['source']['file']}` | {len(d['concepts'])} |"
        for d in documents
    )
    return f"""# Vocabularies (generated: do not edit by hand)

Coded lists of the {STANDARD} (Volunteering and Social Action Ontology,
repository volunteeringdata/standard, commit `{commit}`), IRI namespace
`{NAMESPACE}`. Our codes are the IRIs' local names (`AnimalWelfare`, `DBSCheck`,
`MondayMorning`).

{ATTRIBUTION}: see `{LICENCE_FILE}`.

| file | from | concepts |
| --- | --- | --- |
{rows}

Each concept has `code`, `iri`, `label` (skos:prefLabel or rdfs:label, English),
`synonyms` (skos:altLabel), `broader` (codes of skos:broader parents) and `definition`;
session times add `day`, `part_of_day`, `starts` and `ends`. Concept counts include the
taxonomy's top concept (`top_concept`, e.g. `Cause`), which names the list itself.

## Regenerate

From the standard's files checked in at `services/common/vocab/source/` (replace them with a
newer release of the standard first, to update):

    .venv/bin/python -m services.common.vocab.generate --source services/common/vocab/source

then review the diff and run `pytest tests/unit/common/test_vocabularies.py`.
"""


def main(argv: list[str] | None = None) -> int:
    """CLI entrypoint."""
    parser = argparse.ArgumentParser(description="Generate vocabulary JSON from the standard")
    parser.add_argument("--source", type=Path, required=True, help="folder with the .ttl files")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--example-out", type=Path, default=EXAMPLE_COPY)
    args = parser.parse_args(argv)
    try:
        counts = generate(args.source, args.out)
    except (OSError, VocabularyError) as exc:
        print(f"Cannot generate vocabularies: {exc}", file=sys.stderr)
        return 2
    args.example_out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.source / EXAMPLE, args.example_out)
    for name, count in counts.items():
        print(f"{name}: {count} concepts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
