"""Who applied: the name and email address an organisation needs to reply to an applicant.

Only these two fields, and only for applications the caller may already see as the
organisation (or its Volunteer Centre): applying is asking the organisation to get in
touch, and the apply page says it will see them. An erased account has no row, so its
applications show no applicant.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.volunteers.adapters.orm import accounts


def applicants(session: Session, account_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    wanted = sorted(set(account_ids))
    if not wanted:
        return {}
    rows = session.execute(
        sa.select(accounts.c.id, accounts.c.name, accounts.c.email).where(accounts.c.id.in_(wanted))
    )
    return {row.id: {"name": row.name, "email": row.email} for row in rows}
