"""Per-database engine set-up: SQLite pragmas and savepoints, pools on server databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from pressroom.config import Settings
from pressroom.db.engine import create_sync_engine
from pressroom.db.urls import Backend
from pressroom.models import Tag
from tests.databases import ScratchDatabase


def test_sqlite_pragmas(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/nested/p.db")
    engine = create_sync_engine(settings)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    finally:
        engine.dispose()
    assert (tmp_path / "nested" / "p.db").exists()  # the data folder is created on demand


def test_savepoints_roll_back_only_their_part(connection: Connection) -> None:
    connection.execute(insert(Tag).values(name="kept"))
    nested = connection.begin_nested()
    connection.execute(insert(Tag).values(name="undone"))
    nested.rollback()
    names = set(connection.scalars(select(Tag.name)))
    assert "kept" in names
    assert "undone" not in names


def test_server_pools_are_sized_and_pinged(
    database: ScratchDatabase, sync_engine: Engine, async_engine: AsyncEngine
) -> None:
    for engine in (sync_engine, async_engine.sync_engine):
        assert engine.pool._pre_ping  # type: ignore[attr-defined]
        if database.backend is Backend.SQLITE:
            continue
        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.size() == 10
        assert engine.pool._max_overflow == 20  # type: ignore[attr-defined]
        if database.backend is Backend.MYSQL:
            assert engine.pool._recycle == 1800  # type: ignore[attr-defined]


async def test_async_engine_talks_to_the_database(async_engine: AsyncEngine) -> None:
    async with async_engine.connect() as conn:
        assert (await conn.execute(text("SELECT 1"))).scalar() == 1


async def test_server_databases_read_committed_alike(
    database: ScratchDatabase, sync_engine: Engine, async_engine: AsyncEngine
) -> None:
    """MariaDB's own default is REPEATABLE READ; pressroom runs it as PostgreSQL runs."""
    if database.backend is Backend.SQLITE:
        pytest.skip("SQLite lets one writer in at a time")
    with sync_engine.connect() as conn:
        assert conn.get_isolation_level() == "READ COMMITTED"
    async with async_engine.connect() as async_conn:
        assert await async_conn.get_isolation_level() == "READ COMMITTED"
