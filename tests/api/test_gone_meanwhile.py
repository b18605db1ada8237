"""A write whose target is deleted while it runs: the request found it, and by the time
its row is stored, the row it points at is gone. The answer is the one the next request
gets (a 401 for the writer's own account, a 404 for what the request named), never a 500,
and nothing is half-written."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import httpx
import pytest
from sqlalchemy import Delete, Engine, delete, event

from pressroom.db.engine import create_sync_engine
from pressroom.db.urls import Backend
from pressroom.models import Article, User
from tests.api.conftest import LIVE_PREFIX, register
from tests.api.test_articles import create
from tests.conftest import settings_for
from tests.databases import ScratchDatabase

_COMMENT = {"comment": {"body": "Too late"}}


async def answered_amid(
    database: ScratchDatabase,
    deletion: Delete,
    request: Coroutine[Any, Any, httpx.Response],
    *,
    before_insert_into: str,
) -> httpx.Response:
    """Send ``request``; the moment the app is about to insert into the table
    ``before_insert_into``, run ``deletion`` on a connection of its own, committed."""
    if database.backend is Backend.SQLITE:
        request.close()
        pytest.skip("SQLite lets one writer in at a time: no row goes amid a write")
    elsewhere = create_sync_engine(settings_for(database))
    ran: list[str] = []

    def delete_first(*args: Any) -> None:
        statement: str = args[2]
        if statement.startswith(f"INSERT INTO {before_insert_into} ") and not ran:
            ran.append(before_insert_into)
            with elsewhere.begin() as connection:
                connection.execute(deletion)

    event.listen(Engine, "before_cursor_execute", delete_first)
    try:
        response = await request
    finally:
        event.remove(Engine, "before_cursor_execute", delete_first)
        elsewhere.dispose()
    assert ran == [before_insert_into]
    return response


async def test_a_favorite_outlived_by_its_account_ends_signed_out(
    live: httpx.AsyncClient, database: ScratchDatabase
) -> None:
    author = await register(live, f"{LIVE_PREFIX}gonefavauthor")
    leaving = await register(live, f"{LIVE_PREFIX}gonefav")
    slug = (await create(live, author, title="Outlived"))["slug"]
    response = await answered_amid(
        database,
        delete(User).where(User.username == leaving.username),
        live.post(f"/api/articles/{slug}/favorite", headers=leaving.auth),
        before_insert_into="favorites",
    )
    assert response.status_code == 401
    assert response.json() == {"errors": {"token": ["is invalid"]}}
    assert (await live.get(f"/api/articles/{slug}")).json()["article"]["favoritesCount"] == 0


async def test_a_comment_on_an_article_deleted_meanwhile_is_not_found(
    live: httpx.AsyncClient, database: ScratchDatabase
) -> None:
    author = await register(live, f"{LIVE_PREFIX}gonecommauthor")
    reader = await register(live, f"{LIVE_PREFIX}gonecommreader")
    slug = (await create(live, author, title="Deleted amid a comment"))["slug"]
    response = await answered_amid(
        database,
        delete(Article).where(Article.slug == slug),
        live.post(f"/api/articles/{slug}/comments", headers=reader.auth, json=_COMMENT),
        before_insert_into="comments",
    )
    assert response.status_code == 404
    assert response.json() == {"errors": {"article": ["not found"]}}
    assert (await live.get("/api/user", headers=reader.auth)).status_code == 200


async def test_following_someone_deleted_meanwhile_is_not_found(
    live: httpx.AsyncClient, database: ScratchDatabase
) -> None:
    reader = await register(live, f"{LIVE_PREFIX}gonefollower")
    leaving = await register(live, f"{LIVE_PREFIX}gonefollowee")
    response = await answered_amid(
        database,
        delete(User).where(User.username == leaving.username),
        live.post(f"/api/profiles/{leaving.username}/follow", headers=reader.auth),
        before_insert_into="follows",
    )
    assert response.status_code == 404
    assert response.json() == {"errors": {"profile": ["not found"]}}
    assert (await live.get("/api/user", headers=reader.auth)).status_code == 200
