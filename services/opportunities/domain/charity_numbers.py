"""Registered charity numbers of the three UK charity regulators.

* England and Wales (Charity Commission): 6 to 8 digits, and a linked charity adds a
  subsidiary suffix, "-" and 1 or 2 digits (``1123456-1``).
* Scotland (OSCR): "SC" and 6 digits (``SC012345``).
* Northern Ireland (Charity Commission for NI): "NIC" and 6 digits (``NIC100002``). The
  "XN"/"XR" references some NI charities quote are HMRC tax references, not registrations,
  so they are not accepted here.
"""

from __future__ import annotations

import re

_FORMATS = (
    re.compile(r"[0-9]{6,8}(?:-[0-9]{1,2})?"),
    re.compile(r"SC[0-9]{6}"),
    re.compile(r"NIC[0-9]{6}"),
)
MESSAGE = (
    "Enter a registered charity number: England and Wales, 6 to 8 digits with an optional "
    "subsidiary number (1123456 or 1123456-1); Scotland, SC and 6 digits (SC012345); "
    "Northern Ireland, NIC and 6 digits (NIC100002)."
)


class InvalidCharityNumber(ValueError):
    """Not shaped like a number of any of the three registers; the message says which are."""

    def __init__(self) -> None:
        super().__init__(MESSAGE)
        self.message = MESSAGE


def normalise_charity_number(text: str | None) -> str | None:
    """``" sc 012345 "`` -> ``"SC012345"``; None or blank -> None; InvalidCharityNumber else."""
    if text is None or not text.strip():
        return None
    compact = "".join(text.split()).upper()
    if any(pattern.fullmatch(compact) for pattern in _FORMATS):
        return compact
    raise InvalidCharityNumber()
