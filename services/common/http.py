"""The Flask app every service is built on: health, readiness, metrics, OpenAPI, problems.

A service's ``create_app(config)`` calls ``create_service_app`` with its blueprints and
readiness checks; everything generic lives here once.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.common import metrics
from services.common.api import check_body
from services.common.auth import resolve_secret
from services.common.config import Config
from services.common.openapi import build_openapi
from services.common.problems import Problem, problem_response, register_problem_handlers

log = logging.getLogger(__name__)
ReadinessCheck = Callable[[], None]
_READY_TIMEOUT_S = 3.0
_checks_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")


def create_service_app(
    *,
    name: str,
    config: Config,
    blueprints: Iterable[Blueprint],
    readiness: Mapping[str, ReadinessCheck],
    title: str,
    extensions: Mapping[str, Any] | None = None,
    openapi: Callable[[Flask], dict[str, Any]] | None = None,
) -> Flask:
    app = Flask(f"services.{name}")
    # Werkzeug answers 413 (a problem, see problems._http_detail) from the Content-Length
    # alone, before reading the body.
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.config["VMP"] = config
    app.config["VMP_AUTH_SECRET"] = resolve_secret(config)
    app.extensions.update(extensions or {})
    register_problem_handlers(app)
    _install_request_hooks(app, name)
    app.register_blueprint(_ops_blueprint(name, readiness, title, openapi))
    for bp in blueprints:
        app.register_blueprint(bp)
    return app


def _install_request_hooks(app: Flask, service: str) -> None:
    @app.before_request
    def _start() -> None:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        g.started = time.perf_counter()

    # After _start, so a refused body still gets a request id and is counted.
    app.before_request(check_body)

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if request.path not in ("/metrics", "/healthz"):
            metrics.HTTP_REQUESTS.labels(service, request.method, response.status_code).inc()
            metrics.HTTP_LATENCY.labels(service).observe(time.perf_counter() - g.get("started", 0))
        return response


def _ops_blueprint(
    name: str,
    readiness: Mapping[str, ReadinessCheck],
    title: str,
    openapi_builder: Callable[[Flask], dict[str, Any]] | None,
) -> Blueprint:
    bp = Blueprint("ops", __name__)

    @bp.get("/healthz")
    def healthz() -> Response:
        """The process is up (no dependencies checked)."""
        return jsonify(status="ok", service=name)

    @bp.get("/readyz")
    def readyz() -> Response:
        """Every dependency answers; otherwise 503 naming the failing ones."""
        results = run_checks(readiness)
        failing = {k: v for k, v in results.items() if v != "ok"}
        if failing:
            names = ", ".join(sorted(failing))
            raise Problem(
                503,
                "Service Unavailable",
                f"{name} is not ready: {names} unreachable.",
                failing=sorted(failing),
                checks=results,
                headers={"Retry-After": "5"},
            )
        return jsonify(status="ready", service=name, checks=results)

    @bp.get("/metrics")
    def metrics_view() -> Response:
        """Prometheus text exposition."""
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    @bp.get("/openapi.json")
    def openapi() -> Response:
        """This service's OpenAPI 3 document."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        return jsonify(openapi_builder(app) if openapi_builder else build_openapi(app, title=title))

    return bp


def run_checks(readiness: Mapping[str, ReadinessCheck]) -> dict[str, str]:
    """Run every check in parallel with a deadline, so /readyz never hangs on a dead peer."""
    futures = {name: _checks_pool.submit(check) for name, check in readiness.items()}
    results: dict[str, str] = {}
    for name, future in futures.items():
        try:
            future.result(timeout=_READY_TIMEOUT_S)
            results[name] = "ok"
        except FutureTimeout:
            results[name] = f"no answer within {_READY_TIMEOUT_S:.0f} s"
        except Exception as exc:
            results[name] = f"{type(exc).__name__}: {str(exc)[:200]}"
    return results


__all__ = ["create_service_app", "problem_response", "run_checks"]
