"""``/api/v1/timebank``: time credits. Statements, spending, exchanges between members, and
the administration of rates, limits and corrections.

Amounts are integers in hundredths of a credit (``125`` is 1.25 credits). Someone else's
exchange, or an organisation you are not a member of, answers 404 like one that does not
exist. A payment that would take an account past its limit answers 409 and moves nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from marshmallow import Schema, fields, validate

from services.availability.adapters.ledger_repository import Row
from services.availability.domain import ledger as rules
from services.availability.domain.ledger import Exchange, Limits, Owner
from services.availability.service_layer import ledger as use_cases
from services.common.api import json_body, json_response, load, runtime
from services.common.auth import require_principal
from services.common.openapi import listing, operation

bp = Blueprint("availability_timebank", __name__, url_prefix="/api/v1/timebank")
TAGS = ("time credits",)
_KEY = validate.Regexp(r"^[A-Za-z0-9._:-]{1,100}$", error="Use 1 to 100 letters, digits or ._:-")


def _amount() -> fields.Integer:
    return fields.Integer(
        required=True, strict=True, metadata={"description": "Hundredths of a credit."}
    )


class PageQuery(Schema):
    cursor = fields.Integer(
        load_default=None,
        # An entry id is a database integer; a larger one used to overflow the query (500).
        validate=validate.Range(min=0, max=2**63 - 1),
        metadata={"description": "next_cursor of the previous page."},
    )
    limit = fields.Integer(load_default=use_cases.STATEMENT_PAGE, validate=validate.Range(1, 200))


class LedgerAccountOut(Schema):
    id = fields.String()
    owner_kind = fields.String()
    owner_id = fields.String()
    balance = fields.Integer()
    lower_limit = fields.Integer(allow_none=True)
    upper_limit = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class EntryOut(Schema):
    id = fields.Integer()
    transaction_id = fields.String()
    kind = fields.String()
    source = fields.String(metadata={"description": "What caused it: hours:<id>, ..."})
    amount = fields.Integer()
    balance_after = fields.Integer()
    posted_at = fields.DateTime()
    memo = fields.String()
    reverses = fields.String(allow_none=True)
    counterparty = fields.Dict(metadata={"description": "owner_kind, owner_id, name"})


class StatementOut(Schema):
    account = fields.Nested(LedgerAccountOut)
    entries = fields.List(fields.Nested(EntryOut))
    next_cursor = fields.String(allow_none=True)
    rate = fields.Integer(metadata={"description": "Organisations: hundredths per hour."})


class TransactionOut(Schema):
    id = fields.String()
    source = fields.String()
    kind = fields.String()
    reverses = fields.String(allow_none=True)
    memo = fields.String()
    posted_at = fields.DateTime()
    entries = fields.List(fields.Dict())


class RateIn(Schema):
    rate = fields.Integer(
        required=True, strict=True, metadata={"description": "Hundredths of a credit an hour."}
    )


class LimitsIn(Schema):
    lower_limit = fields.Integer(required=True, strict=True, allow_none=True)
    upper_limit = fields.Integer(required=True, strict=True, allow_none=True)


class ReverseIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=rules.MAX_MEMO))


class SpendIn(Schema):
    organisation_id = fields.String(required=True, validate=validate.Length(1, 36))
    amount = _amount()
    microtask_id = fields.String(load_default=None, allow_none=True)
    idempotency_key = fields.String(required=True, validate=_KEY)


class ExchangeIn(Schema):
    counterparty_id = fields.String(required=True, validate=validate.Length(1, 64))
    direction = fields.String(
        required=True,
        validate=validate.OneOf([rules.PAY, rules.REQUEST]),
        metadata={"description": "pay: you pay them; request: they pay you."},
    )
    amount = _amount()
    reason = fields.String(required=True, validate=validate.Length(1, rules.MAX_MEMO))


class ExchangeOut(Schema):
    id = fields.String()
    proposed_by = fields.String()
    payer_id = fields.String()
    payee_id = fields.String()
    amount = fields.Integer()
    reason = fields.String()
    status = fields.String()
    awaiting = fields.String(allow_none=True)
    transaction_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)


class ExchangesQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(rules.EXCHANGE_STATUSES))


def transaction_view(row: Row) -> dict[str, Any]:
    keys = ("id", "source", "kind", "reverses", "memo", "posted_at", "entries")
    return {key: row[key] for key in keys}


def exchange_view(exchange: Exchange) -> dict[str, Any]:
    view = {**vars(exchange)}
    view["awaiting"] = exchange.other_party if exchange.status == rules.PENDING else None
    return view


def _page() -> dict[str, Any]:
    return load(PageQuery(), request.args.to_dict())


def _actor() -> tuple[str, bool]:
    principal = require_principal()
    return principal.account_id, principal.is_admin


def _posted(posted: use_cases.Posted) -> Response:
    return json_response(transaction_view(posted.transaction), 201 if posted.created else 200)


@bp.get("/statement")
@operation(summary="Your time credits", tags=TAGS, query=PageQuery, responses={200: StatementOut})
def own_statement() -> Response:
    principal = require_principal(verified=False)
    page = _page()
    owner = Owner(rules.VOLUNTEER, principal.account_id)
    return json_response(use_cases.statement(runtime(), owner, page["cursor"], page["limit"]))


@bp.get("/organisations/<org_id>/statement")
@operation(
    summary="An organisation's time credits (its members and administrators)",
    tags=TAGS,
    query=PageQuery,
    responses={200: StatementOut, 404: "No such organisation"},
)
def organisation_statement(org_id: str) -> Response:
    principal = require_principal(verified=False)
    page = _page()
    found = use_cases.organisation_statement(
        runtime(), principal.account_id, principal.is_admin, org_id, page["cursor"], page["limit"]
    )
    return json_response(found)


@bp.get("/bank/statement")
@operation(
    summary="The time bank's own account (administrators)",
    tags=TAGS,
    query=PageQuery,
    responses={200: StatementOut, 403: "Administrators only"},
)
def bank_statement() -> Response:
    principal = require_principal(verified=False)
    page = _page()
    found = use_cases.bank_statement(runtime(), principal.is_admin, page["cursor"], page["limit"])
    return json_response(found)


@bp.put("/organisations/<org_id>/rate")
@operation(
    summary="Set how many credits an hour given at an organisation earns (its owners)",
    tags=TAGS,
    body=RateIn,
    responses={200: None, 403: "Owners only", 404: "No such organisation", 422: "Invalid"},
)
def set_rate(org_id: str) -> Response:
    actor, admin = _actor()
    rate = load(RateIn(), json_body())["rate"]
    return json_response(use_cases.set_rate(runtime(), actor, admin, org_id, rate))


@bp.put("/accounts/<ledger_account_id>/limits")
@operation(
    summary="Set an account's credit limits (administrators; null is unlimited)",
    tags=TAGS,
    body=LimitsIn,
    responses={
        200: LedgerAccountOut, 404: "No such account", 409: "Balance outside them", 422: "Invalid",
    },
)  # fmt: skip
def set_limits(ledger_account_id: str) -> Response:
    actor, admin = _actor()
    data = load(LimitsIn(), json_body())
    limits = Limits(data["lower_limit"], data["upper_limit"])
    return json_response(use_cases.set_limits(runtime(), actor, admin, ledger_account_id, limits))


@bp.post("/transactions/<transaction_id>/reverse")
@operation(
    summary="Correct a transaction by reversing it (administrators; once per transaction)",
    tags=TAGS,
    body=ReverseIn,
    responses={
        201: TransactionOut, 200: "Already reversed", 404: "No such transaction",
        409: "Would pass a limit",
    },
)  # fmt: skip
def reverse(transaction_id: str) -> Response:
    actor, admin = _actor()
    reason = load(ReverseIn(), json_body())["reason"]
    return _posted(use_cases.reverse(runtime(), actor, admin, transaction_id, reason))


@bp.post("/spend")
@operation(
    summary="Spend credits at an organisation, e.g. on a task request",
    tags=TAGS,
    body=SpendIn,
    responses={
        201: TransactionOut, 200: "This idempotency key was already posted",
        409: "Not enough credits, or the key was used for another payment", 422: "Invalid",
    },
)  # fmt: skip
def spend() -> Response:
    actor, _admin = _actor()
    data = load(SpendIn(), json_body())
    posted = use_cases.spend(
        runtime(), actor, data["organisation_id"], data["amount"], data["idempotency_key"],
        data["microtask_id"],
    )  # fmt: skip
    return _posted(posted)


@bp.get("/exchanges")
@operation(
    summary="Exchanges you proposed or were asked to confirm, newest first",
    tags=TAGS,
    query=ExchangesQuery,
    responses={200: listing(ExchangeOut)},
)
def exchanges() -> Response:
    principal = require_principal(verified=False)
    status = load(ExchangesQuery(), request.args.to_dict())["status"]
    found = use_cases.exchanges_of(runtime(), principal.account_id, status)
    return json_response({"items": [exchange_view(e) for e in found]})


@bp.post("/exchanges")
@operation(
    summary="Propose an exchange with another member (they confirm it)",
    tags=TAGS,
    body=ExchangeIn,
    responses={201: ExchangeOut, 422: "Invalid"},
)
def propose() -> Response:
    actor, _admin = _actor()
    data = load(ExchangeIn(), json_body())
    exchange = use_cases.propose(
        runtime(), actor, data["counterparty_id"], data["direction"], data["amount"],
        data["reason"],
    )  # fmt: skip
    return json_response(exchange_view(exchange), 201, f"{bp.url_prefix}/exchanges")


_ANSWER: dict[int, type[Schema] | str | None] = {
    200: ExchangeOut,
    403: "Not yours to answer",
    404: "No such exchange",
    409: "Already answered, or would pass a limit",
}


@bp.post("/exchanges/<exchange_id>/confirm")
@operation(summary="Confirm an exchange: the credits move", tags=TAGS, responses=_ANSWER)
def confirm(exchange_id: str) -> Response:
    actor, _admin = _actor()
    exchange, posted = use_cases.confirm(runtime(), actor, exchange_id)
    body = {**exchange_view(exchange), "transaction": transaction_view(posted.transaction)}
    return json_response(body)


@bp.post("/exchanges/<exchange_id>/decline")
@operation(summary="Decline an exchange", tags=TAGS, responses=_ANSWER)
def decline(exchange_id: str) -> Response:
    actor, _admin = _actor()
    return json_response(exchange_view(use_cases.decline(runtime(), actor, exchange_id)))


@bp.post("/exchanges/<exchange_id>/cancel")
@operation(summary="Cancel an exchange you proposed", tags=TAGS, responses=_ANSWER)
def cancel(exchange_id: str) -> Response:
    actor, _admin = _actor()
    return json_response(exchange_view(use_cases.cancel(runtime(), actor, exchange_id)))
