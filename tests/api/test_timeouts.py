"""Nothing holds a worker forever: a slow statement is stopped by the database, a slow
request by the app, and either answers 503 with ``Retry-After`` in the error envelope."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import text

from pressroom.app import create_app
from pressroom.db.deps import DbSession
from pressroom.users.deps import reading
from tests.api.conftest import TEST_SECRET
from tests.conftest import settings_for
from tests.databases import ScratchDatabase

# Asks the database to wait two seconds, in its own words.
_SLEEP = {"postgresql": "SELECT pg_sleep(2)", "mysql": "SELECT SLEEP(2)"}


async def _served(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield client


@pytest.fixture
async def slow_app(database: ScratchDatabase) -> AsyncIterator[httpx.AsyncClient]:
    if database.backend.value not in _SLEEP:
        pytest.skip("SQLite has no statement timeout; the request timeout covers it")
    settings = settings_for(
        database, jwt_secret=TEST_SECRET, statement_timeout_ms=300, request_timeout_seconds=0
    )
    app = create_app(settings)

    @app.get("/slow-statement")
    async def slow(session: DbSession) -> dict[str, str]:
        await session.execute(text(_SLEEP[database.backend.value]))
        return {"status": "finished"}

    async for client in _served(app):
        yield client


async def test_a_slow_statement_is_stopped_by_the_database(slow_app: httpx.AsyncClient) -> None:
    started = time.monotonic()
    response = await slow_app.get("/slow-statement")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert set(response.json()["errors"]) == {"database"}
    # The connection it used is fine for the next request.
    assert (await slow_app.get("/api/tags")).status_code == 200


async def test_a_slow_request_is_stopped_by_the_app(database: ScratchDatabase) -> None:
    settings = settings_for(
        database, jwt_secret=TEST_SECRET, request_timeout_seconds=0.3, retry_after_seconds=7
    )
    app = create_app(settings)

    @app.get("/slow-request")
    async def slow(session: DbSession) -> dict[str, str]:
        await asyncio.sleep(2)
        return {"status": "finished"}

    async for client in _served(app):
        started = time.monotonic()
        response = await client.get("/slow-request")
        assert time.monotonic() - started < 1.5
        assert response.status_code == 503
        assert response.headers["retry-after"] == "7"
        assert response.json() == {"errors": {"request": ["took longer than 0.3 seconds"]}}
        assert (await client.get("/api/tags")).status_code == 200


async def test_a_public_read_cut_short_gives_its_connection_back(
    database: ScratchDatabase,
) -> None:
    if database.backend.value not in _SLEEP:
        pytest.skip("SQLite has no statement that waits")
    settings = settings_for(
        database, jwt_secret=TEST_SECRET, statement_timeout_ms=0, request_timeout_seconds=0.3
    )
    app = create_app(settings)
    sleep = text(_SLEEP[database.backend.value])

    @app.get("/slow-read")
    async def slow(request: Request) -> dict[str, str]:
        await reading(request, lambda reader: reader.connection.execute(sleep))
        return {"status": "finished"}

    async for client in _served(app):
        pool = app.state.sessions.read_engine.sync_engine.pool
        # More cut reads than the pool holds: a connection kept by any would run it dry.
        for _ in range(settings.pool_size + 2):
            response = await client.get("/slow-read")
            assert response.status_code == 503
            assert response.json() == {"errors": {"request": ["took longer than 0.3 seconds"]}}
            assert pool.checkedout() == 0
        assert (await client.get("/api/tags")).status_code == 200
        assert (await client.get("/api/articles")).status_code == 200
