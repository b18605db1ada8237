"""``pressroom serve``: the web app under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from pressroom.config import get_settings
from pressroom.db import migrate
from pressroom.db.engine import create_sync_engine
from pressroom.db.urls import Backend, backend_of

err = Console(stderr=True)


def prepare_schema() -> None:
    """The embedded SQLite database migrates itself; a server database must already be at head.

    On a shared server, migrating is an operator's decision (``pressroom db upgrade``), taken
    once, not by every app server that starts.
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


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the API (and site) over HTTP."""
    prepare_schema()
    uvicorn.run(
        "pressroom.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        proxy_headers=True,
        access_log=False,
    )
