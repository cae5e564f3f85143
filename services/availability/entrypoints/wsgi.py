"""WSGI entrypoint: ``gunicorn 'services.availability.entrypoints.wsgi:create_app()'``."""

from __future__ import annotations

from flask import Flask

from services.availability.definition import SERVICE
from services.common.config import Config
from services.common.eventlog import EventLog


def create_app(config: Config | None = None, event_log: EventLog | None = None) -> Flask:
    return SERVICE.create_app(config, event_log)
