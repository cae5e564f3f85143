"""Gateway entrypoint: ``gunicorn 'gateway.wsgi:create_app()'``.

In embedded mode (the default) this builds the whole platform in the worker process,
including the relays and consumers as threads; run it with ONE worker (threads for
concurrency), since the embedded log and index are per machine anyway.
"""

from __future__ import annotations

import atexit

from flask import Flask

from gateway.app import create_gateway_app
from gateway.transport import HttpTransport, InProcessTransport, Transport
from services.common.config import EMBEDDED, SERVICES, Config
from services.common.logs import configure_logging


def create_app(config: Config | None = None, start_workers: bool = True) -> Flask:
    config = config or Config.from_env("gateway")
    configure_logging("gateway")
    transport: Transport
    if config.mode == EMBEDDED:
        from gateway.embedded import build_embedded

        platform = build_embedded(config)
        if start_workers:
            platform.start_workers()
            if config.demo_data:
                from gateway.demo import load_demo_in_background

                load_demo_in_background(platform.apps["opportunities"], config.data_dir)
        atexit.register(platform.shutdown)
        transport = InProcessTransport(platform.apps)
        app = create_gateway_app(config, transport)
        app.extensions["platform"] = platform
        return app
    missing = [s for s in SERVICES if s not in config.service_urls]
    if missing:
        raise SystemExit(f"scale-out mode needs VMP_<SERVICE>_URL for: {', '.join(missing)}")
    return create_gateway_app(config, HttpTransport(config.service_urls))
