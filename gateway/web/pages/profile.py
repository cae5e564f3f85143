"""A volunteer's own account: profile, saved searches and alerts, password reset, export
and erasure."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web_profile", __name__)
