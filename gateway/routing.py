"""Which service answers which public path. One table, used in both modes."""

from __future__ import annotations

from dataclasses import dataclass

# Longest prefix wins; every public API path lives under /api/v1.
API_ROUTES: dict[str, str] = {
    "/api/v1/organisations": "opportunities",
    "/api/v1/opportunities": "opportunities",
    "/api/v1/vocabularies": "opportunities",
    "/api/v1/moderation": "opportunities",
    "/api/v1/open-data": "opportunities",
    "/api/v1/search": "search",
    "/api/v1/auth": "volunteers",
    "/api/v1/me": "volunteers",
    # Each service's part of GET /api/v1/me/export (which the gateway itself answers).
    "/api/v1/me/export/opportunities": "opportunities",
    "/api/v1/me/export/availability": "availability",
    "/api/v1/applications": "volunteers",
    "/api/v1/saved-searches": "volunteers",
    "/api/v1/availability": "availability",
    "/api/v1/credentials": "availability",
    "/api/v1/microtasks": "availability",
    "/api/v1/hours": "availability",
    "/api/v1/timebank": "availability",
}
# Public paths outside /api/v1 that a service answers: feeds and OpenSearch (partner sites
# and browsers poll these at stable, well-known URLs).
PUBLIC_ROUTES: dict[str, str] = {"/feeds": "search", "/opensearch.xml": "search"}
SERVICES = ("opportunities", "volunteers", "availability", "search")
OPS_PATHS = ("healthz", "readyz", "metrics", "openapi.json")


@dataclass(frozen=True)
class Target:
    service: str
    path: str


def resolve_api(path: str) -> Target | None:
    for prefix in sorted(API_ROUTES, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + "/"):
            return Target(API_ROUTES[prefix], path)
    return None


def resolve_public(path: str) -> Target | None:
    for prefix, service in PUBLIC_ROUTES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return Target(service, path)
    return None


def resolve_ops(service: str, op: str) -> Target | None:
    """``/services/<service>/<op>`` reaches a service's operational endpoints, nothing else."""
    if service in SERVICES and op in OPS_PATHS:
        return Target(service, "/" + op)
    return None
