"""Which failures mean "the database cannot answer right now", as opposed to a bug.

Those are worth a retry: the database is down or restarting, a connection was cut, the
pool has no connection to give, a statement ran past its timeout, a lock could not be
had in time. The API answers them 503 with ``Retry-After``. One more kind is no bug
either: a foreign key that finds nothing, when what a write points at was deleted while it
ran; the API answers it as the next request would. Everything else stays a 500.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# SQLSTATE classes of the same kind: 08 connection exception, 53 insufficient resources,
# 57 operator intervention (admin shutdown, query canceled by statement_timeout),
# 40P01 deadlock (retrying succeeds).
_RETRYABLE_SQLSTATES = ("08", "53", "57", "40P01")


# Every exception class a database failure can arrive as; database_unavailable() sorts them.
DATABASE_FAILURES: tuple[type[Exception], ...] = (DBAPIError, PoolTimeout, OSError)


def _sqlstate(error: DBAPIError) -> str:
    original = error.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(state or "")


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not serve the request for now."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError):
        return (
            exc.connection_invalidated
            or isinstance(exc, OperationalError | InterfaceError)
            or _sqlstate(exc).startswith(_RETRYABLE_SQLSTATES)
        )
    # A refused or reset connection while the pool opens one comes through unwrapped.
    return isinstance(exc, ConnectionError | TimeoutError) or (
        isinstance(exc, OSError) and exc.errno is not None
    )


# A row pointing at one that is not there: PostgreSQL's SQLSTATE (its error names the
# foreign key), MariaDB's and MySQL's error number (the message names it), SQLite's
# message (which does not).
_FOREIGN_KEY_SQLSTATE = "23503"
_MYSQL_NO_PARENT_ROW = 1452
_MYSQL_KEY_NAME = re.compile(r"CONSTRAINT `([^`]+)` FOREIGN KEY")
_SQLITE_FOREIGN_KEY = "FOREIGN KEY constraint failed"


def missing_reference(exc: BaseException) -> str | None:
    """The name of the foreign key that found nothing to point at, if ``exc`` says one did
    ("" when the database does not name it); None for any other failure.

    What the write refers to was there when the request looked: it was deleted meanwhile.
    """
    if not isinstance(exc, IntegrityError):
        return None
    original = exc.orig
    if _sqlstate(exc) == _FOREIGN_KEY_SQLSTATE:
        # psycopg's diagnostics, or asyncpg's own error under SQLAlchemy's adapter.
        diagnostics = getattr(original, "diag", None) or getattr(original, "__cause__", None)
        return str(getattr(diagnostics, "constraint_name", None) or "")
    args = getattr(original, "args", None) or ("",)
    if args[0] == _MYSQL_NO_PARENT_ROW:
        named = _MYSQL_KEY_NAME.search(str(args[-1]))
        return named.group(1) if named else ""
    if _SQLITE_FOREIGN_KEY in str(args[0]):
        return ""
    return None
