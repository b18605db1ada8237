"""A committed database per backend for the content commands (seed, publish, purge, stats).

The commands open their own engine and commit for real, so they cannot share the test's
rolled-back transaction: each test module gets databases of its own, emptied per test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from pressroom.cli import app
from pressroom.config import get_settings
from pressroom.db import migrate
from pressroom.db.engine import create_sync_engine
from tests.cleanup import delete_everything, restart_ids
from tests.conftest import settings_for
from tests.databases import ScratchDatabase, create_scratch, drop_scratch


@dataclass
class ContentDatabase:
    database: ScratchDatabase
    engine: Engine

    def run(
        self, *args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None
    ) -> Result:
        """``pressroom ARGS`` against this database, as a pipe would run it (no terminal),
        with settings from ``env`` beside its URL."""
        url = self.database.url.render_as_string(hide_password=False)
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(
                app,
                list(args),
                input=stdin,
                env={"PRESSROOM_DATABASE_URL": url, "PRESSROOM_LOG_LEVEL": "WARNING"} | (env or {}),
            )
        finally:
            get_settings.cache_clear()

    def run_json(self, *args: str) -> dict[str, Any]:
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        payload: dict[str, Any] = json.loads(result.stdout)
        return payload

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def empty(self) -> None:
        """No rows, and ids from 1 again: as a new database."""
        with self.engine.begin() as connection:
            delete_everything(connection)
        with self.engine.begin() as connection:
            restart_ids(connection)


@contextmanager
def content_database(like: ScratchDatabase, label: str, tmp: Path) -> Iterator[ContentDatabase]:
    """A migrated scratch database on the backend of ``like``, dropped afterwards."""
    database = create_scratch(like.backend, label, tmp)
    engine = None
    try:
        migrate.upgrade(migrate.alembic_config(database.url))
        engine = create_sync_engine(settings_for(database))
        yield ContentDatabase(database, engine)
    finally:
        if engine is not None:
            engine.dispose()
        drop_scratch(database)


def content_fixtures(label: str) -> tuple[Any, Any]:
    """The fixtures of a module of content-command tests: ``database``, a committed database
    of its own named after ``label``, and ``db``, that database emptied for each test. Use
    as ``database, db = content_fixtures("label")``."""

    @pytest.fixture(scope="module")
    def database(
        fresh_database: ScratchDatabase, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[ContentDatabase]:
        with content_database(fresh_database, label, tmp_path_factory.getbasetemp()) as db:
            yield db

    @pytest.fixture
    def db(database: ContentDatabase) -> ContentDatabase:
        database.empty()
        return database

    return database, db
