"""The coded lists roles are described with (UK Volunteering Data standard), read-only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from marshmallow import Schema, fields

from services.common.openapi import operation
from services.common.vocab.vocabularies import Concept, Vocabularies, Vocabulary
from services.opportunities.api.common import json_response, runtime
from services.opportunities.domain.errors import NotFound

bp = Blueprint("vocabularies", __name__, url_prefix="/api/v1/vocabularies")
TAGS = ("vocabularies",)


class VocabularySummaryOut(Schema):
    name = fields.String()
    item = fields.String()
    count = fields.Integer()
    href = fields.String()


class VocabulariesOut(Schema):
    attribution = fields.String()
    vocabularies = fields.List(fields.Nested(VocabularySummaryOut))


class ConceptOut(Schema):
    code = fields.String()
    label = fields.String()
    synonyms = fields.List(fields.String())
    broader = fields.List(fields.String())
    definition = fields.String(allow_none=True)
    day = fields.String(metadata={"description": "Session times only"})
    part_of_day = fields.String(metadata={"description": "Session times only"})
    starts = fields.String(metadata={"description": "Session times only, HH:MM"})
    ends = fields.String(metadata={"description": "Session times only, HH:MM"})


class VocabularyOut(Schema):
    name = fields.String()
    item = fields.String()
    attribution = fields.String()
    source = fields.Dict(keys=fields.String(), values=fields.String())
    top_concept = fields.String(allow_none=True)
    concepts = fields.List(fields.Nested(ConceptOut))


def _vocabularies() -> Vocabularies:
    found: Vocabularies = runtime().extensions["vocabularies"]
    return found


@bp.get("")
@operation(summary="The vocabularies and their sizes", tags=TAGS, responses={200: VocabulariesOut})
def index() -> Response:
    vocabularies = _vocabularies()
    return json_response(
        {
            "attribution": vocabularies.attribution,
            "vocabularies": [_summary(vocabularies[name]) for name in vocabularies.names()],
        }
    )


@bp.get("/<name>")
@operation(summary="One vocabulary and its concepts", tags=TAGS, responses={200: VocabularyOut})
def show(name: str) -> Response:
    try:
        vocabulary = _vocabularies().get(name)
    except KeyError as exc:
        raise NotFound(str(exc.args[0]), valid_names=list(_vocabularies().names())) from None
    return json_response(_full(vocabulary))


def _summary(vocabulary: Vocabulary) -> dict[str, Any]:
    return {
        "name": vocabulary.name,
        "item": vocabulary.item,
        "count": len(vocabulary.codes),
        "href": f"{bp.url_prefix}/{vocabulary.name}",
    }


def _full(vocabulary: Vocabulary) -> dict[str, Any]:
    """Every selectable concept (the top concept only names the list, so it is left out)."""
    return {
        "name": vocabulary.name,
        "item": vocabulary.item,
        "attribution": vocabulary.attribution,
        "source": dict(vocabulary.source),
        "top_concept": vocabulary.top_concept,
        "concepts": [_concept(vocabulary.concept(code)) for code in vocabulary.codes],
    }


def _concept(concept: Concept) -> dict[str, Any]:
    return {
        "code": concept.code,
        "label": concept.label,
        "synonyms": list(concept.synonyms),
        "broader": list(concept.broader),
        "definition": concept.definition,
        **concept.details,
    }
