"""Two editors, one article: concurrent updates based on the same version.

These requests commit for real and run at the same time, each in its own session and
connection, as two browser tabs would.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

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
