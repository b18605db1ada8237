"""Many authors publish the same title at the same moment: every request succeeds, each
article gets a slug of its own, and none answers 500 (a slug taken between the check and
the insert is chosen again)."""

from __future__ import annotations

import asyncio

import httpx

from tests.api.conftest import LIVE_PREFIX, register
from tests.api.test_articles import create

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


async def test_retitling_to_the_same_title_at_once_gives_distinct_slugs(
    live: httpx.AsyncClient,
) -> None:
    authors = [
        await register(live, f"{LIVE_PREFIX}retitle{n}x{id(live) % 10000}") for n in range(WRITERS)
    ]
    slugs = [
        (await create(live, author, title=f"Draft {n}"))["slug"] for n, author in enumerate(authors)
    ]
    title = f"Same headline {id(live)}"
    responses = await asyncio.gather(
        *(
            live.put(
                f"/api/articles/{slug}", headers=author.auth, json={"article": {"title": title}}
            )
            for slug, author in zip(slugs, authors, strict=True)
        )
    )
    assert [r.status_code for r in responses] == [200] * WRITERS, [r.text for r in responses]
    new_slugs = [r.json()["article"]["slug"] for r in responses]
    assert len(set(new_slugs)) == WRITERS
    for slug in new_slugs:
        article = (await live.get(f"/api/articles/{slug}")).json()["article"]
        assert article["title"] == title
