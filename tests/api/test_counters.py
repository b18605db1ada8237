"""The maintained counts (favorites per article, released articles per tag and site-wide)
stay equal to the rows they count through every write, and scheduled articles join the
totals when their time comes, with no write at all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.kit.clock import utc_now
from tests.api.clock import the_time_comes
from tests.api.conftest import Account
from tests.api.test_articles import create
from tests.counts import wrong_counts_async


def _later(days: int = 3) -> str:
    return (utc_now() + timedelta(days=days)).isoformat()


async def _put(client: httpx.AsyncClient, who: Account, slug: str, **fields: Any) -> str:
    response = await client.put(f"/api/articles/{slug}", headers=who.auth, json={"article": fields})
    assert response.status_code == 200, response.text
    return str(response.json()["article"]["slug"])


async def test_every_kind_of_write_keeps_the_counts_exact(
    client: httpx.AsyncClient, alice: Account, bob: Account, async_session: AsyncSession
) -> None:
    async def check(step: str) -> None:
        assert await wrong_counts_async(async_session) == [], step

    await check("before")
    shown = (await create(client, alice, title="shown", tagList=["k1", "k2"]))["slug"]
    await check("create published")
    draft = (await create(client, alice, title="draft", tagList=["k2", "k3"], status="draft"))[
        "slug"
    ]
    await check("create draft")
    soon = (await create(client, alice, title="soon", tagList=["k1"], publishAt=_later()))["slug"]
    await check("create scheduled")
    shown = await _put(client, alice, shown, tagList=["k2", "k3", "k4"])
    await check("retag published")
    draft = await _put(client, alice, draft, tagList=["k1"])
    await check("retag draft")
    draft = await _put(client, alice, draft, status="published")
    await check("publish by update")
    shown = await _put(client, alice, shown, status="draft", tagList=["k1", "k4"])
    await check("unpublish and retag at once")
    shown = await _put(client, alice, shown, publishAt=_later())
    await check("schedule a draft")
    soon = await _put(client, alice, soon, publishAt=_later(days=5))
    await check("reschedule")
    soon = await _put(client, alice, soon, tagList=["k2", "k5"])
    await check("retag scheduled")
    soon = await _put(client, alice, soon, tagList=["k1", "k2"], publishAt=_later(days=6))
    await check("reschedule and retag at once")
    tagged = await client.get("/api/articles?tag=k2&limit=1")
    assert tagged.json()["articlesCount"] == 0  # shown, a draft then scheduled, left k2
    assert (await client.post(f"/api/articles/{draft}/unpublish", headers=alice.auth)).is_success
    await check("unpublish")
    response = await client.post(f"/api/articles/{draft}/publish", headers=alice.auth)
    assert response.is_success, response.text
    await check("publish")
    for who, method in [(bob, "post"), (bob, "post"), (alice, "post"), (bob, "delete")]:
        response = await client.request(
            method.upper(), f"/api/articles/{draft}/favorite", headers=who.auth
        )
        assert response.status_code == 200, response.text
        await check(f"{method} favorite")
    response = await client.delete(f"/api/articles/{draft}/favorite", headers=bob.auth)
    assert response.json()["article"]["favoritesCount"] == 1
    await check("unfavorite twice")
    for slug in (draft, soon, shown):
        assert (await client.delete(f"/api/articles/{slug}", headers=alice.auth)).status_code == 204
        await check(f"delete {slug}")


async def test_scheduled_articles_join_every_total_when_their_time_comes(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    async def totals() -> tuple[int, int, int]:
        everything = (await client.get("/api/articles?limit=1")).json()["articlesCount"]
        tagged = (await client.get("/api/articles?tag=due&limit=1")).json()["articlesCount"]
        tags = (await client.get("/api/tags?withCounts=true")).json()["tags"]
        used = next((t["count"] for t in tags if t["name"] == "due"), 0)
        return everything, tagged, used

    before, _, _ = await totals()
    await create(client, alice, title="now", tagList=["due"])
    scheduled = await create(client, alice, title="later", tagList=["due"], publishAt=_later())
    assert await totals() == (before + 1, 1, 1)

    await the_time_comes(async_session, scheduled["slug"])
    assert await totals() == (before + 2, 2, 2)
    assert await wrong_counts_async(async_session) == []


async def test_a_favorite_is_not_an_edit(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    article = await create(client, alice)
    response = await client.post(f"/api/articles/{article['slug']}/favorite", headers=bob.auth)
    favorited = response.json()["article"]
    assert favorited["favoritesCount"] == 1
    assert favorited["updatedAt"] == article["updatedAt"]
    assert favorited["version"] == article["version"]


async def test_totals_leave_out_articles_scheduled_later_this_hour_and_in_later_hours(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    before = (await client.get("/api/articles?limit=1")).json()["articlesCount"]
    soon = (utc_now() + timedelta(minutes=10)).isoformat()
    for when in (soon, _later(), _later()):
        await create(client, alice, title=f"at {when}", tagList=["ahead"], publishAt=when)
    await create(client, alice, title="now", tagList=["ahead"])
    everything = (await client.get("/api/articles?limit=1")).json()["articlesCount"]
    tagged = (await client.get("/api/articles?tag=ahead&limit=1")).json()["articlesCount"]
    assert (everything, tagged) == (before + 1, 1)
    assert await wrong_counts_async(async_session) == []
