"""transaction() and the request dependency: all or nothing, committed in one place.

These tests commit for real (no outer transaction), each on a fresh database of its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from pressroom.app import create_app
from pressroom.db import migrate
from pressroom.db.deps import DbSession
from pressroom.db.engine import create_async_db_engine, create_sync_engine
from pressroom.db.rows import read_in
from pressroom.db.session import (
    RequestSessions,
    async_transaction,
    make_async_sessionmaker,
    make_sync_sessionmaker,
    transaction,
)
from pressroom.db.urls import Backend
from pressroom.models import Article, Tag, User
from pressroom.users.deps import reading
from tests.cleanup import delete_everything
from tests.conftest import settings_for
from tests.databases import ScratchDatabase


@pytest.fixture(scope="session")
def committing_engine(fresh_database: ScratchDatabase) -> Iterator[Engine]:
    migrate.upgrade(migrate.alembic_config(fresh_database.url))
    engine = create_sync_engine(settings_for(fresh_database))
    yield engine
    engine.dispose()


@pytest.fixture
def clean(committing_engine: Engine) -> Iterator[Engine]:
    yield committing_engine
    with committing_engine.begin() as conn:
        delete_everything(conn)


@pytest.fixture
async def async_committing_engine(
    fresh_database: ScratchDatabase, clean: Engine
) -> AsyncIterator[AsyncEngine]:
    engine = create_async_db_engine(settings_for(fresh_database))
    yield engine
    await engine.dispose()


def _counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(User)) or 0,
            conn.scalar(select(func.count()).select_from(Article)) or 0,
            conn.scalar(select(func.count()).select_from(Tag)) or 0,
        )


def _user(name: str) -> User:
    return User(username=name, email=f"{name}@example.org", password_hash="x")


def test_transaction_commits_on_success(clean: Engine) -> None:
    factory = make_sync_sessionmaker(clean)
    with transaction(factory) as session:
        user = _user("committed")
        session.add(user)
        session.flush()
        session.add(Article(title="t", description="d", body="b", author_id=user.id))
    assert _counts(clean) == (1, 1, 0)
    assert user.username == "committed"  # expire_on_commit=False: still readable


def test_transaction_rolls_back_everything_on_error(clean: Engine) -> None:
    factory = make_sync_sessionmaker(clean)
    with pytest.raises(RuntimeError, match="midway"), transaction(factory) as session:
        user = _user("half")
        session.add(user)
        session.add(Tag(name="half-tag"))
        session.flush()
        session.add(Article(title="t", description="d", body="b", author_id=user.id))
        session.flush()
        raise RuntimeError("failure midway")
    assert _counts(clean) == (0, 0, 0)


def test_transaction_rolls_back_on_a_constraint_violation(clean: Engine) -> None:
    factory = make_sync_sessionmaker(clean)
    with transaction(factory) as session:
        session.add(_user("taken"))
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(Tag(name="would-be-lost"))
        session.flush()
        session.add(_user("taken"))
        session.flush()
    assert _counts(clean) == (1, 0, 0)


def test_a_unit_of_work_that_writes_holds_sqlites_write_lock_from_its_start(
    clean: Engine, fresh_database: ScratchDatabase
) -> None:
    """A deferred SQLite transaction that reads and then writes fails at once if another
    writer committed in between; one begun for writes waits its turn before it reads."""
    if fresh_database.backend is not Backend.SQLITE:
        pytest.skip("server databases lock rows, not the whole database")
    factory = make_sync_sessionmaker(clean)
    other = sqlite3.connect(str(clean.url.database), timeout=0, isolation_level=None)
    try:
        with transaction(factory, writes=True) as session:
            session.execute(select(1))  # a read: the lock is held from the start all the same
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        with transaction(factory) as session:
            session.execute(select(1))  # a reader holds no lock
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


async def test_async_transaction_rolls_back_on_error(
    async_committing_engine: AsyncEngine, clean: Engine
) -> None:
    factory = make_async_sessionmaker(async_committing_engine)
    with pytest.raises(RuntimeError):
        async with async_transaction(factory) as session:
            session.add(_user("async-half"))
            await session.flush()
            raise RuntimeError("boom")
    async with async_transaction(factory) as session:
        session.add(_user("async-whole"))
    assert _counts(clean) == (1, 0, 0)


def _driver_in_transaction(connection: Connection) -> dict[str, bool]:
    """Whether the driver holds a transaction open after a first statement."""
    connection.execute(select(1))
    if connection.dialect.name in ("mysql", "mariadb"):
        return {"transaction": bool(connection.scalar(text("SELECT @@in_transaction")))}
    driver: Any = connection.connection.driver_connection
    # asyncpg's connection, or aiosqlite's wrapper around sqlite3's.
    open_now = (
        driver.is_in_transaction()
        if hasattr(driver, "is_in_transaction")
        else (driver._conn.in_transaction)
    )
    return {"transaction": bool(open_now)}


async def _in_transaction(session: DbSession) -> dict[str, bool]:
    return await read_in(session, _driver_in_transaction)


async def _public_read_in_transaction(request: Request) -> dict[str, bool]:
    return await reading(request, lambda reader: _driver_in_transaction(reader.connection))


def _app(engine: AsyncEngine) -> FastAPI:
    app = FastAPI()
    app.state.sessions = RequestSessions.on(engine)

    @app.post("/users/{name}")
    async def create(name: str, session: DbSession) -> dict[str, str]:
        session.add(_user(name))
        return {"created": name}

    @app.post("/users/{name}/then-fail")
    async def create_then_fail(name: str, session: DbSession) -> dict[str, str]:
        session.add(_user(name))
        await session.flush()
        raise HTTPException(status_code=409, detail="refused after the insert")

    @app.get("/users/{name}/sneaky")
    async def create_on_read(name: str, session: DbSession) -> dict[str, str]:
        session.add(_user(name))
        return {"created": name}

    return app


async def test_a_read_request_cannot_change_data(
    async_committing_engine: AsyncEngine, clean: Engine
) -> None:
    transport = httpx.ASGITransport(app=_app(async_committing_engine), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/users/reader/sneaky")
    assert response.status_code == 500
    assert _counts(clean) == (0, 0, 0)


@asynccontextmanager
async def _served(
    database: ScratchDatabase, path: str, endpoint: Callable[..., Awaitable[object]]
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The real app, started, with ``endpoint`` answering GET ``path``, and a client."""
    app = create_app(settings_for(database, jwt_secret="x" * 40))
    app.get(path)(endpoint)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield app, client


async def test_reads_skip_the_transaction_on_server_databases(
    fresh_database: ScratchDatabase, clean: Engine
) -> None:
    async with _served(fresh_database, "/in-transaction", _in_transaction) as (_, client):
        response = await client.get("/in-transaction")
    # SQLite keeps its (free) transactions; PostgreSQL and MySQL read in autocommit.
    expected = fresh_database.backend is Backend.SQLITE
    assert response.json() == {"transaction": expected}


async def test_public_reads_run_without_a_transaction_and_give_their_connection_back(
    fresh_database: ScratchDatabase, clean: Engine
) -> None:
    path = "/public-read-in-transaction"
    async with _served(fresh_database, path, _public_read_in_transaction) as (app, client):
        answers = [(await client.get(path)).json() for _ in range(3)]
        read_engine = app.state.sessions.read_engine
        assert read_engine is not None
        assert read_engine.pool.checkedout() == 0
    # As a read session: SQLite keeps its (free) transactions; the others read in autocommit.
    expected = fresh_database.backend is Backend.SQLITE
    assert answers == [{"transaction": expected}] * 3


async def test_request_dependency_commits_before_the_response(
    async_committing_engine: AsyncEngine, clean: Engine
) -> None:
    transport = httpx.ASGITransport(app=_app(async_committing_engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post("/users/web-user")
        # The row is visible to another connection the moment the response arrives.
        assert response.status_code == 200
        assert _counts(clean) == (1, 0, 0)


async def test_request_dependency_rolls_back_on_error(
    async_committing_engine: AsyncEngine, clean: Engine
) -> None:
    transport = httpx.ASGITransport(app=_app(async_committing_engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post("/users/web-user/then-fail")
    assert response.status_code == 409
    assert _counts(clean) == (0, 0, 0)


async def test_a_failing_commit_is_not_answered_with_success(
    async_committing_engine: AsyncEngine, clean: Engine
) -> None:
    with make_sync_sessionmaker(clean)() as session:
        session.add(_user("dupe"))
        session.commit()
    # The duplicate is only detected at commit (no flush in the endpoint).
    transport = httpx.ASGITransport(app=_app(async_committing_engine), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post("/users/dupe")
    assert response.status_code == 500
    assert _counts(clean) == (1, 0, 0)
