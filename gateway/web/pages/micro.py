"""Micro-volunteering pages: availability, credentials, offers, tasks, hours and time
credits; and the organisation side of micro-tasks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web_micro", __name__)
