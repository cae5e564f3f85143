"""Organisations' pages: the dashboard, posting and editing roles, the applications inbox."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web_organisations", __name__)
