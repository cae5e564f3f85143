"""`make run-scaled`: every service as its own process on Kafka, Elasticsearch, PostgreSQL.

Expects the engines from `make infra-up` (same default ports). Creates one database per
service, migrates each once, then runs under honcho: per service a gunicorn API process and
an outbox relay, the consumers and schedulers, and the gateway on http://127.0.0.1:8000 routing to
the services over HTTP. Ctrl-C stops every process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from honcho.manager import Manager

from deploy.engines import Elasticsearch, Kafka, Postgres

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"opportunities": 8101, "volunteers": 8102, "availability": 8103, "search": 8104}
CONSUMERS = ("availability", "opportunities", "search", "volunteers")
SCHEDULERS = ("availability", "opportunities", "search", "volunteers")
STATE = Path(os.environ.get("VMP_INFRA_DIR", ROOT / ".run" / "infra"))


def engines() -> tuple[Kafka, Elasticsearch, Postgres]:
    return (
        Kafka(STATE / "kafka", port=int(os.environ.get("VMP_KAFKA_PORT", 19092))),
        Elasticsearch(STATE / "elasticsearch", int(os.environ.get("VMP_ES_BASE_PORT", 19200))),
        Postgres(STATE / "postgres", port=int(os.environ.get("VMP_PG_PORT", 15432))),
    )


def service_env(service: str, kafka: Kafka, es: Elasticsearch, pg: Postgres) -> dict[str, str]:
    return {
        **os.environ,
        "VMP_MODE": "scaled",
        "VMP_ENV": os.environ.get("VMP_ENV", "development"),
        "VMP_DATABASE_URL": pg.dsn(f"vmp_{service}"),
        "VMP_KAFKA_BOOTSTRAP": kafka.bootstrap,
        "VMP_ELASTICSEARCH_URL": es.url,
        "VMP_LOG_SERVICE": service,
        # The search service's `reindex` reads every role from the opportunities service.
        "VMP_OPPORTUNITIES_URL": f"http://127.0.0.1:{SERVICES['opportunities']}",
    }


def gunicorn(target: str, port: int) -> str:
    return (
        f"{sys.executable} -m gunicorn -c deploy/gunicorn_config.py "
        f"--bind 127.0.0.1:{port} '{target}'"
    )


def prepare(kafka: Kafka, es: Elasticsearch, pg: Postgres) -> None:
    for engine in (kafka, es, pg):
        if not engine.is_healthy():
            raise SystemExit(
                f"{engine.name} is not running: start the engines with `make infra-up`"
            )
    existing = set(pg.psql("SELECT datname FROM pg_database").split())
    for service in (*SERVICES, "gateway"):  # the gateway keeps partners and rate counters
        if f"vmp_{service}" not in existing:
            pg.create_database(f"vmp_{service}")
    for service in SERVICES:
        # Migrate once, before several gunicorn workers race to do it.
        subprocess.run(
            [sys.executable, "-m", f"services.{service}.entrypoints.cli", "migrate"],
            env=service_env(service, kafka, es, pg),
            cwd=ROOT,
            check=True,
        )


def main() -> int:
    kafka, es, pg = engines()
    prepare(kafka, es, pg)
    manager = Manager()
    for service, port in SERVICES.items():
        env = service_env(service, kafka, es, pg)
        manager.add_process(
            f"{service}-api",
            gunicorn(f"services.{service}.entrypoints.wsgi:create_app()", port),
            env=env,
            cwd=str(ROOT),
        )
        manager.add_process(
            f"{service}-relay",
            f"{sys.executable} -m services.{service}.entrypoints.cli relay",
            env=env,
            cwd=str(ROOT),
        )
        for role, services in (("consume", CONSUMERS), ("schedule", SCHEDULERS)):
            if service in services:
                manager.add_process(
                    f"{service}-{role}",
                    f"{sys.executable} -m services.{service}.entrypoints.cli {role}",
                    env=env,
                    cwd=str(ROOT),
                )
    gateway_env = {**os.environ, "VMP_MODE": "scaled", "VMP_LOG_SERVICE": "gateway"}
    # Shared by every gateway worker and replica: partner keys and rate-limit counters.
    gateway_env["VMP_DATABASE_URL"] = pg.dsn("vmp_gateway")
    gateway_env.update(
        {f"VMP_{s.upper()}_URL": f"http://127.0.0.1:{p}" for s, p in SERVICES.items()}
    )
    port = int(os.environ.get("PORT", 8000))
    manager.add_process(
        "gateway", gunicorn("gateway.wsgi:create_app()", port), env=gateway_env, cwd=str(ROOT)
    )
    print(f"Starting the scaled platform on http://127.0.0.1:{port} (Ctrl-C stops it)")
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
