"""Open data out: the catalogue as UK Volunteering Data JSON-LD, JobPostings, a change feed.

The dataset is written as a stream of JSON text: roles are read a page at a time, each page
in its own short transaction (on SQLite a transaction holds the write lock, so a slow
download must not keep one open), and only one organisation's roles are held at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from services.common.runtime import ServiceRuntime
from services.common.vocab.vocabularies import Vocabularies, load_vocabularies
from services.opportunities.adapters.open_data_repository import (
    Change,
    OpenDataRepository,
    is_public,
)
from services.opportunities.domain.errors import NotFound
from services.opportunities.domain.job_posting import job_posting
from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.organisation import Moderation, Organisation
from services.opportunities.domain.volunteering_data import (
    CONTEXT,
    IriOf,
    dataset_node,
    organisation_node,
)

PAGE = 500


@contextmanager
def _reading(runtime: ServiceRuntime) -> Iterator[OpenDataRepository]:
    session: Session
    with runtime.session_factory() as session, session.begin():
        yield OpenDataRepository(session)


def iri_lookup(vocabularies: Vocabularies) -> IriOf:
    """Codes to the standard's IRIs, as the vocabulary files record them (not rebuilt here)."""

    def iri_of(vocabulary: str, code: str) -> str:
        return vocabularies[vocabulary].concept(code).iri

    return iri_of


def _vocabularies(runtime: ServiceRuntime) -> Vocabularies:
    found: Vocabularies | None = runtime.extensions.get("vocabularies")
    return found or load_vocabularies()


def public_organisation(runtime: ServiceRuntime, org_id: str) -> Organisation:
    """An approved organisation, or NotFound (pending and rejected ones are not published)."""
    with _reading(runtime) as repo:
        org = repo.organisations.get(org_id)
    if org is None or org.moderation is not Moderation.APPROVED:
        raise NotFound(f"There is no published organisation {org_id}.")
    return org


def dataset_chunks(
    runtime: ServiceRuntime, iri: str, base_url: str, org_id: str | None = None
) -> Iterator[str]:
    """The JSON-LD document as text chunks: the dataset node, then one organisation each."""
    with _reading(runtime) as repo:
        modified = repo.last_modified(org_id)
    iri_of = iri_lookup(_vocabularies(runtime))
    yield '{"@context": ' + json.dumps(CONTEXT) + ', "graph": ['
    yield json.dumps(dataset_node(iri, modified))
    for org, roles in _by_organisation(runtime, org_id):
        yield ",\n" + json.dumps(organisation_node(org, roles, iri_of, base_url))
    yield "]}\n"


def _by_organisation(
    runtime: ServiceRuntime, org_id: str | None
) -> Iterator[tuple[Organisation, list[Opportunity]]]:
    current: Organisation | None = None
    roles: list[Opportunity] = []
    for org, role in _public_roles(runtime, org_id):
        if current is not None and org.id != current.id:
            yield current, roles
            roles = []
        current = org
        roles.append(role)
    if current is not None:
        yield current, roles


def _public_roles(
    runtime: ServiceRuntime, org_id: str | None
) -> Iterator[tuple[Organisation, Opportunity]]:
    after: tuple[str, str] | None = None
    while True:
        with _reading(runtime) as repo:
            page = repo.public_page(after, PAGE, org_id)
            orgs = {o.id: o for o in repo.organisations.get_many(r.organisation_id for r in page)}
        for role in page:
            yield orgs[role.organisation_id], role
        if len(page) < PAGE:
            return
        after = (page[-1].organisation_id, page[-1].id)


def job_posting_of(runtime: ServiceRuntime, role_id: str, base_url: str) -> dict[str, Any]:
    """The JobPosting of a role in the public catalogue; NotFound for any other."""
    with _reading(runtime) as repo:
        role = repo.role(role_id)
        org = repo.organisations.get(role.organisation_id) if role else None
    if role is None or org is None or not is_public(role, org):
        raise NotFound(f"There is no published role {role_id}.")
    return job_posting(role, org, base_url)


def changes(runtime: ServiceRuntime, after: tuple[int, str] | None, limit: int) -> list[Change]:
    """One page of the change feed, ordered by (change number, role id)."""
    with _reading(runtime) as repo:
        return repo.changes(after, limit)
