"""Comments: list, add, delete, and who may do what."""

from __future__ import annotations

import httpx

from tests.api.conftest import Account
from tests.api.test_articles import ISO_MS, create


async def test_add_list_delete(client: httpx.AsyncClient, alice: Account, bob: Account) -> None:
    slug = (await create(client, alice))["slug"]
    added = await client.post(
        f"/api/articles/{slug}/comments",
        headers=bob.auth,
        json={"comment": {"body": "Thank you so much!"}},
    )
    assert added.status_code == 201
    comment = added.json()["comment"]
    assert comment["body"] == "Thank you so much!"
    assert comment["author"]["username"] == bob.username
    assert ISO_MS.match(comment["createdAt"])

    listed = (await client.get(f"/api/articles/{slug}/comments")).json()["comments"]
    assert [c["id"] for c in listed] == [comment["id"]]

    forbidden = await client.delete(
        f"/api/articles/{slug}/comments/{comment['id']}", headers=alice.auth
    )
    assert forbidden.status_code == 403
    assert forbidden.json() == {"errors": {"comment": ["forbidden"]}}

    deleted = await client.delete(
        f"/api/articles/{slug}/comments/{comment['id']}", headers=bob.auth
    )
    assert deleted.status_code == 204
    assert (await client.get(f"/api/articles/{slug}/comments")).json() == {"comments": []}


async def test_comment_errors(client: httpx.AsyncClient, alice: Account) -> None:
    slug = (await create(client, alice))["slug"]
    body = {"comment": {"body": "x"}}
    assert (await client.post(f"/api/articles/{slug}/comments", json=body)).status_code == 401
    blank = await client.post(
        f"/api/articles/{slug}/comments", headers=alice.auth, json={"comment": {"body": ""}}
    )
    assert blank.status_code == 422
    assert blank.json() == {"errors": {"body": ["can't be blank"]}}
    missing_article = await client.delete("/api/articles/nope/comments/1", headers=alice.auth)
    assert missing_article.status_code == 404
    assert missing_article.json() == {"errors": {"article": ["not found"]}}
    missing_comment = await client.delete(
        f"/api/articles/{slug}/comments/999999", headers=alice.auth
    )
    assert missing_comment.status_code == 404
    assert missing_comment.json() == {"errors": {"comment": ["not found"]}}
    assert (await client.get("/api/articles/nope/comments")).status_code == 404


async def test_following_flag_on_comment_authors(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    slug = (await create(client, alice))["slug"]
    await client.post(
        f"/api/articles/{slug}/comments", headers=bob.auth, json={"comment": {"body": "hi"}}
    )
    await client.post(f"/api/profiles/{bob.username}/follow", headers=alice.auth)
    as_alice = (await client.get(f"/api/articles/{slug}/comments", headers=alice.auth)).json()
    assert as_alice["comments"][0]["author"]["following"] is True
