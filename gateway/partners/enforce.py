"""API keys, rate limits and CORS on the public search API, checked in the gateway.

Runs as ``before_request``/``after_request`` hooks on the gateway app, so the services
behind it never see a key: the gateway strips ``X-Api-Key`` and ``api_key`` before
forwarding, which also keeps keys out of service logs and of links a feed echoes back.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Flask, Response, current_app, g, request

from gateway.partners import keys
from gateway.partners.limits import Clock, Limit, RateLimiter
from gateway.partners.store import ApiKey, PartnerStore
from gateway.partners.tally import BatchedCounters
from services.common.problems import Problem

log = logging.getLogger(__name__)
PUBLIC_PREFIXES = ("/api/v1/search", "/api/v1/open-data", "/feeds")
MINUTE, DAY = 60, 86_400
KEY_HEADER = "X-Api-Key"
KEY_PARAM = "api_key"


@dataclass
class Partners:
    """What the hooks and the partner API share; ``app.extensions["partners"]``."""

    store: PartnerStore
    anonymous_per_minute: int = 60  # 0: anonymous calls are not limited
    clock: Clock = field(default=time.time)
    # This worker's counts, written to the store in batches; one per app, not per request.
    tally: BatchedCounters = field(init=False)

    def __post_init__(self) -> None:
        self.tally = BatchedCounters(self.store)

    @property
    def limiter(self) -> RateLimiter:
        # Looks the clock up on every call so a test can swap it on a running app.
        return RateLimiter(self.tally, lambda: self.clock())


def partners() -> Partners:
    found: Partners = current_app.extensions["partners"]
    return found


def is_public(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_PREFIXES)


def install(app: Flask, state: Partners) -> None:
    app.extensions["partners"] = state
    app.before_request(_guard)
    app.after_request(_decorate)


def _guard() -> Response | None:
    if not is_public(request.path):
        return None
    supplied = request.headers.get(KEY_HEADER) or request.args.get(KEY_PARAM)
    key = authenticate(supplied) if supplied else None
    origin = keys.normalise_origin(request.headers.get("Origin", "")) or None
    if request.method == "OPTIONS":
        return _preflight(key, origin)
    if key is not None and origin and key.origins and origin not in key.origins:
        raise Problem(403, "Forbidden", "This API key may not be used from this website.")
    g.partner_key = key
    g.partner_cors = origin if key is not None and origin in key.origins else None
    if key is None and not partners().anonymous_per_minute:
        return None
    caller, limits = _limits_for(key)
    verdict = partners().limiter.hit(caller, limits)
    g.rate_verdict = verdict
    if not verdict.allowed:
        log.info("rate limit reached", extra={"api_key_id": key.id if key else None})
        raise Problem(
            429,
            "Too Many Requests",
            "You have made too many requests. Try again after the time in Retry-After.",
            headers={"Retry-After": str(verdict.reset_s)},
        )
    return None


def authenticate(supplied: str) -> ApiKey:
    """The active key the text names, or ``Problem(401)``. Never logs the text itself."""
    parsed = keys.parse(supplied.strip())
    key = partners().store.key(parsed[0]) if parsed else None
    if parsed is None or key is None or not keys.matches(parsed[1], key.secret_hash):
        raise _unauthorised("The API key is not recognised.")
    if key.revoked_at is not None:
        log.info("revoked api key used", extra={"api_key_id": key.id})
        raise _unauthorised("The API key has been revoked.")
    return key


def _unauthorised(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": "ApiKey"})


def _limits_for(key: ApiKey | None) -> tuple[str, list[Limit]]:
    if key is None:
        # Behind a load balancer, remote_addr is the balancer unless ProxyFix is configured.
        anonymous = Limit("minute", partners().anonymous_per_minute, MINUTE)
        return f"ip:{request.remote_addr or 'unknown'}", [anonymous]
    return f"key:{key.id}", [
        Limit("minute", key.per_minute, MINUTE),
        Limit("day", key.daily_quota, DAY),
    ]


def _preflight(key: ApiKey | None, origin: str | None) -> Response:
    """Answer a CORS preflight. Browsers send no custom headers on it, so unless the key
    is in the query we can only ask whether any active key allows this origin; the real
    request that follows is then checked against its own key's origins."""
    if origin is not None:
        store = partners().store
        allowed = origin in key.origins if key else store.origin_allowed_by_any_key(origin)
        g.partner_cors = origin if allowed else None
    response = Response(status=204)
    if g.get("partner_cors"):
        response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = KEY_HEADER
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def _decorate(response: Response) -> Response:
    if not is_public(request.path):
        return response
    verdict = g.get("rate_verdict")
    if verdict is not None:
        # draft-ietf-httpapi-ratelimit-headers-07 (the separate-field form):
        # https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-07
        response.headers["RateLimit-Limit"] = str(verdict.limit)
        response.headers["RateLimit-Remaining"] = str(verdict.remaining)
        response.headers["RateLimit-Reset"] = str(verdict.reset_s)
        response.headers["RateLimit-Policy"] = verdict.policy
    if g.get("partner_key") is not None or request.method == "OPTIONS":
        # The search service answers "*" for anonymous use; a keyed answer is for the key's
        # own origins only, so the gateway replaces it.
        response.headers.pop("Access-Control-Allow-Origin", None)
        response.vary.add("Origin")
        origin = g.get("partner_cors")
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = (
                "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, "
                "Retry-After"
            )
    return response


def without_credentials(environ: dict[str, Any]) -> dict[str, Any]:
    """The environ to forward: no API key in the headers or the query string."""
    environ.pop("HTTP_X_API_KEY", None)
    query = environ.get("QUERY_STRING", "")
    if KEY_PARAM in query:
        pairs = parse_qsl(query, keep_blank_values=True)
        environ["QUERY_STRING"] = urlencode([(k, v) for k, v in pairs if k != KEY_PARAM])
    return environ
