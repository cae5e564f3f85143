"""The authorisation matrix's vocabulary: the row type, principals and who-may sets.

See ``tests/unit/authorisation_matrix.py`` for what a row's fields mean; the rows live
there and, for micro-volunteering, in ``tests/unit/authorisation_micro.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gateway.routing import resolve_api

if TYPE_CHECKING:
    from tests.unit.authorisation_world import World

OWN, OTHER, SELF = "own", "other", "self"
ANY = frozenset({OWN, OTHER, SELF})
SIGNED_IN = ("va", "vb", "ox", "ex", "oy", "cx", "dx", "admin")
EVERYONE = ("anonymous", *SIGNED_IN)
VOLUNTEERS, MEMBERS, OWNERS, STAFF = ("va", "vb"), ("ox", "ex", "oy"), ("ox", "oy"), ("cx", "dx")
OPS_RULES = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json"})
Fresh = Callable[["World", str, str], dict[str, Any]]


def allow(*who: str, on: Iterable[str] = ANY) -> dict[str, frozenset[str]]:
    return {name: frozenset(on) for name in who}


def service_of(rule: str) -> str:
    target = resolve_api(rule) if rule.startswith("/api/v1") else None
    return target.service if target else "gateway"


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    ok: Mapping[str, frozenset[str]]
    path: str = ""
    variant: str = ""
    query: Mapping[str, str] | None = None
    body: Callable[[dict[str, Any]], Any] | None = None
    headers: Mapping[str, str] | None = None
    fresh: Fresh | None = None
    service: str = ""  # who answers: derived from the path, but "gateway" for its own routes
    tenants: tuple[str, ...] = (OWN, OTHER)
    status: Mapping[tuple[str, str], int] = field(default_factory=dict)
    leaks: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        if not self.path:
            object.__setattr__(self, "path", self.rule)
        if not self.service:
            object.__setattr__(self, "service", service_of(self.rule))


def public(method: str, rule: str, **options: Any) -> Row:
    """Anyone, signed in or not, on anything (what is public is checked by the leak check)."""
    return Row(method, rule, allow(*EVERYONE), **options)


def own_data(method: str, rule: str, **options: Any) -> Row:
    """Signed-in callers, on their own account or data only."""
    return Row(method, rule, allow(*SIGNED_IN), tenants=(SELF,), **options)


MEMBERS_OF_OWN = allow(*MEMBERS, on=[OWN])
ADMIN = allow("admin")
EDITORS = MEMBERS_OF_OWN | ADMIN  # members of the object's organisation, and admins
OWNERS_ONLY = allow(*OWNERS, on=[OWN]) | ADMIN
