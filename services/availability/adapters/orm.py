"""Tables of the availability service (availability, credentials, tasks, ledger: #5)."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import plumbing_tables

metadata = sa.MetaData()
outbox, processed_events = plumbing_tables(metadata)
