"""Drafts, scheduling, publishing and optimistic concurrency, beside the RealWorld spec."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.clock import the_time_comes
from tests.api.conftest import Account
from tests.api.test_articles import create


def _in(minutes: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


async def _everywhere(client: httpx.AsyncClient, slug: str, reader: Account | None) -> list[int]:
    """Status codes / counts showing whether ``reader`` can see the article anywhere."""
    headers = reader.auth if reader else {}
    single = await client.get(f"/api/articles/{slug}", headers=headers)
    listed = (await client.get("/api/articles", headers=headers)).json()["articlesCount"]
    tagged = (await client.get("/api/articles?tag=hidden", headers=headers)).json()
    comments = await client.get(f"/api/articles/{slug}/comments", headers=headers)
    tags = (await client.get("/api/tags")).json()["tags"]
    return [single.status_code, listed, tagged["articlesCount"], comments.status_code, len(tags)]


async def test_plain_create_publishes_at_once(client: httpx.AsyncClient, alice: Account) -> None:
    article = await create(client, alice)
    assert article["status"] == "published"
    assert article["publishedAt"] is not None
    assert article["version"] == 1


async def test_a_draft_is_invisible_to_everyone_but_its_author(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    draft = await create(client, alice, status="draft", tagList=["hidden"])
    assert (draft["status"], draft["publishedAt"]) == ("draft", None)
    slug = draft["slug"]
    assert await _everywhere(client, slug, None) == [404, 0, 0, 404, 0]
    assert await _everywhere(client, slug, bob) == [404, 0, 0, 404, 0]
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)
    feed = (await client.get("/api/articles/feed", headers=bob.auth)).json()
    assert feed["articlesCount"] == 0
    assert (await client.get(f"/api/articles?author={alice.username}")).json()["articlesCount"] == 0
    assert (await client.get(f"/api/articles/{slug}", headers=alice.auth)).status_code == 200
    favorite = await client.post(f"/api/articles/{slug}/favorite", headers=bob.auth)
    assert favorite.status_code == 404

    published = await client.post(f"/api/articles/{slug}/publish", headers=alice.auth)
    assert published.json()["article"]["status"] == "published"
    assert await _everywhere(client, slug, bob) == [200, 1, 1, 200, 1]


async def test_a_scheduled_article_appears_when_its_time_comes(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    scheduled = await create(client, alice, publishAt=_in(60), tagList=["hidden"])
    assert scheduled["status"] == "scheduled"
    assert await _everywhere(client, scheduled["slug"], None) == [404, 0, 0, 404, 0]
    await the_time_comes(async_session, scheduled["slug"])
    assert await _everywhere(client, scheduled["slug"], None) == [200, 1, 1, 200, 1]


async def test_unpublish_and_schedule_through_the_endpoints(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    slug = (await create(client, alice))["slug"]
    forbidden = await client.post(f"/api/articles/{slug}/unpublish", headers=bob.auth)
    assert forbidden.status_code == 403
    assert (await client.post(f"/api/articles/{slug}/unpublish")).status_code == 401
    draft = await client.post(f"/api/articles/{slug}/unpublish", headers=alice.auth)
    assert draft.json()["article"]["status"] == "draft"
    later = await client.post(
        f"/api/articles/{slug}/publish", headers=alice.auth, json={"publishAt": _in(30)}
    )
    assert later.json()["article"]["status"] == "scheduled"
    assert (await client.get(f"/api/articles/{slug}")).status_code == 404


async def test_update_can_draft_schedule_or_publish(
    client: httpx.AsyncClient, alice: Account
) -> None:
    slug = (await create(client, alice))["slug"]

    async def change(**fields: object) -> httpx.Response:
        return await client.put(
            f"/api/articles/{slug}", headers=alice.auth, json={"article": fields}
        )

    assert (await change(status="draft")).json()["article"]["status"] == "draft"
    assert (await change(publishAt=_in(10))).json()["article"]["status"] == "scheduled"
    assert (await change(status="published")).json()["article"]["status"] == "published"
    assert (await change(body="just the body")).json()["article"]["status"] == "published"
    blank = await change(status="scheduled")
    assert blank.status_code == 422
    assert blank.json() == {"errors": {"publishAt": ["can't be blank"]}}
    naive = await change(publishAt="2030-01-01T10:00:00")
    assert naive.status_code == 422


async def test_my_articles_by_status(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    await create(client, alice, title="Published one")
    await create(client, alice, title="Draft one", status="draft")
    await create(client, alice, title="Scheduled one", publishAt=_in(60))
    await create(client, bob, title="Not mine", status="draft")

    async def titles(query: str = "") -> list[str]:
        response = await client.get(f"/api/user/articles{query}", headers=alice.auth)
        assert response.status_code == 200
        return sorted(a["title"] for a in response.json()["articles"])

    assert await titles() == ["Draft one", "Published one", "Scheduled one"]
    assert await titles("?status=draft") == ["Draft one"]
    assert await titles("?status=scheduled") == ["Scheduled one"]
    assert await titles("?status=published") == ["Published one"]
    assert (
        await client.get("/api/user/articles?status=bogus", headers=alice.auth)
    ).status_code == 422
    assert (await client.get("/api/user/articles")).status_code == 401


@pytest.mark.parametrize("based_on", ["version", "updatedAt"])
async def test_a_stale_update_is_409_and_changes_nothing(
    client: httpx.AsyncClient, alice: Account, based_on: str
) -> None:
    original = await create(client, alice)
    slug = original["slug"]
    first = await client.put(
        f"/api/articles/{slug}",
        headers=alice.auth,
        json={"article": {"body": "first edit", based_on: original[based_on]}},
    )
    assert first.status_code == 200
    assert first.json()["article"]["version"] == 2
    stale = await client.put(
        f"/api/articles/{slug}",
        headers=alice.auth,
        json={"article": {"body": "edit based on the old copy", based_on: original[based_on]}},
    )
    assert stale.status_code == 409
    assert list(stale.json()["errors"]) == ["article"]
    kept = (await client.get(f"/api/articles/{slug}")).json()["article"]
    assert kept["body"] == "first edit"
    assert kept["version"] == 2


async def test_an_update_that_changes_nothing_writes_nothing(
    client: httpx.AsyncClient, alice: Account
) -> None:
    original = await create(client, alice, tagList=["b", "a"])
    slug = original["slug"]
    same = {key: original[key] for key in ("title", "description", "body")}
    unchanged = [
        {**same, "tagList": ["a", "b"]},  # the same tags, in another order
        {"body": original["body"], "status": "published"},
        {"title": original["title"], "version": 1},
    ]
    for article in unchanged:
        response = await client.put(
            f"/api/articles/{slug}", headers=alice.auth, json={"article": article}
        )
        assert response.status_code == 200
        assert response.json()["article"] == original
    published = await client.post(f"/api/articles/{slug}/publish", headers=alice.auth)
    assert published.json()["article"] == original
    # So an editor holding version 1 still saves; then the version moves.
    edit = {"body": "edited", "version": 1}
    edited = await client.put(f"/api/articles/{slug}", headers=alice.auth, json={"article": edit})
    assert edited.json()["article"]["version"] == 2
    # A change of tags alone is a change.
    tags = {"tagList": ["a"], "version": 2}
    retagged = await client.put(f"/api/articles/{slug}", headers=alice.auth, json={"article": tags})
    assert retagged.json()["article"]["version"] == 3
    assert retagged.json()["article"]["tagList"] == ["a"]


@pytest.mark.parametrize(
    "article", [{}, {"version": 1}, {"tagList": None}, {"slug": "x", "favoritesCount": 99}]
)
async def test_an_update_that_names_nothing_to_change_is_422(
    client: httpx.AsyncClient, alice: Account, article: dict[str, object]
) -> None:
    original = await create(client, alice)
    response = await client.put(
        f"/api/articles/{original['slug']}", headers=alice.auth, json={"article": article}
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"article": ["needs at least one field to change"]}}
    assert (await client.get(f"/api/articles/{original['slug']}")).json()["article"] == original


async def test_publishing_a_published_article_keeps_its_time(
    client: httpx.AsyncClient, alice: Account
) -> None:
    older = await create(client, alice, title="Older", publishAt=_in(-60))
    await create(client, alice, title="Newer")
    again = await client.post(f"/api/articles/{older['slug']}/publish", headers=alice.auth)
    assert again.status_code == 200
    assert again.json()["article"]["publishedAt"] == older["publishedAt"]
    listed = (await client.get("/api/articles")).json()["articles"]
    assert [a["title"] for a in listed] == ["Newer", "Older"]


async def test_publishing_a_scheduled_article_publishes_it_now(
    client: httpx.AsyncClient, alice: Account
) -> None:
    scheduled = await create(client, alice, publishAt=_in(60))
    published = await client.post(f"/api/articles/{scheduled['slug']}/publish", headers=alice.auth)
    article = published.json()["article"]
    assert article["status"] == "published"
    assert article["publishedAt"] < scheduled["publishedAt"]


@pytest.mark.parametrize(
    ("status", "minutes", "message"),
    [
        ("published", 60, "cannot be in the future with status published"),
        ("scheduled", -60, "must be in the future with status scheduled"),
    ],
)
async def test_a_status_contradicting_its_time_is_422(
    client: httpx.AsyncClient, alice: Account, status: str, minutes: int, message: str
) -> None:
    asked = {"status": status, "publishAt": _in(minutes)}
    article = {"title": "t", "description": "d", "body": "b"} | asked
    created = await client.post("/api/articles", headers=alice.auth, json={"article": article})
    assert created.status_code == 422
    assert created.json() == {"errors": {"publishAt": [message]}}
    draft = await create(client, alice, status="draft")
    updated = await client.put(
        f"/api/articles/{draft['slug']}", headers=alice.auth, json={"article": asked}
    )
    assert updated.status_code == 422
    assert updated.json() == {"errors": {"publishAt": [message]}}
    mine = (await client.get("/api/user/articles", headers=alice.auth)).json()["articles"]
    assert [(a["status"], a["version"]) for a in mine] == [("draft", 1)]


async def test_a_status_agreeing_with_its_time_is_kept(
    client: httpx.AsyncClient, alice: Account
) -> None:
    backdated = await create(client, alice, status="published", publishAt="2001-01-01T00:00:00Z")
    assert (backdated["status"], backdated["publishedAt"]) == (
        "published",
        "2001-01-01T00:00:00.000Z",
    )
    scheduled = await create(client, alice, status="scheduled", publishAt=_in(60))
    assert scheduled["status"] == "scheduled"
