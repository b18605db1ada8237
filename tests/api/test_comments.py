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
    assert (await client.get(f"/api/articles/{slug}/comments")).json() == {
        "comments": [],
        "commentsCount": 0,
    }


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


async def test_comments_come_in_pages_with_their_total(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    slug = (await create(client, alice, title="Much discussed"))["slug"]
    for n in range(7):
        who = bob if n % 2 else alice
        posted = await client.post(
            f"/api/articles/{slug}/comments", headers=who.auth, json={"comment": {"body": f"c{n}"}}
        )
        assert posted.status_code == 201
    path = f"/api/articles/{slug}/comments"

    everything = (await client.get(path)).json()
    assert [c["body"] for c in everything["comments"]] == [f"c{n}" for n in range(7)]
    assert everything["commentsCount"] == 7

    pages = [(await client.get(f"{path}?limit=3&offset={at}")).json() for at in (0, 3, 6, 9)]
    assert [[c["body"] for c in page["comments"]] for page in pages] == [
        ["c0", "c1", "c2"],
        ["c3", "c4", "c5"],
        ["c6"],
        [],
    ]
    assert {page["commentsCount"] for page in pages} == {7}
    assert pages[0]["comments"] == everything["comments"][:3]
    # offset alone: pages of 20, as for articles
    assert len((await client.get(f"{path}?offset=2")).json()["comments"]) == 5
    followed = await client.post(f"/api/profiles/{bob.username}/follow", headers=alice.auth)
    assert followed.status_code == 200
    seen = (await client.get(f"{path}?limit=2&offset=1", headers=alice.auth)).json()["comments"]
    assert [(c["body"], c["author"]["following"]) for c in seen] == [("c1", True), ("c2", False)]


async def test_a_page_of_comments_refuses_bad_bounds_and_hides_what_the_article_hides(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    slug = (await create(client, alice, title="Open"))["slug"]
    for query in ("limit=0", "limit=101", "offset=-1", "limit=x", "offset=2147483648"):
        refused = await client.get(f"/api/articles/{slug}/comments?{query}")
        assert refused.status_code == 422, query
        assert "errors" in refused.json()
    missing = await client.get("/api/articles/no-such-article/comments?limit=5")
    assert missing.status_code == 404
    assert missing.json() == {"errors": {"article": ["not found"]}}
    draft = (await create(client, alice, title="Not yet", status="draft"))["slug"]
    for who in ({}, bob.auth):
        hidden = await client.get(f"/api/articles/{draft}/comments?limit=5&offset=10", headers=who)
        assert hidden.status_code == 404
    mine = await client.get(f"/api/articles/{draft}/comments?limit=5", headers=alice.auth)
    assert mine.json() == {"comments": [], "commentsCount": 0}
