"""Prometheus metrics shared by every service; each series is labelled by service.

Defined once per process: in embedded mode all services live in one process and share the
default registry, so names must not clash.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "vmp_http_requests_total", "HTTP requests handled", ["service", "method", "status"]
)
HTTP_LATENCY = Histogram(
    "vmp_http_request_seconds",
    "HTTP request latency",
    ["service"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PUBLISHED = Counter(
    "vmp_events_published_total", "Events published from the outbox", ["service", "topic"]
)
EVENTS_CONSUMED = Counter(
    "vmp_events_consumed_total",
    "Events handled by consumers, by outcome",
    ["service", "group", "topic", "outcome"],
)
