"""A search's results as Atom 1.0, RSS 2.0 and JSON Feed 1.1, plus the OpenSearch description.

Pure rendering: the caller runs the search and passes the hits; nothing here touches Flask,
the index or the clock. feedgen writes Atom and RSS (it escapes and formats dates the way
readers expect); JSON Feed is a plain dict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from feedgen.feed import FeedGenerator

from services.common.vocab.vocabularies import Vocabulary
from services.search.domain.documents import GeoPoint, Hit

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
SITE_NAME = "Volunteering roles"
# Feeds with no entries still need an updated time; a fixed one keeps their ETag stable.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Category:
    """A cause as a feed category: the standard's code, its label, and its IRI's namespace."""

    term: str
    label: str
    scheme: str


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    summary: str
    url: str
    organisation: str
    place: str | None
    published: dt.datetime
    updated: dt.datetime
    causes: tuple[Category, ...]
    point: GeoPoint | None

    @property
    def text(self) -> str:
        """The summary with who and where, for readers that show nothing else."""
        where = f" · {self.place}" if self.place else ""
        return f"{self.summary}\n\n{self.organisation}{where}".strip()


@dataclass(frozen=True)
class FeedInfo:
    """What describes the feed itself; ``links`` maps each format to its URL for this search."""

    title: str
    html_url: str
    links: dict[str, str]
    updated: dt.datetime


def entry_from_hit(hit: Hit, public_url: str, causes: Vocabulary) -> FeedEntry:
    doc = hit.document
    point = hit.nearest or (doc.locations[0] if doc.locations else None)
    return FeedEntry(
        id=doc.id,
        title=doc.title,
        summary=doc.summary,
        url=f"{public_url}/opportunities/{doc.id}",
        organisation=doc.organisation_name,
        place=place_of(point, remote=doc.remote),
        published=doc.published_at,
        updated=doc.updated_at,
        causes=tuple(_category(causes, code) for code in doc.causes if code in causes),
        point=point,
    )


def place_of(point: GeoPoint | None, *, remote: bool) -> str | None:
    """The outward code ("SE1") of the role's nearest place: short enough for a reader's
    one-line listing (the exact point is in georss:point); remote roles say so."""
    outward = point.postcode.split()[0] if point and point.postcode else None
    if outward and remote:
        return f"{outward} or remote"
    return outward or ("Remote" if remote else None)


def feed_title(text: str | None, location: dict[str, Any]) -> str:
    title = SITE_NAME
    if text:
        title += f" matching “{text}”"
    if location.get("postcode"):
        title += f" near {location['postcode']}"
    return title


def last_updated(entries: Sequence[FeedEntry]) -> dt.datetime:
    return max((e.updated for e in entries), default=EPOCH)


def atom(info: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    fg = _generator(info, entries, "atom", for_rss=False)
    fg.id(info.links["atom"])
    return bytes(fg.atom_str(pretty=True))


def rss(info: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    # RSS shows a category's text, and its domain + text should read as the code's IRI.
    fg = _generator(info, entries, "rss", for_rss=True)
    return bytes(fg.rss_str(pretty=True))


def _generator(
    info: FeedInfo, entries: Sequence[FeedEntry], kind: str, *, for_rss: bool
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc")  # dc:creator carries the organisation in RSS
    fg.load_extension("geo")  # georss:point on each placed role
    fg.title(info.title)
    fg.subtitle(f"{info.title}, as the search API returns them")  # RSS needs a description
    fg.link(href=info.links[kind], rel="self", type=f"application/{kind}+xml")
    # After "self": feedgen gives RSS's channel <link> the last link added.
    fg.link(href=info.html_url, rel="alternate", type="text/html")
    fg.author({"name": SITE_NAME})
    fg.language("en-GB")
    fg.updated(info.updated)
    for entry in entries:
        _add_entry(fg, entry, for_rss=for_rss)
    return fg


def _add_entry(fg: FeedGenerator, entry: FeedEntry, *, for_rss: bool) -> None:
    fe = fg.add_entry(order="append")  # feedgen prepends by default; keep the search's order
    fe.id(entry.url)
    fe.guid(entry.url, permalink=True)
    fe.title(entry.title)
    fe.link(href=entry.url, rel="alternate", type="text/html")
    fe.summary(entry.text)
    fe.author({"name": entry.organisation})
    fe.dc.dc_creator(entry.organisation)
    if for_rss:  # RSS has no updated time of its own; readers take dc:date for it
        fe.dc.dc_date(entry.updated.isoformat())
    fe.published(entry.published)
    fe.updated(entry.updated)
    for cause in entry.causes:
        label = {} if for_rss else {"label": cause.label}
        fe.category(term=cause.term, scheme=cause.scheme, **label)
    if entry.point is not None:
        fe.geo.point(f"{entry.point.latitude} {entry.point.longitude}")


def json_feed(info: FeedInfo, entries: Sequence[FeedEntry]) -> dict[str, Any]:
    return {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.html_url,
        "feed_url": info.links["json"],
        "language": "en-GB",
        "items": [_json_item(e) for e in entries],
    }


def _json_item(entry: FeedEntry) -> dict[str, Any]:
    return {
        "id": entry.url,
        "url": entry.url,
        "title": entry.title,
        "summary": entry.summary,
        "content_text": entry.text,
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
        "authors": [{"name": entry.organisation}],
        "tags": [c.label for c in entry.causes],
        # JSON Feed's extension rule: custom keys start with "_" and say what they are.
        "_volunteering": {
            "about": "https://volunteeringdata.io",
            "role_id": entry.id,
            "organisation": entry.organisation,
            "place": entry.place,
            "causes": [c.term for c in entry.causes],
        },
    }


def opensearch(public_url: str) -> bytes:
    """OpenSearch 1.1: lets browsers and partner sites offer the platform's search."""
    ET.register_namespace("", OPENSEARCH_NS)
    root = ET.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription")
    for tag, text in (
        ("ShortName", "Volunteering"),
        ("Description", "Search volunteering roles by words and place"),
        ("InputEncoding", "UTF-8"),
        ("OutputEncoding", "UTF-8"),
        ("Language", "en-GB"),
    ):
        ET.SubElement(root, f"{{{OPENSEARCH_NS}}}{tag}").text = text
    for kind, path in (
        ("text/html", "/search"),
        ("application/atom+xml", "/feeds/search.atom"),
        ("application/rss+xml", "/feeds/search.rss"),
    ):
        template = f"{public_url}{path}?q={{searchTerms}}"
        ET.SubElement(root, f"{{{OPENSEARCH_NS}}}Url", type=kind, template=template)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _category(causes: Vocabulary, code: str) -> Category:
    concept = causes.concept(code)
    return Category(code, concept.label, concept.iri[: -len(code)] or concept.iri)
