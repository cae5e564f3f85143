"""The time bank's double-entry ledger: accounts, postings, limits and exchanges.

Plain Python: no Flask, SQL or event log here. Amounts are integers in hundredths of a
credit (never floats), so sums are exact. A posting moves credits between accounts in legs
that sum to zero; it is keyed by its ``source`` (what caused it), which the ledger posts
once. Nothing posted is ever edited: a correction is a reversing posting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from services.availability.domain.errors import Conflict, Forbidden, Invalid, NotFound

VOLUNTEER, ORGANISATION, TIMEBANK = "volunteer", "organisation", "timebank"
OWNER_KINDS = (VOLUNTEER, ORGANISATION, TIMEBANK)
BANK_ID = "bank"
EARN, TRANSFER, SPEND, REVERSAL = "earn", "transfer", "spend", "reversal"
KINDS = (EARN, TRANSFER, SPEND, REVERSAL)

# Credits per hour, in hundredths: 100 = one hour earns one credit (the time bank's rule of
# equal hours); an organisation may choose its own, from 0.01 to 10 credits an hour.
DEFAULT_RATE = 100
MIN_RATE, MAX_RATE = 1, 1000
# The most one posting may move (1,000 credits): a typo should not empty an account.
MAX_AMOUNT = 100_000
MAX_SOURCE = 200
MAX_MEMO = 200


@dataclass(frozen=True)
class Limits:
    """How low and how high a balance may go; None is unlimited."""

    lower: int | None
    upper: int | None

    def __post_init__(self) -> None:
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise Invalid({"lower_limit": ["The lower limit must not be above the upper limit."]})


# Members spend only what they have earned; organisations issue credits for hours given, so
# they may run a deficit (generous: 10,000 credits); the time bank itself is unlimited.
DEFAULT_LIMITS: dict[str, Limits] = {
    VOLUNTEER: Limits(lower=0, upper=None),
    ORGANISATION: Limits(lower=-1_000_000, upper=None),
    TIMEBANK: Limits(lower=None, upper=None),
}


@dataclass(frozen=True, order=True)
class Owner:
    """Whose account: a volunteer (account id), an organisation (its id) or the time bank."""

    kind: str
    id: str


BANK = Owner(TIMEBANK, BANK_ID)


@dataclass(frozen=True)
class Leg:
    owner: Owner
    amount: int  # positive credits the account, negative debits it


@dataclass(frozen=True)
class Posting:
    """A balanced set of legs, posted once per ``source``."""

    source: str
    kind: str
    legs: tuple[Leg, ...]
    memo: str = ""
    reverses: str | None = None
    created_by: str | None = None  # the account that asked for it (None: an event did)

    def __post_init__(self) -> None:
        owners = {leg.owner for leg in self.legs}
        if len(self.legs) < 2 or len(owners) != len(self.legs):
            raise ValueError("a posting needs two or more legs on different accounts")
        if sum(leg.amount for leg in self.legs) != 0 or any(not leg.amount for leg in self.legs):
            raise ValueError("a posting's legs must be non-zero and sum to zero")
        if self.kind not in KINDS or not 0 < len(self.source) <= MAX_SOURCE:
            raise ValueError(f"bad posting kind or source: {self.kind} {self.source!r}")


def credits(amount: int) -> str:
    """Hundredths as people read them: 125 -> "1.25"."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d}"


def credits_for(minutes: int, rate: int) -> int:
    """Hundredths earned for ``minutes`` at ``rate`` hundredths an hour, rounded half up."""
    return (2 * minutes * rate + 60) // 120


def check_amount(amount: int, field: str = "amount") -> int:
    if not 1 <= amount <= MAX_AMOUNT:
        raise Invalid({field: [f"Give an amount from 0.01 to {credits(MAX_AMOUNT)} credits."]})
    return amount


def check_rate(rate: int) -> int:
    if not MIN_RATE <= rate <= MAX_RATE:
        raise Invalid({"rate": ["Give a rate from 0.01 to 10.00 credits an hour."]})
    return rate


def _pay(
    source: str, kind: str, payer: Owner, payee: Owner, amount: int, memo: str, by: str | None
) -> Posting:
    legs = (Leg(payer, -amount), Leg(payee, amount))
    return Posting(source, kind, legs, memo=memo[:MAX_MEMO], created_by=by)


def earning(
    hours_id: str, organisation_id: str, account_id: str, minutes: int, rate: int
) -> Posting | None:
    """The organisation pays the volunteer for approved hours; None if they earn nothing."""
    amount = credits_for(minutes, rate)
    if amount == 0:
        return None
    memo = f"{minutes} minutes at {credits(rate)} credits an hour"
    org, volunteer = Owner(ORGANISATION, organisation_id), Owner(VOLUNTEER, account_id)
    return _pay(f"hours:{hours_id}", EARN, org, volunteer, amount, memo, None)


def transfer(
    source: str, payer_id: str, payee_id: str, amount: int, memo: str = "", by: str | None = None
) -> Posting:
    """One member pays another (an exchange both confirmed); ``by`` is who confirmed it."""
    if payer_id == payee_id:
        raise Invalid({"counterparty_id": ["You cannot pay yourself."]})
    payer, payee = Owner(VOLUNTEER, payer_id), Owner(VOLUNTEER, payee_id)
    return _pay(source, TRANSFER, payer, payee, check_amount(amount), memo, by)


def spending(account_id: str, organisation_id: str, key: str, amount: int, memo: str) -> Posting:
    """A member pays an organisation for a task request; ``key`` makes a retry harmless."""
    payer, payee = Owner(VOLUNTEER, account_id), Owner(ORGANISATION, organisation_id)
    # A digest, not the account id: sources are immutable and must outlive an erasure.
    source = "spend:" + hashlib.sha256(f"{account_id}:{key}".encode()).hexdigest()[:40]
    return _pay(source, SPEND, payer, payee, check_amount(amount), memo, account_id)


def reversal(transaction_id: str, legs: tuple[Leg, ...], by: str, reason: str) -> Posting:
    """Every leg of a transaction, negated: the one way to correct the ledger."""
    negated = tuple(Leg(leg.owner, -leg.amount) for leg in legs)
    memo = (reason or "Correction")[:MAX_MEMO]
    return Posting(
        f"reversal:{transaction_id}", REVERSAL, negated, memo, transaction_id, created_by=by
    )


# Exchanges: one member proposes, the other confirms (then the transfer posts) or declines;
# the proposer may cancel while it waits.
PENDING, CONFIRMED, DECLINED, CANCELLED = "pending", "confirmed", "declined", "cancelled"
EXCHANGE_STATUSES = (PENDING, CONFIRMED, DECLINED, CANCELLED)
PAY, REQUEST = "pay", "request"  # "I pay you" | "you pay me"


@dataclass(frozen=True)
class Exchange:
    id: str
    proposed_by: str
    payer_id: str
    payee_id: str
    amount: int
    reason: str
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    transaction_id: str | None = None

    @property
    def other_party(self) -> str:
        """Who must answer: the party that did not propose."""
        return self.payee_id if self.proposed_by == self.payer_id else self.payer_id

    def parties(self) -> tuple[str, str]:
        return self.payer_id, self.payee_id


def parties_for(proposer: str, counterparty: str, direction: str) -> tuple[str, str]:
    """(payer, payee) of a proposal: "pay" means the proposer pays."""
    if proposer == counterparty:
        raise Invalid({"counterparty_id": ["An exchange needs another member."]})
    return (proposer, counterparty) if direction == PAY else (counterparty, proposer)


def check_answer(exchange: Exchange, account_id: str) -> None:
    """Only the other party confirms or declines, and only while it waits."""
    _check_party(exchange, account_id)
    if account_id == exchange.proposed_by:
        raise Forbidden("The other member answers this exchange; you can cancel it.")
    _check_pending(exchange)


def check_cancel(exchange: Exchange, account_id: str) -> None:
    _check_party(exchange, account_id)
    if account_id != exchange.proposed_by:
        raise Forbidden("Only the member who proposed an exchange can cancel it; decline it.")
    _check_pending(exchange)


def _check_party(exchange: Exchange, account_id: str) -> None:
    # Anyone else is told it does not exist: exchanges are private to their two parties.
    if account_id not in exchange.parties():
        raise NotFound("No such exchange.")


def _check_pending(exchange: Exchange) -> None:
    if exchange.status != PENDING:
        raise Conflict(f"This exchange is already {exchange.status}.", status_now=exchange.status)


def limit_refusal(label: str, amount: int, limits: Limits) -> Conflict:
    """The 409 for a leg that would pass its account's limit."""
    if amount < 0:
        where, bound, limit = "below", limits.lower, "lower"
    else:
        where, bound, limit = "above", limits.upper, "upper"
    shown = f" of {credits(bound)} credits" if bound is not None else ""
    return Conflict(f"This would take {label} {where} its limit{shown}.", limit=limit)


def account_label(owner: Owner, actor: str | None) -> str:
    if owner.kind == VOLUNTEER:
        return "your account" if owner.id == actor else "the other member's account"
    return "the organisation's account" if owner.kind == ORGANISATION else "the time bank"
