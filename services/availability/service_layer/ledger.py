"""Use cases of the time-credit ledger: posting, earning, spending, reversing, rates,
limits, statements and member-to-member exchanges.

``post`` is the one way money moves. In one database transaction it claims the posting's
source (unique: a second post of one source returns the first transaction and changes
nothing), moves every balance with a conditional UPDATE that checks the account's limit (any
refusal rolls the whole transaction back), writes the entries and queues
``TransactionPosted`` in the outbox.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from services.availability.adapters.ledger_repository import LedgerRepository, Row
from services.availability.domain import ledger as rules
from services.availability.domain.errors import Conflict, Forbidden, Invalid, NotFound
from services.availability.domain.ledger import Exchange, Limits, Owner, Posting
from services.availability.service_layer.unit_of_work import CREDITS, UnitOfWork, unit_of_work
from services.common.runtime import ServiceRuntime

STATEMENT_PAGE = 50
T = TypeVar("T")


@dataclass(frozen=True)
class Posted:
    """A transaction with its entries; ``created`` is False when its source was posted before."""

    transaction: Row
    created: bool


def default_limits(runtime: ServiceRuntime) -> Mapping[str, Limits]:
    """Limits new accounts open with; a deployment may set ``extensions["ledger_limits"]``."""
    found: Mapping[str, Limits] = runtime.extensions.get("ledger_limits", rules.DEFAULT_LIMITS)
    return found


# Posting


def post(uow: UnitOfWork, posting: Posting, *, microtask_id: str | None = None) -> Posted:
    repo = LedgerRepository(uow.session)
    found = repo.transaction_by_source(posting.source)
    if found is not None:
        return Posted(found, created=False)
    opened = _open_accounts(uow, repo, posting)
    transaction_id = str(uuid.uuid4())
    if not repo.add_transaction(transaction_id, posting, uow.now, microtask_id):
        # The same source was posted meanwhile (on PostgreSQL the insert waited for it).
        return Posted(_required(repo.transaction_by_source(posting.source)), created=False)
    _move_balances(repo, posting, opened, transaction_id, uow.now, checked=True)
    posted = _required(repo.transaction(transaction_id))
    uow.emit(CREDITS, "TransactionPosted", transaction_id, transaction_event(posted))
    return Posted(posted, created=True)


def ensure_posted(uow: UnitOfWork, data: Mapping[str, Any]) -> bool:
    """Record a ``TransactionPosted`` event's transaction unless its source is already here.

    The event is the record of a posting already made, so limits are not checked again:
    replayed out of order (Kafka orders per key only), a faithful history could pass one.
    """
    repo = LedgerRepository(uow.session)
    if repo.transaction_by_source(data["source"]) is not None:
        return False
    legs = LedgerRepository.legs_of(data)
    posting = Posting(data["source"], data["kind"], legs, reverses=data["reverses"])
    ids = {Owner(e["owner_kind"], e["owner_id"]): e["ledger_account_id"] for e in data["entries"]}
    opened = _open_accounts(uow, repo, posting, ids)
    at = dt.datetime.fromisoformat(data["at"].replace("Z", "+00:00"))
    if not repo.add_transaction(data["transaction_id"], posting, at, None):
        return False
    _move_balances(repo, posting, opened, data["transaction_id"], at, checked=False)
    return True


def _open_accounts(
    uow: UnitOfWork,
    repo: LedgerRepository,
    posting: Posting,
    ids: Mapping[Owner, str] | None = None,
) -> dict[Owner, Row]:
    # In owner order: two postings opening the same new accounts wait for each other in
    # one order, never in a cycle.
    limits, ids = default_limits(uow.runtime), ids or {}
    owners = sorted(leg.owner for leg in posting.legs)
    return {o: repo.ensure_account(o, limits[o.kind], uow.now, ids.get(o)) for o in owners}


def _move_balances(
    repo: LedgerRepository,
    posting: Posting,
    opened: Mapping[Owner, Row],
    transaction_id: str,
    now: dt.datetime,
    *,
    checked: bool,
) -> None:
    rows = []
    # By account id: concurrent postings lock the rows they share in one order (PostgreSQL
    # would otherwise find a deadlock when two members pay each other at once).
    for leg in sorted(posting.legs, key=lambda leg: opened[leg.owner]["id"]):
        account_id = opened[leg.owner]["id"]
        balance = repo.move(account_id, leg.amount, now, checked=checked)
        if balance is None:
            account = _required(repo.account(account_id))
            limits = Limits(account["lower_limit"], account["upper_limit"])
            label = rules.account_label(leg.owner, posting.created_by)
            raise rules.limit_refusal(label, leg.amount, limits)
        rows.append({"account_id": account_id, "amount": leg.amount, "balance_after": balance})
    repo.add_entries(transaction_id, rows, now)


def transaction_event(transaction: Row) -> dict[str, Any]:
    """``TransactionPosted``'s data (time-credits v1)."""
    return {
        "transaction_id": transaction["id"],
        "source": transaction["source"],
        "kind": transaction["kind"],
        "entries": transaction["entries"],
        "reverses": transaction["reverses"],
        "at": transaction["posted_at"],
    }


def _required(found: T | None) -> T:
    assert found is not None, "a row this transaction wrote or read is missing"
    return found


# Earning, transferring, spending, reversing


def earn_for_hours(uow: UnitOfWork, hours: Mapping[str, Any]) -> Posted | None:
    """Approved hours earn credits at the organisation's rate (``HoursApproved``'s data)."""
    org_id = hours["organisation_id"]
    rate = LedgerRepository(uow.session).rate(org_id) or rules.DEFAULT_RATE
    posting = rules.earning(hours["hours_id"], org_id, hours["account_id"], hours["minutes"], rate)
    return post(uow, posting) if posting else None


def transfer(
    runtime: ServiceRuntime,
    payer_id: str,
    payee_id: str,
    amount: int,
    *,
    source: str,
    memo: str = "",
) -> Posted:
    """One member pays another, once per ``source``."""
    with unit_of_work(runtime) as uow:
        return post(uow, rules.transfer(source, payer_id, payee_id, amount, memo, by=payer_id))


def spend(
    runtime: ServiceRuntime,
    account_id: str,
    organisation_id: str,
    amount: int,
    key: str,
    microtask_id: str | None = None,
) -> Posted:
    """A member pays an organisation for a task request; a retried key changes nothing."""
    with unit_of_work(runtime) as uow:
        _check_payee(uow, organisation_id, microtask_id)
        memo = "For a task request" if microtask_id else "Spent at an organisation"
        posting = rules.spending(account_id, organisation_id, key, amount, memo)
        posted = post(uow, posting, microtask_id=microtask_id)
        legs = LedgerRepository.legs_of(posted.transaction)
        if not posted.created and (
            set(legs) != set(posting.legs) or posted.transaction["microtask_id"] != microtask_id
        ):
            raise Conflict("You used this idempotency key for a different payment.")
        return posted


def _check_payee(uow: UnitOfWork, organisation_id: str, microtask_id: str | None) -> None:
    repo = LedgerRepository(uow.session)
    if not repo.organisation_exists(organisation_id):
        raise Invalid({"organisation_id": ["There is no such organisation."]})
    if microtask_id is not None and not repo.task_exists(microtask_id, organisation_id):
        raise Invalid({"microtask_id": ["That organisation has no such task."]})


def reverse(
    runtime: ServiceRuntime, actor: str, admin: bool, transaction_id: str, reason: str = ""
) -> Posted:
    """Admins correct the ledger with a reversing transaction; reversing twice posts once."""
    with unit_of_work(runtime) as uow:
        repo = LedgerRepository(uow.session)
        original = repo.transaction(transaction_id)
        if original is None or not admin:
            _refuse(original is not None and _touches(original, actor), "transaction")
        legs = repo.legs_of(_required(original))
        return post(uow, rules.reversal(transaction_id, legs, actor, reason))


def _touches(transaction: Row, account_id: str) -> bool:
    return any(
        e["owner_kind"] == rules.VOLUNTEER and e["owner_id"] == account_id
        for e in transaction["entries"]
    )


def _refuse(visible: bool, what: str) -> None:
    """403 to those who can see the object, 404 to everyone else (it is not theirs to know)."""
    if visible:
        raise Forbidden(f"Only administrators can change a {what}.")
    raise NotFound(f"No such {what}.")


# Rates and limits


def set_rate(
    runtime: ServiceRuntime, actor: str, admin: bool, organisation_id: str, rate: int
) -> dict[str, Any]:
    rules.check_rate(rate)
    with unit_of_work(runtime) as uow:
        _check_organisation(uow, organisation_id, actor, admin, roles=("owner",))
        LedgerRepository(uow.session).set_rate(organisation_id, rate, actor, uow.now)
    return {"organisation_id": organisation_id, "rate": rate}


def _check_organisation(
    uow: UnitOfWork, organisation_id: str, actor: str, admin: bool, roles: tuple[str, ...]
) -> None:
    exists = LedgerRepository(uow.session).organisation_exists(organisation_id)
    role = uow.role_in(organisation_id, actor) if exists else None
    if not exists or (role is None and not admin):
        raise NotFound("No such organisation.")
    if not admin and role not in roles:
        raise Forbidden("Only the organisation's owners can do this.")


def set_limits(
    runtime: ServiceRuntime, actor: str, admin: bool, account_id: str, limits: Limits
) -> Row:
    with unit_of_work(runtime) as uow:
        repo = LedgerRepository(uow.session)
        account = repo.account(account_id)
        if account is None or not admin:
            own = account is not None and (account["owner_kind"], account["owner_id"]) == (
                rules.VOLUNTEER, actor,
            )  # fmt: skip
            _refuse(own, "ledger account's limits")
        if not repo.set_limits(account_id, limits, uow.now):
            raise Conflict("The balance is already outside those limits.")
        return _required(repo.account(account_id))


# Statements


def statement(
    runtime: ServiceRuntime, owner: Owner, before: int | None, limit: int = STATEMENT_PAGE
) -> dict[str, Any]:
    """An account's balance, limits and entries (newest first, ``limit`` a page)."""
    with unit_of_work(runtime) as uow:
        return _statement(uow, owner, before, limit)


def organisation_statement(
    runtime: ServiceRuntime, actor: str, admin: bool, org_id: str, before: int | None, limit: int
) -> dict[str, Any]:
    with unit_of_work(runtime) as uow:
        _check_organisation(uow, org_id, actor, admin, roles=("owner", "editor"))
        found = _statement(uow, Owner(rules.ORGANISATION, org_id), before, limit)
        found["rate"] = LedgerRepository(uow.session).rate(org_id) or rules.DEFAULT_RATE
        return found


def bank_statement(
    runtime: ServiceRuntime, admin: bool, before: int | None, limit: int
) -> dict[str, Any]:
    if not admin:
        raise Forbidden("Only administrators can see the time bank's own account.")
    return statement(runtime, rules.BANK, before, limit)


def _statement(uow: UnitOfWork, owner: Owner, before: int | None, limit: int) -> dict[str, Any]:
    repo = LedgerRepository(uow.session)
    # Opened on first use, like every account: a statement always has an account id.
    account = repo.ensure_account(owner, default_limits(uow.runtime)[owner.kind], uow.now)
    rows = repo.statement(account["id"], before, limit + 1)
    more = len(rows) > limit
    return {
        "account": account,
        "entries": rows[:limit],
        "next_cursor": str(rows[limit - 1]["id"]) if more else None,
    }


# Exchanges between members


def propose(
    runtime: ServiceRuntime,
    proposer: str,
    counterparty: str,
    direction: str,
    amount: int,
    reason: str,
) -> Exchange:
    payer, payee = rules.parties_for(proposer, counterparty, direction)
    rules.check_amount(amount)
    with unit_of_work(runtime) as uow:
        repo = LedgerRepository(uow.session)
        # A member number is shown only on its owner's time credits page, which opens the
        # account: no account means a mistyped number, which would otherwise wait for ever.
        if repo.account_of(Owner(rules.VOLUNTEER, counterparty)) is None:
            raise Invalid({"counterparty_id": [
                "No member has that number. Check it with them: it is on their time credits"
                " page."
            ]})  # fmt: skip
        exchange = Exchange(
            str(uuid.uuid4()), proposer, payer, payee, amount, reason, rules.PENDING, uow.now
        )
        repo.add_exchange(exchange)
        data = {"proposed_by": proposer, "amount": amount, **_exchange_event(exchange, uow.now)}
        uow.emit(CREDITS, "ExchangeProposed", exchange.id, data)
    return exchange


def confirm(runtime: ServiceRuntime, actor: str, exchange_id: str) -> tuple[Exchange, Posted]:
    """The other party agrees: the transfer posts (or 409 if it would pass a limit)."""
    with unit_of_work(runtime) as uow:
        repo, exchange = _exchange(uow, exchange_id, actor)
        rules.check_answer(exchange, actor)
        posting = rules.transfer(
            f"exchange:{exchange.id}", exchange.payer_id, exchange.payee_id, exchange.amount,
            exchange.reason, by=actor,
        )  # fmt: skip
        posted = post(uow, posting)
        _decide(repo, exchange, rules.CONFIRMED, actor, uow.now, posted.transaction["id"])
        return _required(repo.exchange(exchange.id)), posted


def decline(runtime: ServiceRuntime, actor: str, exchange_id: str) -> Exchange:
    with unit_of_work(runtime) as uow:
        repo, exchange = _exchange(uow, exchange_id, actor)
        rules.check_answer(exchange, actor)
        return _close(uow, repo, exchange, rules.DECLINED, actor)


def cancel(runtime: ServiceRuntime, actor: str, exchange_id: str) -> Exchange:
    """The proposer withdraws; told on the topic as declined by the proposer."""
    with unit_of_work(runtime) as uow:
        repo, exchange = _exchange(uow, exchange_id, actor)
        rules.check_cancel(exchange, actor)
        return _close(uow, repo, exchange, rules.CANCELLED, actor)


def exchanges_of(runtime: ServiceRuntime, actor: str, status: str | None) -> list[Exchange]:
    with unit_of_work(runtime) as uow:
        return LedgerRepository(uow.session).exchanges_of(actor, status)


def _exchange(uow: UnitOfWork, exchange_id: str, actor: str) -> tuple[LedgerRepository, Exchange]:
    repo = LedgerRepository(uow.session)
    exchange = repo.exchange(exchange_id)
    if exchange is None or actor not in exchange.parties():
        raise NotFound("No such exchange.")
    return repo, exchange


def _close(
    uow: UnitOfWork, repo: LedgerRepository, exchange: Exchange, status: str, actor: str
) -> Exchange:
    _decide(repo, exchange, status, actor, uow.now, None)
    data = {"declined_by": actor, **_exchange_event(exchange, uow.now)}
    uow.emit(CREDITS, "ExchangeDeclined", exchange.id, data)
    return _required(repo.exchange(exchange.id))


def _decide(
    repo: LedgerRepository,
    exchange: Exchange,
    status: str,
    actor: str,
    now: dt.datetime,
    tx: str | None,
) -> None:
    # Conditional on "still pending": a confirm and a cancel at once cannot both win.
    if not repo.decide(exchange, status, actor, now, tx):
        raise Conflict("This exchange was answered meanwhile.")


def _exchange_event(exchange: Exchange, now: dt.datetime) -> dict[str, Any]:
    return {
        "exchange_id": exchange.id,
        "payer_id": exchange.payer_id,
        "payee_id": exchange.payee_id,
        "at": now,
    }
