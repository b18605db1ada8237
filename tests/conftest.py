"""Fixtures: every database test runs once per database, each test inside a rolled-back transaction.

The schema comes from the Alembic migrations (never ``create_all``), migrated once per
database per run. Each test then works inside an outer transaction that is rolled back;
sessions join it with savepoints, so code under test may commit freely.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from pressroom.config import Settings
from pressroom.db import migrate
from pressroom.db.engine import create_async_db_engine, create_sync_engine
from pressroom.db.urls import Backend
from tests.databases import REQUIRE_ALL, ScratchDatabase, Unavailable, create_scratch, drop_scratch

BACKENDS = [Backend.SQLITE, Backend.POSTGRESQL, Backend.MYSQL]
_unavailable: dict[Backend, str] = {}


def scratch_or_skip(backend: Backend, label: str, tmp_dir: Path) -> ScratchDatabase:
    """A scratch database, or a skip (a failure in CI) that says why there is none."""
    if backend in _unavailable:
        _skip_or_fail(_unavailable[backend])
    try:
        return create_scratch(backend, label, tmp_dir)
    except Unavailable as exc:
        _unavailable[backend] = str(exc)
        _skip_or_fail(str(exc))
        raise  # unreachable: _skip_or_fail always raises


_NOT_AVAILABLE = "database not available: "


def _skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"required database missing: {reason}", pytrace=False)
    pytest.skip(_NOT_AVAILABLE + reason)


def settings_for(database: ScratchDatabase, **overrides: object) -> Settings:
    """Settings pointing at ``database``."""
    values: dict[str, object] = {"database_url": database.url.render_as_string(False)}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session", params=BACKENDS, ids=[b.value for b in BACKENDS])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScratchDatabase]:
    """A database migrated to head, shared by every test of the run on that backend."""
    db = scratch_or_skip(request.param, "test", tmp_path_factory.getbasetemp())
    migrate.upgrade(migrate.alembic_config(db.url))
    yield db
    drop_scratch(db)


@pytest.fixture(scope="session")
def sync_engine(database: ScratchDatabase) -> Iterator[Engine]:
    engine = create_sync_engine(settings_for(database))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
async def async_engine(database: ScratchDatabase) -> AsyncIterator[AsyncEngine]:
    engine = create_async_db_engine(settings_for(database))
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS, ids=[b.value for b in BACKENDS])
def fresh_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScratchDatabase]:
    """A scratch database apart from the shared one, for tests that migrate or commit for
    real. One per database for the whole run, dropped at its end: the tests that use it
    share it, one after another."""
    db = scratch_or_skip(request.param, "scratch", tmp_path_factory.getbasetemp())
    yield db
    drop_scratch(db)


@pytest.fixture
def connection(sync_engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with sync_engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A sync session joined to the test's transaction; its commits become savepoints."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


@pytest.fixture
async def async_connection(async_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with async_engine.connect() as conn:
        outer = await conn.begin()
        yield conn
        if outer.is_active:
            await outer.rollback()


@pytest.fixture
async def async_session(async_connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """An async session joined to the test's transaction; its commits become savepoints."""
    async with AsyncSession(
        bind=async_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


# --- one line per database at the end of the run -------------------------------------------
# Tests may run in parallel workers (pytest-xdist): each test's reports carry its database
# (in its user properties), and the process that prints the summary counts what it receives.

_DATABASE = "database"
_outcomes: dict[str, Counter[str]] = {}
_not_run: dict[str, str] = {}  # database: why it could not be used


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Label each test with the database it runs on, for the summary."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        backend = next((value for value in params.values() if isinstance(value, Backend)), None)
        marker = item.get_closest_marker("backend")
        label = backend.value if backend else marker.args[0] if marker else "no database"
        item.user_properties.append((_DATABASE, label))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        database = dict(report.user_properties).get(_DATABASE, "no database")
        outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        _outcomes.setdefault(database, Counter())[outcome] += 1
        if report.skipped and isinstance(report.longrepr, tuple):
            why = report.longrepr[2].removeprefix("Skipped: ")
            if why.startswith(_NOT_AVAILABLE):
                _not_run[database] = why.removeprefix(_NOT_AVAILABLE)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _outcomes:
        return
    terminalreporter.section("tests per database")
    for backend in [*(b.value for b in BACKENDS), "no database"]:
        counts = _outcomes.get(backend)
        if counts:
            parts = ", ".join(
                f"{counts[k]} {k}" for k in ("passed", "failed", "skipped") if counts[k]
            )
            terminalreporter.write_line(f"{backend:>12}: {parts}")
    for database, reason in _not_run.items():
        terminalreporter.write_line(f"{database:>12}: not run: {reason}")
