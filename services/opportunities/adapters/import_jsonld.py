"""UK Volunteering Data read as JSON-LD: expand the document, then walk it by full IRIs.

Publishers may write the same graph many ways (their own or an inline @context, ``vd:``
prefixes, full IRIs as keys, ``@graph`` or one object, value objects, nodes nested or
flattened and referenced by ``@id``). Expansion turns all of them into one form, so the
walk below only ever sees full IRIs, arrays of values, and ``@id`` references.

No network, ever: the standard's context URL is served from our own copy, and any other
remote context is refused (``UnknownContext``) so a file can never make the import fetch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pyld import jsonld

from services.opportunities.domain.volunteering_data import CONTEXT, VD

STANDARD_CONTEXT_URL = "https://api.volunteeringdata.io/context/v1"
# A role's or activity's "status" (open, closed, draft...) is ours, not the standard's:
# files read before JSON-LD processing could say it, so it keeps a meaning, in a namespace
# that does not pretend to be the standard's.
STATUS = "urn:x-volunteer-platform:status"
# The exporter's context has the standard's terms except two the standard's example uses
# and we never publish; without them expansion would silently drop the charity number.
LOCAL_CONTEXT: dict[str, Any] = {
    **CONTEXT,
    "charityNumber": "vd:organisationCharityNumber",
    "image": {"@id": "vd:organisationImage", "@type": "@id"},
    "status": STATUS,
}
Expanded = list[dict[str, Any]]


class UnknownContext(Exception):
    """The document names a remote @context we do not hold a copy of."""

    def __init__(self, url: str) -> None:
        super().__init__(f"remote @context {url} is not known; inline it")
        self.url = url


def _known_url(url: str) -> bool:
    # Same context whatever the scheme or a trailing slash: publishers write all of them.
    bare = url.strip().rstrip("/").removeprefix("https://").removeprefix("http://")
    return bare == STANDARD_CONTEXT_URL.removeprefix("https://")


def load_context(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: the standard's context from memory, anything else refused."""
    if not _known_url(url):
        raise UnknownContext(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": LOCAL_CONTEXT},
    }


def _has_context(document: Any) -> bool:
    items = document if isinstance(document, list) else [document]
    return any(isinstance(item, Mapping) and "@context" in item for item in items)


def expand(document: Any) -> Expanded:
    """The document in expanded form; raises UnknownContext or pyld's JsonLdError.

    A file with no @context at all is read with the standard's terms, as plain JSON was
    read before: otherwise JSON-LD would drop every key and import nothing, silently.
    """
    # No base IRI: relative ids and bare codes ("DBSCheck") stay as written instead of
    # being resolved against pyld's placeholder base.
    options: dict[str, Any] = {"documentLoader": load_context, "base": None}
    if not _has_context(document):
        options["expandContext"] = {"@context": LOCAL_CONTEXT}
    expanded: Expanded = jsonld.expand(document, options)
    return expanded


def unknown_context(error: BaseException) -> UnknownContext | None:
    """The UnknownContext behind one of pyld's errors, which wraps the loader's."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, UnknownContext):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None


# --- the graph ---------------------------------------------------------------------------


class Graph:
    """Every node of an expanded document by @id, each occurrence's properties merged.

    A flattened document says a node's properties once, at the top, and refers to it by
    @id elsewhere; a nested one says them in place. Merging makes both look the same.
    """

    def __init__(self, expanded: Expanded) -> None:
        self.by_id: dict[str, dict[str, list[Any]]] = {}
        # Document order of first appearance: ids for named nodes, the node for blank ones.
        self.order: list[str | dict[str, Any]] = []
        self._collect(expanded)

    def _collect(self, value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                self._collect(item)
            return
        if not isinstance(value, dict) or "@value" in value:
            return
        if "@list" in value:
            self._collect(value["@list"])
            return
        self._add(value)
        for key, item in value.items():
            if key not in ("@id", "@type", "@context"):
                self._collect(item)

    def _add(self, node: dict[str, Any]) -> None:
        node_id = node.get("@id")
        if node_id is None:
            self.order.append(node)
            return
        fields = {key: _many(items) for key, items in node.items() if key != "@id"}
        merged = self.by_id.get(node_id)
        if merged is None:
            self.by_id[node_id] = fields
            self.order.append(node_id)
            return
        # Only a node met again pays for the comparison: mostly a bare reference, cheap.
        for key, items in fields.items():
            values = merged.setdefault(key, [])
            values += [v for v in items if v not in values]

    def node(self, value: Mapping[str, Any]) -> Node:
        node_id = value.get("@id")
        merged = self.by_id.get(node_id) if isinstance(node_id, str) else None
        return Node(merged if merged is not None else value, node_id, self)

    def of_type(self, local: str) -> Iterator[Node]:
        for entry in self.order:
            node = self.node({"@id": entry} if isinstance(entry, str) else entry)
            if VD + local in node.types():
                yield node


@dataclass(frozen=True)
class Node:
    """One node; a property is its local name in the standard's namespace, or a full IRI."""

    data: Mapping[str, Any]
    raw_id: str | None
    graph: Graph

    @property
    def id(self) -> str | None:
        """The node's IRI; None for a blank node, whose label means nothing outside the file."""
        if self.raw_id is None or self.raw_id.startswith("_:"):
            return None
        return self.raw_id

    def types(self) -> list[str]:
        return [str(t) for t in self.data.get("@type", [])]

    def values(self, local: str) -> list[Any]:
        found: list[Any] = []
        for value in self.data.get(local if ":" in local else VD + local, []):
            # An ordered list (@container @list) holds its items one level down.
            found += value["@list"] if isinstance(value, Mapping) and "@list" in value else [value]
        return found

    def nodes(self, local: str) -> list[Node]:
        return [self.graph.node(v) for v in self.values(local) if isinstance(v, Mapping)]

    def iris(self, local: str) -> list[str]:
        """IRIs, or the text a publisher wrote where its context did not declare an IRI."""
        return [str(v) for v in map(_plain, self.values(local)) if v not in (None, "")]

    def value(self, local: str) -> Any:
        """The first value as plain JSON (a literal's value, a reference's IRI), or None."""
        values = self.values(local)
        return _plain(values[0]) if values else None

    def text(self, local: str) -> str:
        value = self.value(local)
        return "" if value is None else str(value)


def _many(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get("@value", value.get("@id"))
    return value


# --- the standard's shape ----------------------------------------------------------------


@dataclass(frozen=True)
class RoleNodes:
    organisation: Node
    activity: Node
    role: Node
    source_id: str


def roles(graph: Graph) -> Iterator[RoleNodes]:
    """Organisation -> activity -> role, in document order; one item per role.

    A role without its own id is known by its activity's id and its place in the activity
    (``...#role-1``), which stays stable as long as the publisher keeps the order.
    """
    for org in graph.of_type("Organisation"):
        for a_index, activity in enumerate(org.nodes("organisationActivity"), start=1):
            activity_id = activity.id or f"{org.id}#activity-{a_index}"
            for r_index, role in enumerate(activity.nodes("activityRole"), start=1):
                yield RoleNodes(org, activity, role, role.id or f"{activity_id}#role-{r_index}")
