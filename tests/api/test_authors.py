"""GET /api/authors: authors ranked by published articles or by the favorites they received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.clock import the_time_comes
from tests.api.conftest import Account, AsyncSession, StatementLog, register
from tests.api.test_articles import create


def _in_a_week() -> str:
    return (datetime.now(UTC) + timedelta(days=7)).isoformat()


async def _favorite(client: httpx.AsyncClient, who: Account, slug: str) -> None:
    response = await client.post(f"/api/articles/{slug}/favorite", headers=who.auth)
    assert response.status_code == 200, response.text


async def _follow(client: httpx.AsyncClient, who: Account, username: str) -> None:
    response = await client.post(f"/api/profiles/{username}/follow", headers=who.auth)
    assert response.status_code == 200, response.text


async def _hide(client: httpx.AsyncClient, author: Account, slug: str, *, scheduled: bool) -> None:
    """Turn a published article back into a draft, or schedule it a week from now."""
    if scheduled:
        response = await client.post(
            f"/api/articles/{slug}/publish", headers=author.auth, json={"publishAt": _in_a_week()}
        )
    else:
        response = await client.post(f"/api/articles/{slug}/unpublish", headers=author.auth)
    assert response.status_code == 200, response.text


async def _authors(
    client: httpx.AsyncClient, query: str = "", viewer: Account | None = None
) -> dict[str, Any]:
    response = await client.get(f"/api/authors{query}", headers=viewer.auth if viewer else {})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _ranking(body: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [(a["username"], a["articlesCount"], a["favoritesCount"]) for a in body["authors"]]


@dataclass
class Desk:
    ann: Account
    ben: Account
    cat: Account
    dan: Account
    eve: Account


@pytest.fixture
async def desk(client: httpx.AsyncClient) -> Desk:
    """Five authors; every favorite or article that is not published must count for nothing.

    ann: 3 published (1 favorite), a draft and a scheduled one (favorited before hiding)
    ben: 2 published (3 favorites)
    cat: 2 published (1 favorite)
    dan: only a draft and a scheduled article, both favorited before hiding
    eve: nothing
    """
    ann, ben, cat, dan, eve = [
        await register(client, name) for name in ("ann", "ben", "cat", "dan", "eve")
    ]
    ann_published = [await create(client, ann, title=f"ann {i}") for i in range(3)]
    ben_published = [await create(client, ben, title=f"ben {i}") for i in range(2)]
    cat_published = [await create(client, cat, title=f"cat {i}") for i in range(2)]
    await _favorite(client, eve, ann_published[0]["slug"])
    first, second = (article["slug"] for article in ben_published)
    for who, slug in [(ann, first), (cat, first), (eve, second)]:
        await _favorite(client, who, slug)
    await _favorite(client, dan, cat_published[1]["slug"])

    for author, scheduled in [(ann, False), (ann, True), (dan, False), (dan, True)]:
        hidden = await create(client, author, title=f"hidden {author.username} {scheduled}")
        for who in (ben, cat, eve):
            await _favorite(client, who, hidden["slug"])
        await _hide(client, author, hidden["slug"], scheduled=scheduled)
    return Desk(ann, ben, cat, dan, eve)


async def test_ranked_by_published_articles_ties_by_username(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    for query in ["", "?orderBy=articles", "?minArticles=1&orderBy=articles&limit=20&offset=0"]:
        body = await _authors(client, query)
        assert _ranking(body) == [("ann", 3, 1), ("ben", 2, 3), ("cat", 2, 1)], query
        assert body["authorsCount"] == 3


async def test_ranked_by_favorites_received_ties_by_username(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    body = await _authors(client, "?orderBy=favorites")
    assert _ranking(body) == [("ben", 2, 3), ("ann", 3, 1), ("cat", 2, 1)]
    assert body["authorsCount"] == 3


async def test_min_articles_is_a_threshold_on_published_articles(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    at_least_two = await _authors(client, "?minArticles=2")
    assert [a["username"] for a in at_least_two["authors"]] == ["ann", "ben", "cat"]
    at_least_three = await _authors(client, "?minArticles=3")
    assert _ranking(at_least_three) == [("ann", 3, 1)]
    assert at_least_three["authorsCount"] == 1
    assert await _authors(client, "?minArticles=4") == {"authors": [], "authorsCount": 0}


async def test_drafts_and_scheduled_articles_never_count(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    # dan wrote only a draft and a scheduled article: listed only when zero is enough.
    default = await _authors(client)
    assert "dan" not in [a["username"] for a in default["authors"]]
    everyone = await _authors(client, "?minArticles=0")
    assert _ranking(everyone) == [
        ("ann", 3, 1),
        ("ben", 2, 3),
        ("cat", 2, 1),
        ("dan", 0, 0),
        ("eve", 0, 0),
    ]
    assert everyone["authorsCount"] == 5
    by_favorites = await _authors(client, "?minArticles=0&orderBy=favorites")
    assert [a["username"] for a in by_favorites["authors"]] == ["ben", "ann", "cat", "dan", "eve"]


async def test_a_scheduled_article_counts_once_its_time_has_come(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    article = await create(client, alice, publishAt=_in_a_week())
    assert await _authors(client) == {"authors": [], "authorsCount": 0}
    await the_time_comes(async_session, article["slug"])
    assert _ranking(await _authors(client)) == [(alice.username, 1, 0)]


async def test_authors_carry_the_profile_fields_and_the_counts(
    client: httpx.AsyncClient, alice: Account
) -> None:
    changes = {"bio": "Writes about dragons", "image": "https://example.org/alice.png"}
    response = await client.put("/api/user", headers=alice.auth, json={"user": changes})
    assert response.status_code == 200, response.text
    await create(client, alice)
    profile = (await client.get(f"/api/profiles/{alice.username}")).json()["profile"]
    assert await _authors(client) == {
        "authors": [{**profile, "articlesCount": 1, "favoritesCount": 0}],
        "authorsCount": 1,
    }


async def test_following_is_per_viewer(client: httpx.AsyncClient, desk: Desk) -> None:
    await _follow(client, desk.eve, "ben")
    await _follow(client, desk.eve, "dan")
    await _follow(client, desk.ann, "cat")

    def followed(body: dict[str, Any]) -> list[str]:
        return [a["username"] for a in body["authors"] if a["following"]]

    assert followed(await _authors(client, "?minArticles=0")) == []
    assert followed(await _authors(client, "?minArticles=0", desk.eve)) == ["ben", "dan"]
    assert followed(await _authors(client, "?minArticles=0", desk.ann)) == ["cat"]
    assert followed(await _authors(client, "?minArticles=0", desk.ben)) == []


async def test_pages_and_the_total(client: httpx.AsyncClient, desk: Desk) -> None:
    pages = [
        [
            a["username"]
            for a in (await _authors(client, f"?minArticles=0&limit=2&offset={o}"))["authors"]
        ]
        for o in (0, 2, 4, 6)
    ]
    assert pages == [["ann", "ben"], ["cat", "dan"], ["eve"], []]
    beyond = await _authors(client, "?minArticles=0&limit=2&offset=6")
    assert beyond["authorsCount"] == 5
    assert (await _authors(client, "?limit=1&offset=1"))["authorsCount"] == 3


ORDERS = "input should be 'articles' or 'favorites'"
AT_LEAST = "input should be greater than or equal to {}"
AT_MOST = "input should be less than or equal to {}"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("orderBy=foo", "orderBy", ORDERS),
        ("orderBy=", "orderBy", ORDERS),
        ("orderBy=Articles", "orderBy", ORDERS),
        ("minArticles=-1", "minArticles", AT_LEAST.format(0)),
        (
            "minArticles=many",
            "minArticles",
            "input should be a valid integer, unable to parse string as an integer",
        ),
        ("minArticles=99999999999999999999999", "minArticles", AT_MOST.format(2**31 - 1)),
        ("limit=0", "limit", AT_LEAST.format(1)),
        ("limit=101", "limit", AT_MOST.format(100)),
        ("offset=-1", "offset", AT_LEAST.format(0)),
        ("offset=99999999999999999999999", "offset", AT_MOST.format(2**31 - 1)),
    ],
)
async def test_bad_parameters_are_422(
    client: httpx.AsyncClient, query: str, field: str, message: str
) -> None:
    response = await client.get(f"/api/authors?{query}")
    assert response.status_code == 422
    assert response.json() == {"errors": {field: [message]}}


async def _statements(
    sql: StatementLog, client: httpx.AsyncClient, query: str, viewer: Account
) -> tuple[int, int]:
    """Statements for one whole-list request, anonymous then signed in."""
    counts = []
    for headers in ({}, viewer.auth):
        sql.clear()
        response = await client.get(f"/api/authors{query}", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["authors"]) == body["authorsCount"]
        counts.append(sql.count)
    return counts[0], counts[1]


async def test_a_page_costs_the_same_for_1_and_15_authors(
    client: httpx.AsyncClient, sql: StatementLog
) -> None:
    viewer = await register(client)
    first = await register(client)
    await create(client, first, title="by the first author")
    one = await _statements(sql, client, "", viewer)
    for i in range(14):
        author = await register(client)
        article = await create(client, author, title=f"by author {i}")
        await _favorite(client, viewer, article["slug"])
        if i % 2:
            await _follow(client, viewer, author.username)
    fifteen = await _statements(sql, client, "?orderBy=favorites", viewer)
    assert (await _authors(client))["authorsCount"] == 15
    # Anonymous: the page and its total. Signed in: the viewer first, and whom the viewer
    # follows among the whole page last.
    assert one == fifteen == (2, 4), sql.statements
