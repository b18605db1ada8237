"""Which failures mean "the database cannot answer right now", as opposed to a bug.

Those are worth a retry: the database is down or restarting, a connection was cut, the
pool has no connection to give, a statement ran past its timeout, a lock could not be
had in time. The API answers them 503 with ``Retry-After``; everything else stays a 500.
"""

from __future__ import annotations

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


# A row pointing at one that is not there: PostgreSQL's SQLSTATE, MariaDB's and MySQL's
# error number, SQLite's message.
_FOREIGN_KEY_SQLSTATE = "23503"
_MYSQL_NO_PARENT_ROW = 1452
_SQLITE_FOREIGN_KEY = "FOREIGN KEY constraint failed"


def missing_reference(exc: BaseException) -> bool:
    """Whether ``exc`` is a foreign key pointing at nothing: what a write refers to was
    deleted while it ran (checked when the request began, it was there)."""
    if not isinstance(exc, IntegrityError):
        return False
    args = getattr(exc.orig, "args", None) or ("",)
    return (
        _sqlstate(exc) == _FOREIGN_KEY_SQLSTATE
        or args[0] == _MYSQL_NO_PARENT_ROW
        or _SQLITE_FOREIGN_KEY in str(args[0])
    )
