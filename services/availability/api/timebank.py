"""Placeholder: being written (issue 5)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("availability_timebank", __name__)
