"""Hostile input: generated requests against every OpenAPI document (issue 9, item 3)."""
