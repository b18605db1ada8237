"""Two editors, one article: concurrent updates based on the same version.

These requests commit for real and run at the same time, each in its own session and
connection, as two browser tabs would.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from pressroom.kit.clock import utc_now
from pressroom.models import Tag
from tests.api.conftest import LIVE_PREFIX, register
from tests.api.test_articles import create
from tests.counts import wrong_counts_async


@pytest.mark.parametrize("round_", range(5))
async def test_of_two_concurrent_edits_of_one_version_exactly_one_wins(
    live: httpx.AsyncClient, round_: int
) -> None:
    author = await register(live, f"{LIVE_PREFIX}editor{round_}x{id(live) % 100000}")
    article = await create(live, author, body="original")
    slug, version = article["slug"], article["version"]

    async def edit(body: str) -> httpx.Response:
        return await live.put(
            f"/api/articles/{slug}",
            headers=author.auth,
            json={"article": {"body": body, "version": version}},
        )

    first, second = await asyncio.gather(edit("edit A"), edit("edit B"))

    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 409], (first.text, second.text)
    winner = first if first.status_code == 200 else second
    stored = (await live.get(f"/api/articles/{slug}")).json()["article"]
    assert stored["body"] == winner.json()["article"]["body"]
    assert stored["version"] == version + 1


@pytest.mark.parametrize("round_", range(5))
async def test_an_article_deleted_and_unpublished_at_once_is_counted_out_once(
    live: httpx.AsyncClient, async_engine: AsyncEngine, round_: int
) -> None:
    """A double-clicked delete, and an unpublish racing it: each takes the article out of
    the site's and its tags' counts, and only one of them may."""
    author = await register(live, f"{LIVE_PREFIX}deleter{round_}x{id(live) % 100000}")
    tag = f"{LIVE_PREFIX}gone{round_}x{id(live) % 100000}"
    slug = (await create(live, author, tagList=[tag]))["slug"]
    await create(live, author, tagList=[tag])  # stays, so the tag's count is not just 0
    path = f"/api/articles/{slug}"
    answers = await asyncio.gather(
        live.delete(path, headers=author.auth),
        live.delete(path, headers=author.auth),
        live.post(f"{path}/unpublish", headers=author.auth),
    )
    # The unpublish may find the article gone from under it: 409, as for any edit.
    assert {answer.status_code for answer in answers} <= {200, 204, 404, 409}, answers
    assert (await live.get(path, headers=author.auth)).status_code == 404
    try:
        async with async_engine.connect() as connection:
            assert await wrong_counts_async(connection) == []
    finally:
        async with async_engine.begin() as connection:
            await connection.execute(delete(Tag).where(Tag.name == tag))


@pytest.mark.parametrize("round_", range(5))
async def test_writers_moving_the_same_tags_scheduled_hours_at_once_all_succeed(
    live: httpx.AsyncClient, async_engine: AsyncEngine, round_: int
) -> None:
    """Reschedules (which move only the tags' hours, not their counts) racing new
    scheduled articles on the same tags, listed in other orders: every write succeeds
    (a deadlock would answer 503), and every count and hour is right after."""
    suffix = f"{round_}x{id(live) % 100000}"
    author = await register(live, f"{LIVE_PREFIX}scheduler{suffix}")
    tags = [f"{LIVE_PREFIX}hour{n}x{suffix}" for n in range(3)]

    def days_ahead(days: int) -> str:
        return (utc_now() + timedelta(days=days)).isoformat()

    scheduled = [
        (await create(live, author, tagList=tags[n:] + tags[:n], publishAt=days_ahead(2)))["slug"]
        for n in range(3)
    ]

    async def reschedule(slug: str, days: int) -> int:
        response = await live.put(
            f"/api/articles/{slug}",
            headers=author.auth,
            json={"article": {"publishAt": days_ahead(days)}},
        )
        return response.status_code

    async def schedule(days: int) -> int:
        article = {"title": "t", "description": "d", "body": "b", "publishAt": days_ahead(days)}
        article["tagList"] = list(reversed(tags))
        response = await live.post("/api/articles", headers=author.auth, json={"article": article})
        return response.status_code

    try:
        statuses = await asyncio.gather(
            *(reschedule(slug, 3 + n) for n, slug in enumerate(scheduled)),
            *(schedule(3 + n) for n in range(3)),
        )
        assert statuses == [200] * 3 + [201] * 3
        async with async_engine.connect() as connection:
            assert await wrong_counts_async(connection) == []
    finally:
        async with async_engine.begin() as connection:
            await connection.execute(delete(Tag).where(Tag.name.in_(tags)))
