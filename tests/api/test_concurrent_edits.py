"""Two editors, one article: concurrent updates based on the same version.

These requests commit for real and run at the same time, each in its own session and
connection, as two browser tabs would.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.api.conftest import LIVE_PREFIX, register
from tests.api.test_articles import create


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
