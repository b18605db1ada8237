"""GET /api/profiles/{username}/stats: an author's numbers, from aggregate SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from pressroom.kit.clock import utc_now
from pressroom.models import Article
from tests.api.conftest import Account, AsyncSession, StatementLog, register
from tests.api.test_articles import create


async def _set_published_at(session: AsyncSession, slug: str, moment: datetime | None) -> None:
    await session.execute(update(Article).where(Article.slug == slug).values(published_at=moment))


async def _comment(client: httpx.AsyncClient, who: Account, slug: str) -> None:
    response = await client.post(
        f"/api/articles/{slug}/comments", headers=who.auth, json={"comment": {"body": "Nice"}}
    )
    assert response.status_code == 201, response.text


async def _favorite(client: httpx.AsyncClient, who: Account, slug: str) -> None:
    response = await client.post(f"/api/articles/{slug}/favorite", headers=who.auth)
    assert response.status_code == 200, response.text


async def _follow(client: httpx.AsyncClient, who: Account, username: str) -> None:
    response = await client.post(f"/api/profiles/{username}/follow", headers=who.auth)
    assert response.status_code == 200, response.text


async def test_unknown_user_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/profiles/nobody/stats")
    assert response.status_code == 404
    assert response.json() == {"errors": {"profile": ["not found"]}}


async def test_a_new_user_has_zeros_and_no_dates(client: httpx.AsyncClient, alice: Account) -> None:
    response = await client.get(f"/api/profiles/{alice.username}/stats", headers=alice.auth)
    assert response.status_code == 200
    assert response.json() == {
        "stats": {
            "username": alice.username,
            "publishedCount": 0,
            "draftCount": 0,
            "scheduledCount": 0,
            "favoritesReceived": 0,
            "commentsReceived": 0,
            "followers": 0,
            "following": 0,
            "firstPublishedAt": None,
            "lastPublishedAt": None,
        }
    }


async def test_stats_count_exactly(
    client: httpx.AsyncClient, alice: Account, bob: Account, async_session: AsyncSession
) -> None:
    carol = await register(client)
    first = await create(client, alice, title="first")
    middle = await create(client, alice, title="middle")
    last = await create(client, alice, title="last")
    draft = await create(client, alice, title="draft")
    scheduled = await create(client, alice, title="scheduled")
    unrelated = await create(client, bob, title="bob's own")

    # Counted: favorites and comments on published articles, the author's own included.
    for who in (alice, bob, carol):
        await _favorite(client, who, first["slug"])
    await _favorite(client, bob, last["slug"])
    await _comment(client, bob, first["slug"])
    await _comment(client, bob, first["slug"])
    await _comment(client, alice, middle["slug"])
    await _comment(client, carol, last["slug"])
    # Not counted: those on articles that become a draft or scheduled, and on bob's article.
    for slug in (draft["slug"], scheduled["slug"]):
        await _favorite(client, bob, slug)
        await _comment(client, carol, slug)
    await _favorite(client, alice, unrelated["slug"])
    await _comment(client, alice, unrelated["slug"])

    await _follow(client, bob, alice.username)
    await _follow(client, carol, alice.username)
    await _follow(client, alice, bob.username)
    await _follow(client, bob, carol.username)

    await _set_published_at(
        async_session, first["slug"], datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    )
    await _set_published_at(
        async_session, middle["slug"], datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
    )
    await _set_published_at(
        async_session, last["slug"], datetime(2025, 3, 4, 5, 6, 7, 89000, tzinfo=UTC)
    )
    await _set_published_at(
        async_session, unrelated["slug"], datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    )
    await _set_published_at(async_session, draft["slug"], None)
    await _set_published_at(async_session, scheduled["slug"], utc_now() + timedelta(days=7))

    expected = {
        "stats": {
            "username": alice.username,
            "publishedCount": 3,
            "draftCount": 1,
            "scheduledCount": 1,
            "favoritesReceived": 4,
            "commentsReceived": 4,
            "followers": 2,
            "following": 1,
            "firstPublishedAt": "2024-01-02T03:04:05.678Z",
            "lastPublishedAt": "2025-03-04T05:06:07.089Z",
        }
    }
    # The author sees everything; anyone else, all but the draft and scheduled counts.
    response = await client.get(f"/api/profiles/{alice.username}/stats", headers=alice.auth)
    assert response.status_code == 200
    assert response.json() == expected
    hidden = {"stats": expected["stats"] | {"draftCount": None, "scheduledCount": None}}
    for headers in ({}, bob.auth):
        response = await client.get(f"/api/profiles/{alice.username}/stats", headers=headers)
        assert response.status_code == 200
        assert response.json() == hidden

    bob_stats = (await client.get(f"/api/profiles/{bob.username}/stats", headers=bob.auth)).json()[
        "stats"
    ]
    assert bob_stats["publishedCount"] == 1
    assert bob_stats["draftCount"] == bob_stats["scheduledCount"] == 0
    assert bob_stats["favoritesReceived"] == 1
    assert bob_stats["commentsReceived"] == 1
    assert bob_stats["followers"] == 1
    assert bob_stats["following"] == 2
    assert bob_stats["firstPublishedAt"] == bob_stats["lastPublishedAt"]
    assert bob_stats["lastPublishedAt"] == "2023-12-31T23:59:59.999Z"


async def _stats_statements(sql: StatementLog, client: httpx.AsyncClient, username: str) -> int:
    sql.clear()
    response = await client.get(f"/api/profiles/{username}/stats")
    assert response.status_code == 200, response.text
    return sql.count


async def test_stats_cost_the_same_for_1_and_20_articles(
    client: httpx.AsyncClient, alice: Account, bob: Account, sql: StatementLog
) -> None:
    await create(client, alice, title="only one")
    for i in range(20):
        article = await create(client, bob, title=f"Article {i}")
        await _favorite(client, alice, article["slug"])
        await _comment(client, alice, article["slug"])
    one = await _stats_statements(sql, client, alice.username)
    twenty = await _stats_statements(sql, client, bob.username)
    assert (await client.get(f"/api/profiles/{bob.username}/stats")).json()["stats"][
        "publishedCount"
    ] == 20
    # The user, then every aggregate in one statement.
    assert one == twenty == 2, sql.statements
