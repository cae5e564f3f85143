"""The public search API's query string, checked field by field (marshmallow).

Partner sites build on these names, so they are a contract: see docs/search-api.md.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from services.common.vocab.vocabularies import load_vocabularies
from services.search.domain.query import (
    DEFAULT_RADIUS_KM,
    MAX_OFFSET,
    MAX_PER_PAGE,
    MAX_RADIUS_KM,
    RemoteMode,
    Sort,
)

COMMITMENTS = ("one_off", "regular", "flexible", "micro")
MAX_QUERY_CHARS = 200
MAX_CODES = 30
# Control characters (tab and line breaks aside), lone surrogates and the two
# non-characters: no one types them, and XML 1.0 cannot carry them, so a feed echoing the
# search words would fail to render (a 500) rather than refuse them (a 422).
_UNPRINTABLE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff"
PRINTABLE = validate.Regexp(
    f"^[^{_UNPRINTABLE}]*$", error="Remove the control characters from this value."
)


class CodeList(fields.Field):
    """A comma-separated list of codes from one vocabulary (or a fixed list)."""

    def __init__(self, vocabulary: str | None = None, choices: tuple[str, ...] = (), **kw: Any):
        super().__init__(load_default=frozenset, **kw)
        self.vocabulary = vocabulary
        self.choices = choices

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> frozenset[str]:
        if not isinstance(value, str):
            raise ValidationError("Give the codes as one comma-separated value.")
        codes = [c.strip() for c in value.split(",") if c.strip()]
        if len(codes) > MAX_CODES:
            raise ValidationError(f"Give at most {MAX_CODES} codes.")
        if self.vocabulary is not None:
            errors = load_vocabularies()[self.vocabulary].validate(codes)
        else:
            errors = [
                f"Unknown value '{c}'. Valid values: {', '.join(self.choices)}"
                for c in dict.fromkeys(codes)
                if c not in self.choices
            ]
        if errors:
            raise ValidationError(errors)
        return frozenset(codes)


class SearchParams(Schema):
    """``GET /api/v1/search``: every parameter optional; bad ones are named in a 422."""

    class Meta:
        unknown = EXCLUDE  # checked by hand below, so tracking parameters (utm_*) pass

    postcode = fields.String(validate=[validate.Length(min=2, max=10), PRINTABLE])
    lat = fields.Float(allow_nan=False)
    lon = fields.Float(allow_nan=False)
    radius_km = fields.Float(
        load_default=DEFAULT_RADIUS_KM,
        allow_nan=False,
        validate=validate.Range(
            min=0, max=MAX_RADIUS_KM, min_inclusive=False, error="Must be above 0 and at most 200."
        ),
    )
    q = fields.String(
        validate=[
            validate.Length(
                max=MAX_QUERY_CHARS,
                error=f"Keep the search words under {MAX_QUERY_CHARS} characters.",
            ),
            PRINTABLE,
        ]
    )
    causes = CodeList("causes")
    skills = CodeList("skills")
    accessibility = CodeList("accessibility")
    exclude_requirements = CodeList("requirements")
    available = CodeList("session_times")
    commitment = CodeList(choices=COMMITMENTS)
    organisation = fields.String(validate=[validate.Length(max=40 * 20), PRINTABLE])
    remote = fields.Enum(RemoteMode, by_value=True, load_default=RemoteMode.INCLUDE)
    age = fields.Integer(strict=False, validate=validate.Range(min=0, max=120))
    starts_before = fields.Date()
    ends_after = fields.Date()
    sort = fields.Enum(Sort, by_value=True)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(min=1, max=MAX_PER_PAGE, error="Must be between 1 and 50."),
    )
    cursor = fields.String(validate=[validate.Length(max=2000), PRINTABLE])

    @pre_load
    def _no_unknown(self, data: Any, **_kw: Any) -> Any:
        known = set(self.fields)
        unknown = [k for k in data if k not in known and not k.startswith("utm_")]
        if unknown:
            raise ValidationError(
                {k: [f"Unknown parameter. Valid ones: {', '.join(sorted(known))}"] for k in unknown}
            )
        return {k: v for k, v in data.items() if v != ""}  # an empty form field means "any"

    @validates_schema
    def _place(self, data: dict[str, Any], **_kw: Any) -> None:
        has_point = "lat" in data or "lon" in data
        if "postcode" in data and has_point:
            raise ValidationError("Give a postcode or lat and lon, not both.", "postcode")
        if has_point and not ("lat" in data and "lon" in data):
            raise ValidationError("Give both lat and lon.", "lat" if "lat" not in data else "lon")
        if data.get("page", 1) * data.get("per_page", 20) > MAX_OFFSET:
            raise ValidationError(
                f"Pages stop after {MAX_OFFSET} results: follow next_cursor instead.", "page"
            )

    @post_load
    def _organisations(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        raw = data.pop("organisation", "")
        data["organisation_ids"] = frozenset(x.strip() for x in raw.split(",") if x.strip())
        return data


class SuggestParams(Schema):
    q = fields.String(required=True, validate=[validate.Length(min=1, max=100), PRINTABLE])
    limit = fields.Integer(load_default=8, validate=validate.Range(min=1, max=20))


# --- the request path: parsed once per distinct query string --------------------------------

# Building a Schema deep-copies its declared fields (about as long as a load): one each.
_SEARCH = SearchParams()
_SUGGEST = SuggestParams()
# Distinct parameter sets kept; a popular search (a postcode, a cause) repeats often.
PARSED_CACHE_SIZE = 4096


def load_search_params(args: Mapping[str, str]) -> dict[str, Any]:
    """``SearchParams().load(args)``, remembered per parameter set (bounded, LRU).

    The result depends on nothing but the parameters (and the vocabularies, fixed for a
    process), so a repeat skips marshmallow. Invalid parameters raise as usual and are not
    remembered. A fresh dict each time: callers may add to it.
    """
    return dict(_load_search(tuple(sorted(args.items()))))


@functools.lru_cache(maxsize=PARSED_CACHE_SIZE)
def _load_search(items: tuple[tuple[str, str], ...]) -> Mapping[str, Any]:
    loaded: dict[str, Any] = _SEARCH.load(dict(items))
    return MappingProxyType(loaded)  # shared between requests: read-only


def load_suggest_params(args: Mapping[str, str]) -> dict[str, Any]:
    loaded: dict[str, Any] = _SUGGEST.load(dict(args))
    return loaded
