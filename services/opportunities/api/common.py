"""Helpers the resource modules share (from ``services.common.api``)."""

from __future__ import annotations

from services.common.api import json_body, json_response, load, runtime

__all__ = ["json_body", "json_response", "load", "runtime"]
