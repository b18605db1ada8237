"""An HTTP client for the app, each request in its own session joined to the test's transaction."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db.session import RequestSessions
from pressroom.models import User
from tests.cleanup import delete_where
from tests.conftest import settings_for
from tests.databases import ScratchDatabase

PASSWORD = "correct horse battery staple"
TEST_SECRET = "test-secret-" + "x" * 32


@pytest.fixture
async def client(
    database: ScratchDatabase, async_connection: AsyncConnection
) -> AsyncIterator[httpx.AsyncClient]:
    app = app_on(async_connection, settings_for(database, jwt_secret=TEST_SECRET))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def app_on(async_connection: AsyncConnection, settings: Settings) -> FastAPI:
    """The app with ``settings``, on the test's connection.

    No lifespan: requests share the test's connection, each in a savepoint of its own, and
    every request gets a fresh session, so nothing loaded earlier hides a lazy load."""
    app = create_app(settings)
    app.state.sessions = RequestSessions.shared(
        async_sessionmaker(
            bind=async_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
    )
    return app


# Users of the live app below: their rows are committed, and deleted after the test.
LIVE_PREFIX = "live"


@pytest.fixture
async def live(
    database: ScratchDatabase, async_engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with its own engines and pools: requests commit for real and run
    concurrently, each on a connection of its own. Name users with ``LIVE_PREFIX``."""
    app = create_app(settings_for(database, jwt_secret=TEST_SECRET))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield client
    async with async_engine.begin() as connection:
        await delete_where(connection, User.username.startswith(LIVE_PREFIX))


@dataclass
class Account:
    username: str
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


_serial = iter(range(1, 1_000_000))


async def register(client: httpx.AsyncClient, username: str | None = None) -> Account:
    name = username or f"user{next(_serial)}"
    response = await client.post(
        "/api/users",
        json={"user": {"username": name, "email": f"{name}@example.org", "password": PASSWORD}},
    )
    assert response.status_code == 201, response.text
    user = response.json()["user"]
    return Account(user["username"], user["email"], user["token"])


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> Account:
    return await register(client)


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> Account:
    return await register(client)


_TRANSACTION_CONTROL = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)\b", re.I)


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        self.statements.clear()


@pytest.fixture
def sql(async_engine: AsyncEngine) -> Iterator[StatementLog]:
    """Every statement the app sends, but transaction control (savepoints of the test set-up)."""
    log = StatementLog()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not _TRANSACTION_CONTROL.match(statement):
            log.statements.append(statement)

    event.listen(async_engine.sync_engine, "before_cursor_execute", record)
    yield log
    event.remove(async_engine.sync_engine, "before_cursor_execute", record)


__all__ = ["PASSWORD", "Account", "AsyncSession", "StatementLog", "register"]
