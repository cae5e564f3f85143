"""The opportunities service: organisations and the roles they post."""

from __future__ import annotations

from services.common.service import ServiceDefinition
from services.opportunities.bootstrap import bootstrap


def _blueprints() -> list:
    from services.opportunities.api import organisations

    return [organisations.bp]


SERVICE = ServiceDefinition(
    name="opportunities",
    title="Opportunities service",
    bootstrap=bootstrap,
    blueprints=_blueprints,
)
