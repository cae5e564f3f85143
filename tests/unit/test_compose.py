"""docker-compose.yml describes a topology that matches the code and the topic registry."""

from __future__ import annotations

import importlib
import itertools
import re
import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemas.registry import load_registry

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
SERVICES = ("opportunities", "volunteers", "availability", "search")
ROLES = {"api", "relay", "consumer", "scheduler", "gateway"}
INFRA_IMAGES = {
    "kafka": "apache/kafka:3.9.1",
    "elasticsearch": "docker.elastic.co/elasticsearch/elasticsearch:8.14.1",
    "postgres": "postgres:15",
}

Spec = dict[str, Any]


def _load_compose() -> Spec:
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and isinstance(document.get("services"), dict)
    return document


COMPOSE = _load_compose()
CONTAINERS: dict[str, Spec] = COMPOSE["services"]


def labels(spec: Spec) -> dict[str, str]:
    """Compose allows labels as a mapping or as a list of "key=value"."""
    raw = spec.get("labels", {})
    if isinstance(raw, list):
        return dict(item.split("=", 1) for item in raw)
    return {str(k): str(v) for k, v in raw.items()}


PLATFORM = {name: spec for name, spec in CONTAINERS.items() if "vmp.service" in labels(spec)}


def command_tokens(spec: Spec) -> list[str]:
    command = spec.get("command", [])
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def modules_named(spec: Spec) -> set[str]:
    """Modules a command runs: ``python -m MODULE`` and gunicorn's ``MODULE:callable()``."""
    tokens = [token.strip("'\"") for token in command_tokens(spec)]
    found = {after for before, after in itertools.pairwise(tokens) if before == "-m"}
    found |= {t.split(":")[0] for t in tokens if re.fullmatch(r"[\w.]+:\w+(\(.*\))?", t)}
    return found


def module_file(module: str) -> Path | None:
    base = REPO_ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def containers_with(service: str, role: str) -> list[str]:
    wanted = {"vmp.service": service, "vmp.role": role}
    return [name for name, spec in PLATFORM.items() if wanted.items() <= labels(spec).items()]


def declares_consumers(service: str) -> bool:
    """Whether the service's CLI has a ``consume`` role (it refuses one without consumers)."""
    definition = importlib.import_module(f"services.{service}.definition").SERVICE
    return bool(definition.consumers)


def test_compose_names_every_role_of_every_service() -> None:
    expected = {f"{svc}-{role}" for svc in SERVICES for role in ("api", "relay")}
    assert expected | {"gateway"} <= set(PLATFORM)
    assert set(INFRA_IMAGES) <= set(CONTAINERS)


@pytest.mark.parametrize("service", SERVICES)
def test_a_consumer_container_runs_exactly_for_services_with_consumers(service: str) -> None:
    assert bool(containers_with(service, "consumer")) == declares_consumers(service)


@pytest.mark.parametrize("service", SERVICES)
def test_a_scheduler_container_runs_exactly_for_services_with_jobs(service: str) -> None:
    definition = importlib.import_module(f"services.{service}.definition").SERVICE
    assert bool(containers_with(service, "scheduler")) == bool(definition.jobs)


@pytest.mark.parametrize("name", sorted(PLATFORM))
def test_labels_name_a_role_and_an_existing_package(name: str) -> None:
    service, role = labels(PLATFORM[name])["vmp.service"], labels(PLATFORM[name]).get("vmp.role")
    assert role in ROLES
    if role == "gateway":
        assert (REPO_ROOT / "gateway" / "__init__.py").is_file()
    else:
        assert (REPO_ROOT / "services" / service).is_dir(), f"no services/{service}/"


@pytest.mark.parametrize("name", sorted(PLATFORM))
def test_every_module_a_command_runs_exists(name: str) -> None:
    spec = PLATFORM[name]
    modules = modules_named(spec)
    assert modules, f"{name}: no module found in {command_tokens(spec)}"
    command = " ".join(command_tokens(spec))
    entrypoints = set(re.findall(r"services\.\w+\.entrypoints\.\w+", command))
    assert entrypoints <= modules
    missing = sorted(module for module in modules if module_file(module) is None)
    assert missing == [], f"{name} runs modules with no file in the repo: {missing}"


@pytest.mark.parametrize("topic", sorted(load_registry().topics))
def test_every_producer_has_a_relay_and_every_consumer_a_consumer(topic: str) -> None:
    described = load_registry().topic(topic)
    for producer in described.producers:
        assert containers_with(producer, "relay"), f"{topic}: no relay for producer {producer}"
    for consumer in described.consumers:
        assert containers_with(consumer, "consumer"), f"{topic}: no consumer for {consumer}"


@pytest.mark.parametrize(("name", "image"), INFRA_IMAGES.items())
def test_infrastructure_has_its_image_and_a_healthcheck(name: str, image: str) -> None:
    spec = CONTAINERS[name]
    assert spec["image"] == image
    assert spec["healthcheck"]["test"], f"{name} has an empty healthcheck"


def test_elasticsearch_is_single_node_without_security() -> None:
    env = CONTAINERS["elasticsearch"]["environment"]
    assert env["discovery.type"] == "single-node"
    assert str(env["xpack.security.enabled"]).lower() == "false"
    assert env["ES_JAVA_OPTS"] == "-Xms1g -Xmx1g"


def test_kafka_runs_kraft_combined() -> None:
    env = CONTAINERS["kafka"]["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}


@pytest.mark.parametrize("name", sorted(PLATFORM))
def test_platform_containers_are_configured_for_scaled_mode(name: str) -> None:
    spec = PLATFORM[name]
    env, service = spec["environment"], labels(spec)["vmp.service"]
    assert env["VMP_MODE"] == "scaled"
    assert env["VMP_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert spec["build"]["dockerfile"] == "deploy/Dockerfile"
    if service in SERVICES:
        assert re.fullmatch(
            rf"postgresql\+psycopg://.+@postgres:5432/{service}", env["VMP_DATABASE_URL"]
        )
    if service == "search":
        assert env["VMP_ELASTICSEARCH_URL"] == "http://elasticsearch:9200"


@pytest.mark.parametrize("name", sorted(PLATFORM))
def test_dependencies_wait_for_healthy_containers(name: str) -> None:
    depends_on = PLATFORM[name]["depends_on"]
    assert isinstance(depends_on, dict) and depends_on
    for target, condition in depends_on.items():
        assert condition == {"condition": "service_healthy"}
        assert CONTAINERS[target].get("healthcheck"), f"{target} has no healthcheck"


@pytest.mark.parametrize(
    "name", [n for n in sorted(PLATFORM) if labels(PLATFORM[n])["vmp.role"] in ("api", "gateway")]
)
def test_http_roles_run_gunicorn_and_check_healthz(name: str) -> None:
    spec = PLATFORM[name]
    assert command_tokens(spec)[:3] == ["gunicorn", "-c", "deploy/gunicorn_config.py"]
    assert "/healthz" in " ".join(spec["healthcheck"]["test"])
    assert ":8000/" in " ".join(spec["healthcheck"]["test"])


def test_gateway_knows_every_service_url() -> None:
    gateway = CONTAINERS["gateway"]
    assert "8000:8000" in [str(port) for port in gateway["ports"]]
    env = gateway["environment"]
    for service in SERVICES:
        url = env[f"VMP_{service.upper()}_URL"]
        assert url == f"http://{service}-api:8000" and f"{service}-api" in CONTAINERS
        assert f"{service}={url}" in env["VMP_SERVICE_URLS"].split(",")


def test_postgres_init_script_creates_one_database_per_service() -> None:
    """One per service, and the gateway's (partner keys, rate-limit counters)."""
    sql = (REPO_ROOT / "deploy" / "postgres" / "init-databases.sql").read_text()
    assert sorted(re.findall(r"CREATE DATABASE (\w+)", sql)) == sorted([*SERVICES, "gateway"])
    gateway_env = CONTAINERS["gateway"]["environment"]
    assert gateway_env["VMP_DATABASE_URL"].endswith("@postgres:5432/gateway")
    mounts = CONTAINERS["postgres"]["volumes"]
    assert any(
        m.startswith("./deploy/postgres/init-databases.sql:/docker-entrypoint-initdb.d/")
        for m in mounts
    )


def test_gunicorn_config_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(REPO_ROOT / "deploy" / "gunicorn_config.py")
    for variable in ("PORT", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(variable, raising=False)
    config = runpy.run_path(path)
    assert (config["bind"], config["workers"], config["threads"]) == ("0.0.0.0:8000", 2, 4)
    assert config["timeout"] == 30
    assert "%({x-request-id}i)s" in config["access_log_format"]
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    config = runpy.run_path(path)
    assert (config["bind"], config["workers"]) == ("0.0.0.0:9001", 5)


def test_dockerfile_builds_one_non_root_image() -> None:
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert re.search(r"pip install (--no-deps --force-reinstall )?\.", dockerfile)
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
