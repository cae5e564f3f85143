"""Failures that mean "a dependency is down, try again", never "this message is bad".

A consumer dead-letters a message whose handler keeps failing, so that one poison message
cannot stop its group. An outage is different: every message would fail until the search
node, the database or the event log is back, and dead-lettering them would quietly lose
them (issue 9: after Elasticsearch is stopped for a minute, every role posted meanwhile
must still reach the index). ``is_transient`` names those failures; the consumer then
leaves its batch uncommitted and reads it again after a pause.
"""

from __future__ import annotations

import sqlalchemy.exc


class Unavailable(RuntimeError):
    """A dependency (index, event log, database) cannot be reached now."""


# The database going away (a restart, a dropped connection) surfaces as these.
_DATABASE_DOWN = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError,
                  sqlalchemy.exc.DisconnectionError)  # fmt: skip


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, Unavailable):
        return True
    if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, _DATABASE_DOWN)
