"""WSGI entrypoint: ``gunicorn 'services.volunteers.entrypoints.wsgi:create_app()'``."""

from __future__ import annotations

from flask import Flask

from services.common.config import Config
from services.common.eventlog import EventLog
from services.volunteers.definition import SERVICE


def create_app(config: Config | None = None, event_log: EventLog | None = None) -> Flask:
    return SERVICE.create_app(config, event_log)
