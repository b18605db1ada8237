"""Many authors publish the same title at the same moment: every request succeeds, each
article gets a slug of its own, and none answers 500 (a slug taken between the check and
the insert is chosen again)."""

from __future__ import annotations

import asyncio

import httpx

from tests.api.conftest import LIVE_PREFIX, register

WRITERS = 20


async def test_same_title_at_once_gives_distinct_slugs(live: httpx.AsyncClient) -> None:
    authors = [
        await register(live, f"{LIVE_PREFIX}slug{n}x{id(live) % 10000}") for n in range(WRITERS)
    ]
    title = f"Breaking news {id(live)}"

    async def publish(author_headers: dict[str, str]) -> httpx.Response:
        article = {"title": title, "description": "d", "body": "b", "tagList": ["news"]}
        return await live.post("/api/articles", headers=author_headers, json={"article": article})

    for _ in range(3):  # rounds: the plain slug is free only in the first
        responses = await asyncio.gather(*(publish(a.auth) for a in authors))
        statuses = [response.status_code for response in responses]
        assert statuses == [201] * WRITERS, [r.text for r in responses if r.status_code != 201]
    everything = (await live.get("/api/articles?tag=news&limit=100")).json()
    slugs = [a["slug"] for a in everything["articles"] if a["title"] == title]
    assert len(slugs) == len(set(slugs)) == 3 * WRITERS
