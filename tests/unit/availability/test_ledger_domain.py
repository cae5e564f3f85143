"""The ledger's rules without a database: credits for minutes, balanced postings, limits
and who may answer an exchange."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from services.availability.domain import ledger
from services.availability.domain.errors import Conflict, Forbidden, Invalid, NotFound
from services.availability.domain.ledger import Exchange, Leg, Limits, Owner, Posting

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("minutes", "rate", "expected"),
    [
        (60, 100, 100),  # an hour is a credit
        (75, 100, 125),
        (10, 100, 17),  # 16.67 -> 17
        (1, 100, 2),  # 1.67 -> 2
        (3, 150, 8),  # 7.5 exactly: half rounds up
        (1, 30, 1),  # 0.5 exactly: up
        (1, 29, 0),  # 0.483: down
        (50, 150, 125),
        (1440, 1000, 24000),
    ],
)
def test_credits_for_minutes_round_half_up_to_hundredths(
    minutes: int, rate: int, expected: int
) -> None:
    assert ledger.credits_for(minutes, rate) == expected


def test_credits_read_as_people_say_them() -> None:
    assert [ledger.credits(n) for n in (125, 5, -1_000_000, 0)] == [
        "1.25", "0.05", "-10000.00", "0.00",
    ]  # fmt: skip


def test_an_earning_is_the_organisation_paying_the_volunteer() -> None:
    posting = ledger.earning("h-1", "org-1", "acc-1", 90, 100)
    assert posting is not None
    assert posting.source == "hours:h-1" and posting.kind == "earn"
    assert posting.legs == (
        Leg(Owner("organisation", "org-1"), -150),
        Leg(Owner("volunteer", "acc-1"), 150),
    )
    assert posting.memo == "90 minutes at 1.00 credits an hour"


def test_hours_that_earn_nothing_post_nothing() -> None:
    assert ledger.earning("h-1", "org-1", "acc-1", 1, 29) is None


@pytest.mark.parametrize(
    "legs",
    [
        (Leg(Owner("volunteer", "a"), -5), Leg(Owner("volunteer", "b"), 4)),  # unbalanced
        (Leg(Owner("volunteer", "a"), 0), Leg(Owner("volunteer", "b"), 0)),  # nothing moves
        (Leg(Owner("volunteer", "a"), 5),),  # one leg
        (Leg(Owner("volunteer", "a"), -5), Leg(Owner("volunteer", "a"), 5)),  # one account
    ],
)
def test_a_posting_must_balance_across_two_accounts(legs: tuple[Leg, ...]) -> None:
    with pytest.raises(ValueError):
        Posting("test:1", "transfer", legs)


def test_a_posting_needs_a_known_kind_and_a_source() -> None:
    legs = (Leg(Owner("volunteer", "a"), -5), Leg(Owner("volunteer", "b"), 5))
    with pytest.raises(ValueError):
        Posting("test:1", "gift", legs)
    with pytest.raises(ValueError):
        Posting("", "transfer", legs)


def test_a_reversal_negates_every_leg_and_names_the_original() -> None:
    legs = (Leg(Owner("organisation", "o"), -125), Leg(Owner("volunteer", "v"), 125))
    posting = ledger.reversal("tx-1", legs, "admin-1", "")
    assert posting.source == "reversal:tx-1" and posting.reverses == "tx-1"
    assert [leg.amount for leg in posting.legs] == [125, -125]
    assert posting.memo == "Correction" and posting.created_by == "admin-1"


def test_spending_is_keyed_by_the_member_and_their_key() -> None:
    posting = ledger.spending("acc-1", "org-1", "k-1", 300, "For a task request")
    assert posting.source == "spend:" + hashlib.sha256(b"acc-1:k-1").hexdigest()[:40]
    assert "acc-1" not in posting.source  # sources are immutable and outlive an erasure
    assert posting.legs[0] == Leg(Owner("volunteer", "acc-1"), -300)


@pytest.mark.parametrize("amount", [0, -1, ledger.MAX_AMOUNT + 1])
def test_amounts_are_positive_and_bounded(amount: int) -> None:
    with pytest.raises(Invalid) as refused:
        ledger.transfer("t", "a", "b", amount)
    assert "amount" in refused.value.errors


def test_nobody_pays_themselves() -> None:
    with pytest.raises(Invalid):
        ledger.transfer("t", "a", "a", 100)
    with pytest.raises(Invalid):
        ledger.parties_for("a", "a", ledger.PAY)


def test_rates_are_bounded() -> None:
    assert ledger.check_rate(150) == 150
    for rate in (0, 1001):
        with pytest.raises(Invalid):
            ledger.check_rate(rate)


def test_limits_must_be_in_order() -> None:
    assert Limits(-5, 5).lower == -5
    assert Limits(None, None).upper is None
    with pytest.raises(Invalid):
        Limits(10, 5)


def test_default_limits_let_organisations_issue_credits_and_members_spend_what_they_have() -> None:
    assert ledger.DEFAULT_LIMITS["volunteer"] == Limits(0, None)
    lower = ledger.DEFAULT_LIMITS["organisation"].lower
    assert lower is not None and lower < 0
    assert ledger.DEFAULT_LIMITS["timebank"] == Limits(None, None)


def test_a_limit_refusal_says_whose_account_and_which_limit() -> None:
    refusal = ledger.limit_refusal("your account", -500, Limits(0, None))
    assert refusal.detail == "This would take your account below its limit of 0.00 credits."
    assert refusal.extra == {"limit": "lower"}
    above = ledger.limit_refusal("the other member's account", 5, Limits(None, 1000))
    assert "above its limit of 10.00 credits" in above.detail


def test_the_proposer_pays_or_asks_to_be_paid() -> None:
    assert ledger.parties_for("me", "you", ledger.PAY) == ("me", "you")
    assert ledger.parties_for("me", "you", ledger.REQUEST) == ("you", "me")


def _exchange(status: str = ledger.PENDING) -> Exchange:
    return Exchange("ex-1", "a", "a", "b", 200, "Gardening", status, NOW)


def test_only_the_other_party_answers_an_exchange() -> None:
    exchange = _exchange()
    assert exchange.other_party == "b"
    ledger.check_answer(exchange, "b")
    with pytest.raises(Forbidden):
        ledger.check_answer(exchange, "a")
    with pytest.raises(NotFound):
        ledger.check_answer(exchange, "stranger")


def test_only_the_proposer_cancels_and_only_while_pending() -> None:
    ledger.check_cancel(_exchange(), "a")
    with pytest.raises(Forbidden):
        ledger.check_cancel(_exchange(), "b")
    with pytest.raises(NotFound):
        ledger.check_cancel(_exchange(), "c")
    with pytest.raises(Conflict):
        ledger.check_cancel(_exchange(ledger.DECLINED), "a")
    with pytest.raises(Conflict):
        ledger.check_answer(_exchange(ledger.CONFIRMED), "b")
