"""The database goes down under load and comes back: every answer is either right or a
clean 503 with ``Retry-After``, the service recovers by itself, and no acknowledged write
is lost.

The test runs a PostgreSQL server of its own (see ``tests.throwaway_postgres``), drives
the real app with concurrent writers and readers, and stops the server as if it crashed
(``pg_ctl stop -m immediate``) in the middle, then starts it again.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import create_engine, select

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import migrate
from pressroom.db.urls import sync_url
from pressroom.models import Article
from tests.api.conftest import TEST_SECRET, register
from tests.throwaway_postgres import CannotRun, ThrowawayPostgres, give_up

pytestmark = pytest.mark.backend("postgresql")

WRITERS = 4
READERS = 4


@pytest.fixture
def server() -> Iterator[ThrowawayPostgres]:
    postgres = None
    try:
        postgres = ThrowawayPostgres()
        postgres.start()
    except CannotRun as exc:
        give_up("a throwaway PostgreSQL", exc, postgres)
    try:
        yield postgres
    finally:
        postgres.remove()


@dataclass(frozen=True)
class Outcome:
    phase: str
    status: int
    retry_after: str | None
    body: str


Send = Callable[[int], Awaitable[httpx.Response]]


async def test_requests_answer_503_while_the_database_is_down_and_recover_after(
    server: ThrowawayPostgres,
) -> None:
    migrate.upgrade(migrate.alembic_config(server.url))
    settings = Settings(
        database_url=server.url, jwt_secret=TEST_SECRET, pool_timeout=2, retry_after_seconds=3
    )
    app = create_app(settings)
    phase = "before"
    outcomes: list[Outcome] = []
    acknowledged: list[str] = []
    running = True

    async def keep_sending(send: Send) -> None:
        number = 0
        while running:
            number += 1
            response = await send(number)
            retry_after = response.headers.get("retry-after")
            outcomes.append(Outcome(phase, response.status_code, retry_after, response.text))
            if response.status_code == 201:
                acknowledged.append(response.json()["article"]["slug"])
            await asyncio.sleep(0.01)

    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as client,
    ):
        author = await register(client, "outage")

        def writer(worker: int) -> Send:
            async def send(number: int) -> httpx.Response:
                article = {"title": f"w{worker} n{number}", "description": "d", "body": "b"}
                return await client.post(
                    "/api/articles", headers=author.auth, json={"article": article}
                )

            return send

        async def read(number: int) -> httpx.Response:
            return await client.get("/api/articles?limit=5")

        senders = [writer(w) for w in range(WRITERS)] + [read] * READERS
        tasks = [asyncio.create_task(keep_sending(send)) for send in senders]
        await asyncio.sleep(1.5)
        phase = "down"
        await asyncio.to_thread(server.stop, "immediate")  # as if it crashed
        await asyncio.sleep(2.0)
        await asyncio.to_thread(server.start)
        phase = "restarted"
        await asyncio.sleep(3.0)
        running = False
        await asyncio.gather(*tasks)

    by_status = Counter(outcome.status for outcome in outcomes)
    assert set(by_status) <= {200, 201, 503}, by_status
    unavailable = [outcome for outcome in outcomes if outcome.status == 503]
    assert unavailable, f"no request noticed the outage: {by_status}"
    for outcome in unavailable:
        assert outcome.retry_after == "3"
        assert outcome.body.startswith('{"errors":{"database":'), outcome.body
    # Recovered with no restart of the app: the pool's pre-ping replaced dead connections.
    after = [outcome.status for outcome in outcomes if outcome.phase == "restarted"]
    assert {200, 201} <= set(after), "writes and reads did not both recover"
    assert 503 not in after[-len(senders) :], "the last answers still failed"

    engine = create_engine(sync_url(server.url))
    try:
        with engine.connect() as connection:
            stored = set(connection.scalars(select(Article.slug)))
    finally:
        engine.dispose()
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged writes are missing"
    print(f"\noutage: {dict(by_status)}, {len(acknowledged)} writes acknowledged, all stored")


async def test_healthz_needs_no_database_and_readyz_says_what_is_missing(
    server: ThrowawayPostgres,
) -> None:
    config = migrate.alembic_config(server.url)
    migrate.upgrade(config)
    head = migrate.head_revision(config)
    app = create_app(Settings(database_url=server.url, jwt_secret=TEST_SECRET, pool_timeout=2))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        assert (await client.get("/readyz")).json() == {"status": "ready", "schema": head}

        await asyncio.to_thread(server.stop, "fast")
        assert (await client.get("/healthz")).status_code == 200
        down = await client.get("/readyz")
        assert down.status_code == 503
        assert set(down.json()["errors"]) == {"database"}
        assert down.headers["retry-after"] == "5"

        await asyncio.to_thread(server.start)
        assert (await client.get("/readyz")).status_code == 200

        await asyncio.to_thread(migrate.downgrade, config, "0002")
        behind = await client.get("/readyz")
        assert behind.status_code == 503
        assert behind.json() == {
            "errors": {"schema": [f"is at revision 0002; this code needs {head}"]}
        }
