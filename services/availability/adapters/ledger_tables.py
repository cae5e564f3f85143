"""Placeholder: the time-credit ledger's tables (being written, issue 5)."""

from __future__ import annotations
