"""The topic registry names every service that reads a topic (schemas/topics/*.yaml): who
must be upgraded first when its schema changes, and which consumers compose must run. It is
checked against what each service's consumers actually subscribe to."""

from __future__ import annotations

import importlib
from unittest.mock import MagicMock

import pytest

from schemas.registry import load_registry

SERVICES = ("availability", "opportunities", "search", "volunteers")
DEAD_LETTERS = "dead-letters"  # written by every consumer, read by operators


def subscribed(service: str) -> set[str]:
    definition = importlib.import_module(f"services.{service}.definition").SERVICE
    # The specs only need a runtime for their handlers' closures, never to list topics.
    specs = definition.consumers(MagicMock()) if definition.consumers else []
    return {topic for spec in specs for topic in spec.topics} - {DEAD_LETTERS}


def declared(service: str) -> set[str]:
    registry = load_registry()
    return {t for t in registry.topics if service in registry.topic(t).consumers}


@pytest.mark.parametrize("service", SERVICES)
def test_the_registry_lists_every_topic_a_service_consumes(service: str) -> None:
    assert subscribed(service) == declared(service)


def test_every_service_consumes_something_the_registry_knows() -> None:
    # Guards the comparison above against reading nothing at all.
    assert all(subscribed(service) for service in SERVICES)
    assert subscribed("search") >= {"opportunities", "organisations"}
