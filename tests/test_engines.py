"""Per-database engine set-up: SQLite pragmas and savepoints, pools on server databases."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from pressroom.config import Settings
from pressroom.db.engine import (
    create_async_db_engine,
    create_async_read_engine,
    create_sync_engine,
)
from pressroom.db.urls import Backend
from pressroom.models import Tag
from tests.conftest import settings_for
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


async def _pid_and_queries(engine: AsyncEngine, queries: list[str] | None = None) -> int:
    """Check a connection out of ``engine`` (the pool pings it); its server process id.
    ``queries``, when given, collects what the driver sends from then on."""
    async with engine.connect() as connection:
        if queries is not None:
            raw = await connection.get_raw_connection()
            raw.driver_connection.add_query_logger(lambda record: queries.append(record.query))
        return int(await connection.scalar(select(func.pg_backend_pid())) or 0)


@pytest.mark.parametrize("engine_for", ["writes", "reads"])
async def test_postgresql_pings_each_checkout_in_one_round_trip_and_replaces_the_dead(
    database: ScratchDatabase,
    sync_engine: Engine,
    engine_for: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if database.backend is not Backend.POSTGRESQL:
        pytest.skip("the ping is asyncpg's, on PostgreSQL")
    create = create_async_db_engine if engine_for == "writes" else create_async_read_engine
    engine = create(settings_for(database))
    try:
        queries: list[str] = []
        pid = await _pid_and_queries(engine, queries)
        queries.clear()
        # The same connection again: the pool pings it, with one statement and no
        # transaction around it (asyncpg's adapter sent BEGIN, the ping and ROLLBACK).
        assert await _pid_and_queries(engine) == pid
        assert queries[0] == "SELECT 1", queries
        assert not any(query.upper().startswith("ROLLBACK") for query in queries[:2]), queries

        with sync_engine.connect() as admin:
            admin.execute(select(func.pg_terminate_backend(pid)))
        # Killed while idle in the pool: the ping finds it dead and a new one takes over.
        with caplog.at_level(logging.WARNING, logger="pressroom.db"):
            assert await _pid_and_queries(engine) not in (0, pid)
        # Which of asyncpg's errors says so depends on when the server's goodbye arrived.
        [warning] = [r.getMessage() for r in caplog.records if r.name == "pressroom.db"]
        assert warning.startswith("a pooled connection failed its ping ("), warning
        assert warning.endswith("Error): replaced"), warning
    finally:
        await engine.dispose()


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
