"""Data rights use cases: export what this service holds about a person; erase it.

Erasure runs in one transaction: the account, its sessions and links, sign-in attempts and
mail to the person's addresses, the profile and saved searches are deleted, applications are
anonymised (``domain.data_rights.anonymise``), and ``AccountErased`` goes to the outbox, so
the other services forget the account too (within a minute: their consumers poll
continuously). Copies of sent mail in the dev mailbox are deleted after the commit.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from services.common.envelope import new_envelope
from services.common.mail import Mailer, forget_copies
from services.common.runtime import ServiceRuntime
from services.common.validation import InvalidInput
from services.volunteers.adapters.applications_repository import ApplicationRepository
from services.volunteers.adapters.personal_data import Mentions, PersonalData
from services.volunteers.domain.accounts import Account, DomainError, InvalidCredentials
from services.volunteers.domain.applications import Application
from services.volunteers.domain.data_rights import AccountErased, anonymise, names_in_mail
from services.volunteers.service_layer import saved_searches
from services.volunteers.service_layer.accounts import (
    SIGN_IN,
    _account,
    _check_ip,
    _check_password,
)
from services.volunteers.service_layer.applications import Work
from services.volunteers.service_layer.unit_of_work import (
    ACCOUNTS,
    PRODUCER,
    UnitOfWork,
    unit_of_work,
)

log = logging.getLogger(__name__)
WRONG_PASSWORD = "Your password is not right"


def export(runtime: ServiceRuntime, account_id: str) -> dict[str, Any]:
    """Everything this service holds about the account (never its password hash)."""
    with unit_of_work(runtime) as uow:
        account = _account(uow, account_id)
        data = PersonalData(uow.session)
        addresses = data.addresses(account.id, account.email)
        applications = _applications(uow, data.application_ids(account.id))
        return {
            "account": _account_view(account),
            "profile": data.profile(account.id),
            "applications": [_application_view(a) for a in applications],
            "saved_searches": data.saved_searches(account.id),
            "sessions": data.sessions(account.id),
            "links_sent": data.links(account.id),
            "sign_in_attempts": data.attempts(addresses),
            "emails": data.mail(addresses),
        }


def erase(
    runtime: ServiceRuntime, account_id: str, *, password: str, ip: str | None
) -> AccountErased:
    """Delete the account and everything about its owner. The password must be given again,
    so that a stolen access token alone cannot destroy an account; a wrong one counts towards
    the sign-in lockout like any other."""
    with unit_of_work(runtime) as uow:
        _check_ip(uow, SIGN_IN, ip)
        account = _account(uow, account_id)
        refusal = _check_password(uow, account.email_key, account, password, ip)
        outcome = refusal or _erase(uow, account)
    # Refusals are raised after the commit, so that the failed attempt is remembered.
    if isinstance(outcome, InvalidCredentials):
        raise InvalidInput.field("password", WRONG_PASSWORD)
    if isinstance(outcome, DomainError):
        raise outcome
    event, kept = outcome
    _forget_kept_mail(runtime, kept)
    log.info("account erased", extra={"account_id": event.account_id})
    return event


@dataclass(frozen=True)
class _Traces:
    """Where copies of mail about the person may be found outside the database."""

    addresses: set[str]
    mentions: Mentions


def _erase(uow: UnitOfWork, account: Account) -> tuple[AccountErased, _Traces]:
    data = PersonalData(uow.session)
    theirs = _applications(uow, data.application_ids(account.id))
    traces = _Traces(
        data.addresses(account.id, account.email),
        Mentions(ids=[a.id for a in theirs], names=names_in_mail(account.name)),
    )
    _forget_saved_searches(uow, data, account.id)
    data.delete(account.id, traces.addresses, traces.mentions)
    applications = ApplicationRepository(uow.session)
    publisher = Work(uow.session, uow.runtime, uow.now)  # the applications topic, as ever
    for application in theirs:
        anonymise(application, uow.now)
        applications.save(application)
        publisher.publish(application)
    event = AccountErased(account.id, uow.now)
    uow.runtime.outbox.add(uow.session, ACCOUNTS[0], _envelope(event))
    return event, traces


def _applications(uow: UnitOfWork, ids: list[str]) -> list[Application]:
    repository = ApplicationRepository(uow.session)
    found = (repository.get(application_id, for_update=True) for application_id in ids)
    return [application for application in found if application is not None]


def _forget_saved_searches(uow: UnitOfWork, data: PersonalData, account_id: str) -> None:
    # Through the saved-search use case, so the search service's percolator forgets them too
    # (SavedSearchDeleted per search); then whatever the tables still hold, as a backstop.
    saved_searches.forget_account(uow.session, uow.runtime, account_id, uow.now)
    data.delete_saved_searches(account_id)


def _forget_kept_mail(runtime: ServiceRuntime, traces: _Traces) -> None:
    """Copies of sent mail (the dev mailbox) live outside the database: forget them now.

    After the commit, so that a failure here cannot undo the erasure (it is logged, without
    the addresses). Mail already handed to an SMTP server has left the platform.
    """
    mailer: Mailer | None = runtime.extensions.get("mailer")
    mentions = [*traces.mentions.ids, *traces.mentions.names]
    try:
        if mailer is not None:
            forget_copies(mailer, traces.addresses, mentions)
    except Exception:
        log.exception("could not delete kept copies of mail after an erasure")


def _envelope(event: AccountErased) -> dict[str, object]:
    return new_envelope(
        event_type=type(event).__name__,
        version=ACCOUNTS[1],
        producer=PRODUCER,
        key=event.account_id,
        data=asdict(event),
        occurred_at=event.erased_at,
    )


def _account_view(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "email": account.email,
        "name": account.name,
        "account_type": account.account_type.value,
        "email_verified": account.email_verified,
        "roles": sorted(account.roles),
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }


def _application_view(application: Application) -> dict[str, Any]:
    view = asdict(application)
    del view["events"]
    return view
