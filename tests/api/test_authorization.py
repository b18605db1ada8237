"""Who may do what, for every endpoint that changes something, and where a draft can be seen.

Every write: anonymous -> 401, another user -> 403 where the thing has an owner, the owner
(or any signed-in user, where there is no owner) -> success. Drafts and scheduled
articles exist for their author only: to anyone else every endpoint answers as if they
did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from pressroom.kit.clock import utc_now
from tests.api.conftest import Account, register
from tests.api.test_articles import create

MISSING_TOKEN = {"errors": {"token": ["is missing"]}}


@dataclass(frozen=True)
class Write:
    method: str
    path: str  # {slug}, {comment}, {author} are filled in per test
    body: dict[str, Any] | None
    owned: bool  # only the owner may; others get 403
    success: int


ARTICLE = {"article": {"title": "Mine", "description": "d", "body": "b"}}
WRITES = [
    Write("POST", "/api/articles", ARTICLE, owned=False, success=201),
    Write("PUT", "/api/articles/{slug}", {"article": {"body": "new"}}, owned=True, success=200),
    Write("POST", "/api/articles/{slug}/unpublish", None, owned=True, success=200),
    Write("POST", "/api/articles/{slug}/publish", None, owned=True, success=200),
    Write("POST", "/api/articles/{slug}/favorite", None, owned=False, success=200),
    Write("DELETE", "/api/articles/{slug}/favorite", None, owned=False, success=200),
    Write(
        "POST",
        "/api/articles/{slug}/comments",
        {"comment": {"body": "hi"}},
        owned=False,
        success=201,
    ),
    Write("DELETE", "/api/articles/{slug}/comments/{comment}", None, owned=True, success=204),
    Write("POST", "/api/profiles/{author}/follow", None, owned=False, success=200),
    Write("DELETE", "/api/profiles/{author}/follow", None, owned=False, success=200),
    Write("PUT", "/api/user", {"user": {"bio": "hello"}}, owned=False, success=200),
    Write("DELETE", "/api/articles/{slug}", None, owned=True, success=204),
]
SIGNED_IN_READS = ["/api/user", "/api/articles/feed", "/api/user/articles"]


@dataclass
class Scene:
    owner: Account
    other: Account
    slug: str
    comment: int

    def path(self, template: str) -> str:
        return template.format(slug=self.slug, comment=self.comment, author=self.owner.username)


async def _scene(client: httpx.AsyncClient) -> Scene:
    owner, other = await register(client), await register(client)
    article = await create(client, owner, title="Owned")
    comment = await client.post(
        f"/api/articles/{article['slug']}/comments",
        headers=owner.auth,
        json={"comment": {"body": "the owner's"}},
    )
    return Scene(owner, other, article["slug"], comment.json()["comment"]["id"])


def _id(write: Write) -> str:
    return f"{write.method} {write.path}"


@pytest.mark.parametrize("write", WRITES, ids=_id)
async def test_anonymous_writes_are_401(client: httpx.AsyncClient, write: Write) -> None:
    scene = await _scene(client)
    response = await client.request(write.method, scene.path(write.path), json=write.body)
    assert response.status_code == 401
    assert response.json() == MISSING_TOKEN


@pytest.mark.parametrize("write", [w for w in WRITES if w.owned], ids=_id)
async def test_another_users_writes_to_what_is_not_theirs_are_403(
    client: httpx.AsyncClient, write: Write
) -> None:
    scene = await _scene(client)
    response = await client.request(
        write.method, scene.path(write.path), json=write.body, headers=scene.other.auth
    )
    assert response.status_code == 403
    (field,) = response.json()["errors"]
    assert response.json()["errors"][field] == ["forbidden"]
    # Nothing changed: the owner still sees their article and comment as they were.
    article = (await client.get(f"/api/articles/{scene.slug}")).json()["article"]
    assert article["body"] == "You have to believe"
    comments = (await client.get(f"/api/articles/{scene.slug}/comments")).json()["comments"]
    assert [c["id"] for c in comments] == [scene.comment]


@pytest.mark.parametrize("write", WRITES, ids=_id)
async def test_the_owner_or_any_signed_in_user_succeeds(
    client: httpx.AsyncClient, write: Write
) -> None:
    scene = await _scene(client)
    who = scene.owner if write.owned or "follow" not in write.path else scene.other
    response = await client.request(
        write.method, scene.path(write.path), json=write.body, headers=who.auth
    )
    assert response.status_code == write.success, response.text


@pytest.mark.parametrize("path", SIGNED_IN_READS)
async def test_reads_of_ones_own_things_need_a_token(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 401
    assert response.json() == MISSING_TOKEN


# --- drafts and scheduled articles ---------------------------------------------------------


def _unpublished(kind: str) -> dict[str, Any]:
    if kind == "draft":
        return {"status": "draft"}
    return {"publishAt": (utc_now() + timedelta(days=2)).isoformat()}


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
async def test_unpublished_articles_are_invisible_to_everyone_but_their_author(
    client: httpx.AsyncClient, kind: str
) -> None:
    author, reader = await register(client), await register(client)
    tag = f"secret{kind}"
    article = await create(
        client, author, title=f"Unseen {kind}", tagList=[tag], **_unpublished(kind)
    )
    slug = article["slug"]
    await client.post(f"/api/profiles/{author.username}/follow", headers=reader.auth)

    for headers in ({}, reader.auth):
        for method, path, body in [
            ("GET", f"/api/articles/{slug}", None),
            ("GET", f"/api/articles/{slug}/comments", None),
            ("POST", f"/api/articles/{slug}/favorite", None),
            ("DELETE", f"/api/articles/{slug}/favorite", None),
            ("POST", f"/api/articles/{slug}/comments", {"comment": {"body": "found you"}}),
            ("PUT", f"/api/articles/{slug}", {"article": {"body": "mine now"}}),
            ("DELETE", f"/api/articles/{slug}", None),
            ("POST", f"/api/articles/{slug}/publish", None),
            ("POST", f"/api/articles/{slug}/unpublish", None),
        ]:
            response = await client.request(method, path, json=body, headers=headers)
            expected = 401 if not headers and method != "GET" else 404
            assert response.status_code == expected, (method, path, headers)

        listings = [
            "/api/articles",
            f"/api/articles?author={author.username}",
            f"/api/articles?tag={tag}",
            "/api/articles?q=Unseen",
            "/api/articles/feed",
        ]
        for path in listings:
            if path.endswith("feed") and not headers:
                continue
            found = (await client.get(path, headers=headers)).json()
            assert slug not in {a["slug"] for a in found["articles"]}, path
        tags = (await client.get("/api/tags?withCounts=true", headers=headers)).json()["tags"]
        assert tag not in {t["name"] for t in tags}
        stats = (
            await client.get(f"/api/profiles/{author.username}/stats", headers=headers)
        ).json()["stats"]
        assert stats["draftCount"] is None
        assert stats["scheduledCount"] is None
        for feed in (
            "/feed.xml",
            "/atom.xml",
            f"/@{author.username}/feed.xml",
            f"/tags/{tag}/feed.xml",
            "/sitemap.xml",
        ):
            assert slug not in (await client.get(feed)).text, feed

    # Its author sees it, and only they.
    own = await client.get(f"/api/articles/{slug}", headers=author.auth)
    assert own.status_code == 200
    mine = (await client.get("/api/user/articles", headers=author.auth)).json()["articles"]
    assert slug in {a["slug"] for a in mine}
