"""Engines from one URL: an async engine for the web app, a sync engine for the CLI and jobs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pressroom.config import Settings
from pressroom.db.events import install_slow_query_log
from pressroom.db.replicas import REMOTE_APPLY, reads_elsewhere
from pressroom.db.session import WRITES
from pressroom.db.urls import Backend, async_url, backend_of, sync_url

logger = logging.getLogger("pressroom.db")


def _engine_options(url: URL, settings: Settings) -> dict[str, Any]:
    # hide_parameters keeps values out of error messages and logs, like the slow-query log.
    options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    backend = backend_of(url)
    if backend is not Backend.SQLITE:
        options |= {
            # A connection in autocommit (a read request's) has nothing to roll back on
            # return. Not on SQLite, whose driver looks autocommit while the engine's own
            # BEGIN holds a transaction that must be rolled back.
            "skip_autocommit_rollback": True,
            "pool_size": settings.pool_size,
            "max_overflow": settings.max_overflow,
            "pool_timeout": settings.pool_timeout,
        }
    if backend is Backend.MYSQL:
        # MySQL closes idle connections after wait_timeout; replace them first.
        options["pool_recycle"] = settings.pool_recycle
        # READ COMMITTED, as on PostgreSQL: each statement sees what was committed when it
        # began, and a locking read locks the rows it finds, not the gaps between them.
        # Under REPEATABLE READ, checking that a favorite is absent locks the gap it would
        # go in, and two favorites going into one gap deadlock.
        options["isolation_level"] = "READ COMMITTED"
    if backend is Backend.POSTGRESQL and url.get_driver_name() == "asyncpg":
        # A pooler keeps each client's TimeZone and sets it on the server connection it lends.
        options["connect_args"] = {"server_settings": {"timezone": "UTC"}}
    if backend is Backend.POSTGRESQL and settings.transaction_pooler:
        options["connect_args"] = options.get("connect_args", {}) | _unprepared(url)
    if backend is Backend.MYSQL:
        options["connect_args"] = {"charset": "utf8mb4"}
    return options


def _unprepared(url: URL) -> dict[str, Any]:
    """Driver options for a pooler in transaction mode (PgBouncer), which lends each
    transaction, or each statement outside one, whichever server connection is free: a
    statement prepared on one is unknown on the next, and a name one worker gave may
    already be taken there by another's."""
    if url.get_driver_name() == "asyncpg":
        # Without its statement cache, asyncpg leaves the statements it prepares unnamed
        # and parses each again in the very message sequence that binds and runs it:
        # nothing depends on an earlier round trip, and nothing is left behind on a server
        # connection. SQLAlchemy's adapter still keeps each statement's description, so a
        # statement it has seen costs one round trip, as it does without a pooler.
        return {"statement_cache_size": 0}
    return {"prepare_threshold": None}  # psycopg: never prepare on the server


def _ensure_sqlite_folder(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, begin: str) -> None:
    """Pragmas, and SQLAlchemy's documented fix so SQLite honours BEGIN and SAVEPOINT.

    The sqlite3 module opens transactions on its own terms and breaks savepoints; taking
    over (isolation_level=None, then an explicit BEGIN) makes them work.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(WRITES, False)
        connection.exec_driver_sql(SQLITE_BEGIN_FOR_WRITES if writes else begin)


# MySQL's "check constraint violated" (3819) and MariaDB's "CONSTRAINT failed" (4025).
_MYSQL_CHECK_FAILURES = frozenset({3819, 4025})


def _configure_mysql(engine: Engine) -> None:
    """Report failed CHECK constraints as IntegrityError, as the other databases do.

    The drivers map them to OperationalError, which would read as a lost connection.
    """

    @event.listens_for(engine, "handle_error")
    def _check_failure_is_integrity_error(context: Any) -> IntegrityError | None:
        original = context.original_exception
        code = original.args[0] if getattr(original, "args", None) else None
        if code in _MYSQL_CHECK_FAILURES:
            return IntegrityError(context.statement, None, original, hide_parameters=True)
        return None


# SQLite: a deferred transaction that turns into a write fails at once when another writer
# got there first (its snapshot is stale, so waiting cannot help). The web app's writes
# therefore take the write lock when they begin, and wait their turn for it; its reads
# begin deferred, on an engine of their own, and never wait for writers (WAL). The CLI's
# units of work begin deferred unless they say they write (pressroom.db.session.WRITES).
SQLITE_BEGIN_DEFERRED = "BEGIN"
SQLITE_BEGIN_FOR_WRITES = "BEGIN IMMEDIATE"


def _configure(
    engine: Engine, url: URL, settings: Settings, sqlite_begin: str = SQLITE_BEGIN_DEFERRED
) -> None:
    backend = backend_of(url)
    if backend is Backend.SQLITE:
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms, sqlite_begin)
    elif backend is Backend.MYSQL:
        _configure_mysql(engine)
    install_slow_query_log(engine, settings.slow_query_ms)


def create_sync_engine(settings: Settings, url: str | URL | None = None) -> Engine:
    """The sync engine (pysqlite, psycopg or pymysql) for the CLI, migrations and bulk jobs."""
    target = sync_url(url or settings.database_url)
    if backend_of(target) is Backend.SQLITE:
        _ensure_sqlite_folder(target)
    engine = create_engine(target, **_engine_options(target, settings))
    _configure(engine, target, settings)
    return engine


# What a web connection to PostgreSQL sets when it opens, at no cost in round trips:
# - statement_timeout: a request's statements stop after PRESSROOM_STATEMENT_TIMEOUT_MS,
#   so a slow query cannot hold a worker forever. MariaDB and MySQL are told right after
#   connecting; SQLite has no such setting, and the request timeout still answers.
# - synchronous_commit = remote_apply, on the writes' connections when reads go to a
#   replica: a commit returns once the replica shows it (see pressroom.db.replicas).
# A pooler in transaction mode refuses settings sent at start-up: behind one, they belong
# to the database role (see the README).


def _with_server_settings(
    url: URL, options: dict[str, Any], settings: Settings, *, for_writes: bool
) -> dict[str, Any]:
    if backend_of(url) is not Backend.POSTGRESQL or settings.transaction_pooler:
        return options
    wanted: dict[str, str] = {}
    if settings.statement_timeout_ms:
        wanted["statement_timeout"] = str(settings.statement_timeout_ms)
    if for_writes and reads_elsewhere(settings):
        wanted["synchronous_commit"] = REMOTE_APPLY
    if not wanted:
        return options
    connect_args = dict(options.get("connect_args", {}))
    server_settings = dict(connect_args.get("server_settings", {})) | wanted
    return options | {"connect_args": connect_args | {"server_settings": server_settings}}


def _limit_mysql_statements(engine: Engine, ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _set_statement_timeout(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # MariaDB counts seconds for every statement; MySQL milliseconds, for SELECTs only.
        cursor.execute("SELECT VERSION()")
        if "mariadb" in str(cursor.fetchone()[0]).lower():
            cursor.execute(f"SET SESSION max_statement_time = {ms / 1000:.3f}")
        else:
            cursor.execute(f"SET SESSION max_execution_time = {int(ms)}")
        cursor.close()


def _ping_in_one_round_trip(engine: AsyncEngine) -> None:
    """Make the pool's pre-ping one round trip on every connection: a plain ``SELECT 1``
    in PostgreSQL's simple query protocol.

    SQLAlchemy's asyncpg adapter pings a connection that is not in autocommit (a write's)
    inside a transaction of its own: ``BEGIN``, the ping, ``ROLLBACK``, three round trips
    before every write. The transaction is there for PgBouncer in transaction mode, where
    a statement prepared on one server connection may run on another; a simple query is
    one message, never prepared, which any pooler passes whole. Any failure means the
    connection is unusable, and the pool puts a new one in its place, as it does for a
    failed ping of its own.
    """

    def ping(dbapi_connection: Any) -> bool:
        try:
            dbapi_connection.run_async(lambda connection: connection.execute("SELECT 1"))
        except Exception as failure:
            # Its type only: a driver's message may quote what the connection last sent.
            logger.warning(
                "a pooled connection failed its ping (%s): replaced", type(failure).__name__
            )
            return False
        return True

    engine.sync_engine.dialect.do_ping = ping  # type: ignore[method-assign]


def _create_web_engine(
    url: URL, settings: Settings, sqlite_begin: str, *, for_writes: bool, **extra: Any
) -> AsyncEngine:
    timeout_ms = settings.statement_timeout_ms
    options = _engine_options(url, settings) | extra
    options = _with_server_settings(url, options, settings, for_writes=for_writes)
    engine = create_async_engine(url, **options)
    if backend_of(url) is Backend.POSTGRESQL and url.get_driver_name() == "asyncpg":
        _ping_in_one_round_trip(engine)
    if timeout_ms and backend_of(url) is Backend.MYSQL:
        _limit_mysql_statements(engine.sync_engine, timeout_ms)
    _configure(engine.sync_engine, url, settings, sqlite_begin)
    return engine


def create_async_db_engine(settings: Settings, url: str | URL | None = None) -> AsyncEngine:
    """The async engine (aiosqlite, asyncpg or aiomysql) for the web app's writes."""
    target = async_url(url or settings.database_url)
    if backend_of(target) is Backend.SQLITE:
        _ensure_sqlite_folder(target)
        # SQLite lets one writer in at a time. With one write connection per process, a
        # process's writers queue for it in order, in the pool, instead of each polling
        # the database's lock, where a newcomer can keep overtaking one that has waited.
        return _create_web_engine(
            target, settings, SQLITE_BEGIN_FOR_WRITES, for_writes=True, pool_size=1, max_overflow=0
        )
    return _create_web_engine(target, settings, SQLITE_BEGIN_FOR_WRITES, for_writes=True)


def create_async_read_engine(settings: Settings) -> AsyncEngine:
    """The async engine for requests that only read, in autocommit on a server database.

    It has its own pool, pointed at ``read_database_url`` when set (a replica). Its
    connections never open a transaction, so a read costs no BEGIN or COMMIT, and the
    pre-ping on checkout is one round trip instead of three (the asyncpg driver wraps a
    ping in a transaction of its own when the connection is not in autocommit). On SQLite,
    where a transaction costs no round trip, reads keep deferred transactions, so they
    never queue behind the writers' ``BEGIN IMMEDIATE``.
    """
    target = async_url(settings.read_database_url or settings.database_url)
    if backend_of(target) is Backend.SQLITE:
        return _create_web_engine(target, settings, SQLITE_BEGIN_DEFERRED, for_writes=False)
    return _create_web_engine(
        target, settings, SQLITE_BEGIN_DEFERRED, for_writes=False, isolation_level="AUTOCOMMIT"
    )
