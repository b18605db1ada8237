"""What every command that touches the data needs: a schema at head and a sync sessionmaker."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from pressroom.config import get_settings
from pressroom.db import migrate
from pressroom.db.engine import create_sync_engine
from pressroom.db.session import make_sync_sessionmaker
from pressroom.db.urls import Backend, UnsupportedDatabase, backend_of

err = Console(stderr=True)

# The exit code when the database cannot be used at all: unreachable, or a URL pressroom
# does not run on (the same code import and export give when nothing could be done).
DATABASE_UNUSABLE = 2

# What the database (or the pool waiting for a connection to it) answered while a command
# worked: locked, gone, out of connections, a constraint refused. Any other SQLAlchemy error
# is a fault of the code, and keeps its traceback.
DATABASE_ERRORS = (DBAPIError, PoolTimeout)


def database_problem(exc: SQLAlchemyError | UnsupportedDatabase) -> str:
    """One line saying what went wrong, from the driver when there is one; never the password.

    The password is masked where it stands on its own (``user:pw@host``, ``password=pw``),
    not inside words: masking every ``b`` of a message for the password ``b`` would
    garble it, and show the password by the holes it left.
    """
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    password = _password()
    if not password:
        return message
    alone = re.compile(rf"(?<![A-Za-z0-9]){re.escape(password)}(?![A-Za-z0-9])")
    return alone.sub("***", message)


def _password() -> str | None:
    try:
        return make_url(get_settings().database_url).password
    except ArgumentError:
        return None


def exit_unusable(problem: str) -> NoReturn:
    """Say in one line why the database cannot be used, and end the command."""
    err.print(f"[red]database error:[/red] {escape(problem)}", highlight=False, soft_wrap=True)
    raise typer.Exit(DATABASE_UNUSABLE)


def checked_schema(on_failure: Callable[[str], NoReturn] = exit_unusable) -> None:
    """:func:`prepare_schema`; a database that cannot be reached or is not supported ends
    the command through ``on_failure``, with one line saying why, instead of a traceback."""
    try:
        prepare_schema()
    except (SQLAlchemyError, UnsupportedDatabase) as exc:
        on_failure(database_problem(exc))


def prepare_schema() -> None:
    """The embedded SQLite database migrates itself; a server database must already be at head.

    On a shared server, migrating is an operator's decision (``pressroom db upgrade``), taken
    once, not by every app server or command that starts.
    """
    settings = get_settings()
    config = migrate.alembic_config(settings.database_url)
    engine = create_sync_engine(settings)
    try:
        with engine.connect() as connection:
            current = migrate.current_revision(connection)
    finally:
        engine.dispose()
    head = migrate.head_revision(config)
    if current != head and backend_of(settings.database_url) is Backend.SQLITE:
        migrate.upgrade(config)  # only then: its log lines are news
        return
    if current != head:
        err.print(
            f"[red]The database schema is at {current or 'nothing'}; "
            f"this version needs {head}.[/red]\nRun `pressroom db upgrade` first."
        )
        raise typer.Exit(1)


@contextmanager
def open_database(
    on_failure: Callable[[str], NoReturn] = exit_unusable,
) -> Iterator[sessionmaker[Session]]:
    """A sessionmaker on the sync engine of the configured database, disposed of afterwards.

    A database that cannot be used, before or while the command works with it (unreachable,
    unsupported, locked past the busy timeout), ends the command through ``on_failure`` with
    one line saying why. Each unit of work has rolled back by then, so nothing is half-written.
    """
    checked_schema(on_failure)
    engine = create_sync_engine(get_settings())  # its URL was just used to check the schema
    try:
        yield make_sync_sessionmaker(engine)
    except DATABASE_ERRORS as exc:
        on_failure(database_problem(exc))
    finally:
        engine.dispose()
