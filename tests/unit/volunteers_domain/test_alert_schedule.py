"""When digests go: daily from 07:00 UK time, weekly from Monday 07:00, across clock changes."""

from __future__ import annotations

import datetime as dt

import pytest

from services.volunteers.domain.alerts import (
    AlertRole,
    Frequency,
    compose_digest,
    digest_due,
    latest_slot,
    next_digest_at,
)

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("frequency", "last", "expected"),
    [
        # Winter (GMT): 07:00 UK is 07:00 UTC.
        (Frequency.DAILY, utc(2026, 12, 1, 10, 0), utc(2026, 12, 2, 7, 0)),
        (Frequency.DAILY, utc(2026, 12, 1, 6, 59), utc(2026, 12, 1, 7, 0)),
        (Frequency.DAILY, utc(2026, 12, 1, 7, 0), utc(2026, 12, 2, 7, 0)),
        # Summer (BST): 07:00 UK is 06:00 UTC.
        (Frequency.DAILY, utc(2026, 7, 1, 12, 0), utc(2026, 7, 2, 6, 0)),
        # Across the spring change (29 March 2026): the slot stays at 07:00 on the clock.
        (Frequency.DAILY, utc(2026, 3, 28, 12, 0), utc(2026, 3, 29, 6, 0)),
        # Tuesday 1 Dec 2026 -> Monday 7 Dec; a Monday after 07:00 -> the next Monday.
        (Frequency.WEEKLY, utc(2026, 12, 1, 10, 0), utc(2026, 12, 7, 7, 0)),
        (Frequency.WEEKLY, utc(2026, 12, 7, 8, 0), utc(2026, 12, 14, 7, 0)),
        (Frequency.WEEKLY, utc(2026, 12, 7, 6, 0), utc(2026, 12, 7, 7, 0)),
        (Frequency.INSTANT, utc(2026, 12, 1, 10, 0), utc(2026, 12, 1, 10, 0)),
        (Frequency.OFF, utc(2026, 12, 1, 10, 0), None),
    ],
)
def test_next_digest(frequency: Frequency, last: dt.datetime, expected: dt.datetime | None) -> None:
    assert next_digest_at(frequency, last) == expected


def test_due_only_from_the_slot() -> None:
    last = utc(2026, 12, 1, 10, 0)
    assert not digest_due(Frequency.DAILY, last, utc(2026, 12, 2, 6, 59, 59))
    assert digest_due(Frequency.DAILY, last, utc(2026, 12, 2, 7, 0))
    assert not digest_due(Frequency.OFF, last, utc(2027, 1, 1))
    assert digest_due(Frequency.INSTANT, last, last)


def _role(n: int) -> AlertRole:
    return AlertRole(f"id{n}", f"Role <{n}>", "Org & Co", "SE1 7PB", f"https://x/opportunities/{n}")


def test_a_digest_lists_at_most_25_roles_and_escapes_html() -> None:
    digest = compose_digest(
        "Gardening",
        [_role(n) for n in range(30)],
        frequency=Frequency.WEEKLY,
        search_url="https://x/search?q=garden",
        manage_url="https://x/manage",
        unsubscribe_url="https://x/stop",
    )
    assert digest.subject == "30 new roles for your saved search \u201cGardening\u201d"
    assert digest.text.startswith("This week there are 30 new roles")
    assert "Role <24>" in digest.text and "Role <25>" not in digest.text
    assert "And 5 more: https://x/search?q=garden" in digest.text
    assert "Role &lt;0&gt;" in digest.html and "Role <0>" not in digest.html
    assert "Org &amp; Co" in digest.html
    assert 'href="https://x/stop"' in digest.html


@pytest.mark.parametrize(
    ("frequency", "now", "expected"),
    [
        (Frequency.DAILY, utc(2026, 12, 2, 10, 0), utc(2026, 12, 2, 7, 0)),
        (Frequency.DAILY, utc(2026, 12, 2, 6, 59), utc(2026, 12, 1, 7, 0)),
        (Frequency.DAILY, utc(2026, 7, 1, 5, 30), utc(2026, 6, 30, 6, 0)),  # BST
        (Frequency.WEEKLY, utc(2026, 12, 9, 10, 0), utc(2026, 12, 7, 7, 0)),  # a Wednesday
        (Frequency.WEEKLY, utc(2026, 12, 7, 6, 0), utc(2026, 11, 30, 7, 0)),  # Monday, early
    ],
)
def test_latest_slot(frequency: Frequency, now: dt.datetime, expected: dt.datetime) -> None:
    assert latest_slot(frequency, now) == expected
