"""Bad input gets a 4xx in the error envelope and leaves stored data as it was."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import Account
from tests.api.test_articles import create

NUL = "bad\x00value"


async def _snapshot(client: httpx.AsyncClient, who: Account) -> tuple[Any, ...]:
    articles = (await client.get("/api/articles?limit=100")).json()
    me = (await client.get("/api/user", headers=who.auth)).json()
    tags = (await client.get("/api/tags")).json()
    return articles, me["user"]["username"], me["user"]["email"], me["user"]["bio"], tags


def _assert_rejected(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert set(body) == {"errors"}
    assert all(isinstance(v, list) and v for v in body["errors"].values())


ARTICLE_FIELDS = ["title", "description", "body"]


@pytest.mark.parametrize(
    "value",
    [NUL, 12, ["list"], {"an": "object"}, True, "x" * 300_000],
    ids=["nul", "number", "list", "object", "bool", "huge"],
)
@pytest.mark.parametrize("field", ARTICLE_FIELDS)
async def test_bad_article_fields(
    client: httpx.AsyncClient, alice: Account, field: str, value: object
) -> None:
    slug = (await create(client, alice, tagList=["kept"]))["slug"]
    before = await _snapshot(client, alice)
    article = {"title": "t", "description": "d", "body": "b", field: value}
    _assert_rejected(
        await client.post("/api/articles", headers=alice.auth, json={"article": article})
    )
    _assert_rejected(
        await client.put(
            f"/api/articles/{slug}", headers=alice.auth, json={"article": {field: value}}
        )
    )
    assert await _snapshot(client, alice) == before


@pytest.mark.parametrize(
    "tags", [[NUL], ["x" * 65], [1, 2], "not-a-list", [f"t{i}" for i in range(21)]]
)
async def test_bad_tag_lists(client: httpx.AsyncClient, alice: Account, tags: object) -> None:
    before = await _snapshot(client, alice)
    article = {"title": "t", "description": "d", "body": "b", "tagList": tags}
    _assert_rejected(
        await client.post("/api/articles", headers=alice.auth, json={"article": article})
    )
    assert await _snapshot(client, alice) == before


@pytest.mark.parametrize("field", ["username", "email", "bio", "image", "password"])
@pytest.mark.parametrize("value", [NUL, 42, "y" * 20_000], ids=["nul", "number", "huge"])
async def test_bad_user_fields(
    client: httpx.AsyncClient, alice: Account, field: str, value: object
) -> None:
    before = await _snapshot(client, alice)
    _assert_rejected(
        await client.put("/api/user", headers=alice.auth, json={"user": {field: value}})
    )
    if field in ("username", "email", "password"):
        user = {"username": "fresh", "email": "fresh@example.org", "password": "pw", field: value}
        _assert_rejected(await client.post("/api/users", json={"user": user}))
    assert await _snapshot(client, alice) == before


@pytest.mark.parametrize("value", [NUL, "z" * 30_000, 7])
async def test_bad_comments(client: httpx.AsyncClient, alice: Account, value: object) -> None:
    slug = (await create(client, alice))["slug"]
    _assert_rejected(
        await client.post(
            f"/api/articles/{slug}/comments", headers=alice.auth, json={"comment": {"body": value}}
        )
    )
    assert (await client.get(f"/api/articles/{slug}/comments")).json() == {"comments": []}


@pytest.mark.parametrize(
    "path",
    [
        "/api/articles?tag=bad%00tag",
        "/api/articles?author=bad%00name",
        "/api/articles?favorited=bad%00name",
        "/api/profiles/bad%00name",
        "/api/articles/bad%00slug",
        "/api/articles/bad%00slug/comments",
        "/api/articles?limit=99999999999999999999999",
        "/api/articles?offset=99999999999999999999",
        "/api/authors?offset=99999999999999999999",
        "/api/articles?tag=" + "t" * 5000,
    ],
)
async def test_bad_query_and_path_values(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code in (404, 422), response.text
    assert set(response.json()) == {"errors"}


@pytest.mark.parametrize(
    "body",
    [{"article": None}, {"article": []}, {"article": "text"}, {}, {"user": {"email": "x"}}],
)
async def test_wrong_wrappers(client: httpx.AsyncClient, alice: Account, body: object) -> None:
    _assert_rejected(await client.post("/api/articles", headers=alice.auth, json=body))


async def test_unknown_fields_are_ignored(client: httpx.AsyncClient, alice: Account) -> None:
    article = {"title": "t", "description": "d", "body": "b", "slug": "chosen", "author": "x"}
    response = await client.post(
        "/api/articles", headers=alice.auth, json={"article": article, "extra": 1}
    )
    assert response.status_code == 201
    assert response.json()["article"]["slug"] == "t"


async def test_an_oversized_body_is_413_in_the_envelope_and_stores_nothing(
    client: httpx.AsyncClient, alice: Account
) -> None:
    article = {"title": "Big", "description": "d", "body": "x" * 2_000_000}
    response = await client.post("/api/articles", headers=alice.auth, json={"article": article})
    assert response.status_code == 413
    assert response.json() == {"errors": {"body": ["is larger than 1048576 bytes"]}}

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"article": {"title": "Big", "description": "d", "body": "'
        for _ in range(40):
            yield b"x" * 50_000
        yield b'"}}'

    response = await client.post(
        "/api/articles",
        headers=alice.auth | {"Content-Type": "application/json"},
        content=chunks(),
    )
    assert response.status_code == 413
    assert set(response.json()) == {"errors"}
    assert (await client.get("/api/articles")).json()["articlesCount"] == 0


async def test_the_longest_allowed_body_still_fits(
    client: httpx.AsyncClient, alice: Account
) -> None:
    article = {"title": "Long", "description": "d", "body": "é" * 200_000}  # 2 bytes each
    response = await client.post("/api/articles", headers=alice.auth, json={"article": article})
    assert response.status_code == 201, response.text[:200]
