"""The slow-query log names the statement and its duration, never the parameters."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from pressroom.db.engine import create_async_db_engine, create_sync_engine
from pressroom.models import Tag, User
from tests.conftest import settings_for
from tests.databases import ScratchDatabase

SECRET = "s3cret-parameter-value"


def test_fires_at_threshold_zero_without_parameters(
    database: ScratchDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_sync_engine(settings_for(database, slow_query_ms=0))
    try:
        with caplog.at_level(logging.WARNING, logger="pressroom.sql.slow"), engine.connect() as c:
            c.execute(select(User.id).where(User.username == SECRET))
    finally:
        engine.dispose()
    messages = [r.getMessage() for r in caplog.records if r.name == "pressroom.sql.slow"]
    assert any("FROM users" in m and "slow query (" in m and " ms)" in m for m in messages)
    assert all(SECRET not in m for m in messages)
    assert all(SECRET not in str(r.args) for r in caplog.records)


async def test_fires_on_the_async_engine_too(
    database: ScratchDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_async_db_engine(settings_for(database, slow_query_ms=0))
    try:
        with caplog.at_level(logging.WARNING, logger="pressroom.sql.slow"):
            async with engine.connect() as c:
                await c.execute(select(User.id).where(User.email == SECRET))
    finally:
        await engine.dispose()
    messages = [r.getMessage() for r in caplog.records if r.name == "pressroom.sql.slow"]
    assert any("FROM users" in m for m in messages)
    assert all(SECRET not in m for m in messages)


def test_quiet_below_the_threshold(
    database: ScratchDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_sync_engine(settings_for(database, slow_query_ms=60_000))
    try:
        with caplog.at_level(logging.WARNING, logger="pressroom.sql.slow"), engine.connect() as c:
            c.execute(select(User.id))
    finally:
        engine.dispose()
    assert not [r for r in caplog.records if r.name == "pressroom.sql.slow"]


def test_long_statements_are_truncated(
    database: ScratchDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_sync_engine(settings_for(database, slow_query_ms=0))
    names = [f"name_{i:04d}" for i in range(400)]
    try:
        with caplog.at_level(logging.WARNING, logger="pressroom.sql.slow"), engine.connect() as c:
            c.execute(select(User.id).where(User.username.in_(names)).limit(1))
    finally:
        engine.dispose()
    messages = [r.getMessage() for r in caplog.records if r.name == "pressroom.sql.slow"]
    assert messages
    assert all(len(m) < 1100 for m in messages)


def _slow_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "pressroom.sql.slow"]


def test_statements_without_parameters_and_batches_are_timed_too(
    database: ScratchDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_sync_engine(settings_for(database, slow_query_ms=0))
    rows = [{"name": f"slow-log-{i}"} for i in range(3)]
    try:
        with caplog.at_level(logging.WARNING, logger="pressroom.sql.slow"), engine.connect() as c:
            c.exec_driver_sql("SELECT 42")
            c.execute(insert(Tag), rows)
            c.rollback()
    finally:
        engine.dispose()
    messages = _slow_messages(caplog)
    assert any(m.endswith("SELECT 42") for m in messages)
    assert any("INSERT INTO tags" in m for m in messages)
    assert all("slow-log-" not in m for m in messages)


def test_a_failed_statement_past_the_threshold_is_logged(
    database: ScratchDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_sync_engine(settings_for(database, slow_query_ms=0))
    try:
        with (
            caplog.at_level(logging.WARNING, logger="pressroom.sql.slow"),
            engine.connect() as c,
            pytest.raises(DBAPIError),
        ):
            c.execute(text("SELECT id FROM no_such_table WHERE name = :name"), {"name": SECRET})
    finally:
        engine.dispose()
    messages = _slow_messages(caplog)
    assert any("FROM no_such_table" in m for m in messages)
    assert all(SECRET not in m for m in messages)
