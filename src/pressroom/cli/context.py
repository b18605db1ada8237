"""What every command that touches the data needs: a schema at head and a sync sessionmaker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from pressroom.config import get_settings
from pressroom.db import migrate
from pressroom.db.engine import create_sync_engine
from pressroom.db.session import make_sync_sessionmaker
from pressroom.db.urls import Backend, backend_of

err = Console(stderr=True)


def prepare_schema() -> None:
    """The embedded SQLite database migrates itself; a server database must already be at head.

    On a shared server, migrating is an operator's decision (``pressroom db upgrade``), taken
    once, not by every app server or command that starts.
    """
    settings = get_settings()
    config = migrate.alembic_config(settings.database_url)
    if backend_of(settings.database_url) is Backend.SQLITE:
        migrate.upgrade(config)
        return
    engine = create_sync_engine(settings)
    try:
        with engine.connect() as connection:
            current = migrate.current_revision(connection)
    finally:
        engine.dispose()
    head = migrate.head_revision(config)
    if current != head:
        err.print(
            f"[red]The database schema is at {current or 'nothing'}; "
            f"this version needs {head}.[/red]\nRun `pressroom db upgrade` first."
        )
        raise typer.Exit(1)


@contextmanager
def open_database() -> Iterator[sessionmaker[Session]]:
    """A sessionmaker on the sync engine of the configured database, disposed of afterwards."""
    prepare_schema()
    engine = create_sync_engine(get_settings())
    try:
        yield make_sync_sessionmaker(engine)
    finally:
        engine.dispose()
