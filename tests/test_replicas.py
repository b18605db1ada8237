"""When reads go elsewhere than writes, and what a worker says at start-up about a replica
it cannot make wait (the PostgreSQL cases run against a real standby, in
``tests/api/test_read_replica.py``)."""

from __future__ import annotations

import logging

import pytest

from pressroom.config import Settings
from pressroom.db.engine import create_async_db_engine
from pressroom.db.replicas import reads_elsewhere, warn_unless_reads_see_writes

PRIMARY = "postgresql://pressroom@primary.internal/pressroom"


@pytest.mark.parametrize(
    ("read_url", "elsewhere"),
    [
        (None, False),
        (PRIMARY, False),
        ("postgresql+asyncpg://pressroom@primary.internal/pressroom", False),  # the same
        ("postgresql://pressroom@replica.internal/pressroom", True),
    ],
)
def test_reads_go_elsewhere_only_when_another_database_is_named(
    read_url: str | None, elsewhere: bool
) -> None:
    settings = Settings(database_url=PRIMARY, read_database_url=read_url)
    assert reads_elsewhere(settings) is elsewhere


async def _the_one_start_up_warning(settings: Settings, caplog: pytest.LogCaptureFixture) -> str:
    engine = create_async_db_engine(settings)
    try:
        with caplog.at_level(logging.WARNING, logger="pressroom.db.replicas"):
            await warn_unless_reads_see_writes(engine, settings)  # never raises
    finally:
        await engine.dispose()
    [warning] = [r.getMessage() for r in caplog.records if r.name == "pressroom.db.replicas"]
    return warning


async def test_a_worker_reading_from_a_mysql_replica_warns_without_connecting(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(
        # Port 9 (discard): nothing listens, so connecting would fail, not warn.
        database_url="mysql://root@127.0.0.1:9/primary",
        read_database_url="mysql://root@127.0.0.1:9/replica",
    )
    warning = await _the_one_start_up_warning(settings, caplog)
    assert "MySQL or MariaDB replica" in warning


async def test_a_worker_whose_primary_is_down_at_start_up_says_it_could_not_check(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(
        database_url="postgresql://postgres@127.0.0.1:9/primary",
        read_database_url="postgresql://postgres@127.0.0.1:9/replica",
        pool_timeout=1,
    )
    warning = await _the_one_start_up_warning(settings, caplog)
    assert warning.startswith("could not check the read replica set-up")
