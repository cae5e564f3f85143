"""Registered charity numbers of England and Wales, Scotland and Northern Ireland."""

from __future__ import annotations

import pytest

from services.opportunities.domain.charity_numbers import (
    InvalidCharityNumber,
    normalise_charity_number,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1123456", "1123456"),  # England and Wales, 7 digits
        ("220949", "220949"),  # older 6-digit registration
        ("12345678", "12345678"),
        ("1123456-1", "1123456-1"),  # a linked (subsidiary) charity
        (" 1123456 - 12 ", "1123456-12"),
        ("SC012345", "SC012345"),  # Scotland
        ("sc 012345", "SC012345"),
        ("NIC100002", "NIC100002"),  # Northern Ireland
        ("nic 100 002", "NIC100002"),
    ],
)
def test_valid_numbers_are_normalised(typed: str, stored: str) -> None:
    assert normalise_charity_number(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12345",  # too short
        "123456789",  # too long
        "1123456-123",  # suffix too long
        "1123456-",
        "SC12345",  # Scotland needs 6 digits
        "SC0123456",
        "NI100002",  # NI needs NIC
        "NIC10000",
        "XN12345",  # an HMRC reference, not a registration
        "GB1123456",
        "charity 1123456",
    ],
)
def test_invalid_numbers_are_refused_naming_the_three_formats(typed: str) -> None:
    with pytest.raises(InvalidCharityNumber) as caught:
        normalise_charity_number(typed)
    message = caught.value.message
    assert "England and Wales" in message and "Scotland" in message
    assert "Northern Ireland" in message
    assert "SC012345" in message and "NIC100002" in message


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_no_number_is_none(typed: str | None) -> None:
    assert normalise_charity_number(typed) is None
