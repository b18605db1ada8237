"""The slow-query log names the statement and its duration, never the parameters."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from pressroom.db.engine import create_async_db_engine, create_sync_engine
from pressroom.models import User
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
