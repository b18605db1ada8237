"""Online backups of the embedded SQLite database.

SQLite's backup API copies the database page by page while the app keeps serving; the
copy is consistent, as of one moment, whatever writers do meanwhile. It is written beside
the destination first and renamed when complete, so a failed backup never leaves a
half-written file under the name asked for.

PostgreSQL and MariaDB/MySQL have their own tools for this (``pg_dump``, ``mariadb-dump``);
the README says how to use them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL

from pressroom.db.urls import Backend, backend_of, sync_url


class NotSQLite(ValueError):
    """Backups of server databases are made with the database's own tools."""


def sqlite_file(url: str | URL) -> Path:
    target = sync_url(url)
    if backend_of(target) is not Backend.SQLITE or not target.database:
        raise NotSQLite(
            "pressroom db backup copies the embedded SQLite database; back up PostgreSQL "
            "with pg_dump and MariaDB/MySQL with mariadb-dump (see the README)"
        )
    return Path(target.database)


def backup_sqlite(url: str | URL, destination: Path) -> int:
    """Copy the database at ``url`` to ``destination``; returns the size in bytes."""
    source_path = sqlite_file(url)
    if not source_path.exists():
        raise FileNotFoundError(f"there is no database at {source_path}")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path)
    try:
        copy = sqlite3.connect(partial)
        try:
            # In one step: a read transaction for the whole copy, which in WAL mode never
            # blocks writers. Copying in several steps would start over whenever a writer
            # changed the database in between, and might never finish on a busy site.
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    partial.replace(destination)
    return destination.stat().st_size
