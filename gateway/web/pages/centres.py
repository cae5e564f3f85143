"""Volunteer Centre pages: moderation, escalated applications and catchment reports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web_centres", __name__)
