"""Keyset pages: ``cursor`` in, ``nextCursor`` out, stable while new articles arrive."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from pressroom.kit.pagination import InvalidCursor, Position, decode_cursor, encode_cursor
from tests.api.conftest import Account
from tests.api.test_articles import create


def test_cursor_round_trip() -> None:
    position = Position(datetime(2026, 11, 24, 10, 11, 12, 345678, tzinfo=UTC), 42)
    assert decode_cursor(encode_cursor(position)) == position


@pytest.mark.parametrize("junk", ["", "abc", "!!!", encode_cursor.__name__, "W10", "WyJ4IiwxXQ"])
def test_junk_cursors_are_refused(junk: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(junk)


async def _walk(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> list[str]:
    titles: list[str] = []
    cursor: str | None = None
    totals: set[int] = set()
    for _ in range(20):
        query = f"&cursor={cursor}" if cursor else ""
        page = (await client.get(f"{path}{query}", headers=headers)).json()
        titles += [a["title"] for a in page["articles"]]
        totals.add(page["articlesCount"])
        cursor = page["nextCursor"]
        if cursor is None:
            # The total counts the whole list, not what is left after the cursor.
            assert totals == {len(titles)}
            return titles
    raise AssertionError("cursor pages never ended")


async def test_walking_every_page_by_cursor(client: httpx.AsyncClient, alice: Account) -> None:
    for n in range(7):
        await create(client, alice, title=f"Keyset {n}")
    titles = await _walk(client, "/api/articles?limit=3", {})
    assert titles == [f"Keyset {n}" for n in range(6, -1, -1)]
    last = (await client.get("/api/articles?limit=7")).json()
    assert last["nextCursor"] is None
    assert last["articlesCount"] == 7


async def test_articles_published_at_the_same_instant_are_neither_lost_nor_repeated(
    client: httpx.AsyncClient, alice: Account
) -> None:
    """Ties on the time are broken by the id, across page boundaries too."""
    instant = "2026-01-02T03:04:05.678Z"
    for n in range(5):
        await create(client, alice, title=f"Tied {n}", publishAt=instant)
    await create(client, alice, title="Later")
    titles = await _walk(client, "/api/articles?limit=2", {})
    assert titles == ["Later"] + [f"Tied {n}" for n in range(4, -1, -1)]


async def test_pages_stay_stable_while_new_articles_arrive(
    client: httpx.AsyncClient, alice: Account
) -> None:
    for n in range(4):
        await create(client, alice, title=f"Old {n}")
    first = (await client.get("/api/articles?limit=2")).json()
    assert [a["title"] for a in first["articles"]] == ["Old 3", "Old 2"]
    await create(client, alice, title="Brand new")  # would shift an offset-based page
    second = (await client.get(f"/api/articles?limit=2&cursor={first['nextCursor']}")).json()
    assert [a["title"] for a in second["articles"]] == ["Old 1", "Old 0"]


async def test_cursor_combines_with_filters_feed_and_own_list(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    for n in range(5):
        await create(client, alice, title=f"Tagged {n}", tagList=["kt"])
        await create(client, alice, title=f"Draft {n}", status="draft")
    await create(client, bob, title="Other")
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)

    tagged = await _walk(client, "/api/articles?tag=kt&limit=2", {})
    assert tagged == [f"Tagged {n}" for n in range(4, -1, -1)]
    feed = await _walk(client, "/api/articles/feed?limit=2", bob.auth)
    assert feed == tagged
    drafts = await _walk(client, "/api/user/articles?status=draft&limit=2", alice.auth)
    assert drafts == [f"Draft {n}" for n in range(4, -1, -1)]


async def test_a_bad_cursor_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/articles?cursor=not-a-cursor")
    assert response.status_code == 422
    assert response.json() == {"errors": {"cursor": ["is invalid"]}}
