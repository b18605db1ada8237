"""A write that touches several rows is one transaction: made to fail midway, it leaves
nothing behind. The requests commit for real; the failure is injected after some rows
were already written."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from pressroom.app import create_app
from pressroom.models import Article, Tag, User
from pressroom.tags import repository as tag_repository
from pressroom.users import service as user_service
from tests.api.conftest import LIVE_PREFIX, TEST_SECRET, register
from tests.cleanup import delete_where
from tests.conftest import settings_for
from tests.counts import wrong_counts_async
from tests.databases import ScratchDatabase


class Injected(RuntimeError):
    """The failure a test injects."""


@pytest.fixture
async def committing(
    database: ScratchDatabase, async_engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings_for(database, jwt_secret=TEST_SECRET))
    # The injected failure becomes the 500 a client would see, not an exception here.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield client
    async with async_engine.begin() as connection:
        await delete_where(connection, User.username.startswith(f"{LIVE_PREFIX}atomic"))


async def _count(engine: AsyncEngine, statement: object) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(statement) or 0)  # type: ignore[call-overload]


async def test_an_article_failing_after_its_row_leaves_no_article_tag_or_count(
    committing: httpx.AsyncClient, async_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    author = await register(committing, f"{LIVE_PREFIX}atomic1")
    before = (await committing.get("/api/articles?limit=1")).json()["articlesCount"]

    async def fail_while_linking(*args: object) -> None:
        raise Injected("the tag links could not be written")

    # By then the article row, its new tag and the counters are written.
    monkeypatch.setattr(tag_repository, "add_links", fail_while_linking)
    article = {"title": "Half-written", "description": "d", "body": "b", "tagList": ["atomictag"]}
    response = await committing.post(
        "/api/articles", headers=author.auth, json={"article": article}
    )
    assert response.status_code == 500
    assert response.json() == {"errors": {"server": ["internal error"]}}

    titled = select(func.count()).select_from(Article).where(Article.title == "Half-written")
    assert await _count(async_engine, titled) == 0
    named = select(func.count()).select_from(Tag).where(Tag.name == "atomictag")
    assert await _count(async_engine, named) == 0
    assert (await committing.get("/api/articles?limit=1")).json()["articlesCount"] == before
    async with async_engine.connect() as connection:
        assert await wrong_counts_async(connection) == []


async def test_a_user_update_failing_midway_changes_nothing(
    committing: httpx.AsyncClient, async_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = await register(committing, f"{LIVE_PREFIX}atomic2")
    flush = user_service._flush_or_conflict

    async def flush_then_fail(session: object) -> None:
        await flush(session)  # type: ignore[arg-type]
        raise Injected("after the new name, e-mail and password were written")

    monkeypatch.setattr(user_service, "_flush_or_conflict", flush_then_fail)
    changes = {"username": f"{LIVE_PREFIX}atomic2b", "bio": "new", "password": "another one"}
    response = await committing.put("/api/user", headers=me.auth, json={"user": changes})
    assert response.status_code == 500

    monkeypatch.undo()
    still = await committing.get("/api/user", headers=me.auth)  # the old password's token
    assert still.status_code == 200
    assert still.json()["user"]["username"] == me.username
    assert still.json()["user"]["bio"] is None
