"""DELETE /api/user: a user deletes their own account, confirmed by their password."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import PASSWORD, Account
from tests.api.test_articles import create

INVALID_CREDENTIALS = {"errors": {"credentials": ["invalid"]}}


def _deletion(password: str) -> dict[str, dict[str, str]]:
    return {"user": {"password": password}}


async def test_deleting_ones_account_takes_everything_it_holds(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    alices = (await create(client, alice, title="Alice writes", tagList=["farewell"]))["slug"]
    bobs = (await create(client, bob, title="Bob writes"))["slug"]
    comment = {"comment": {"body": "Alice was here"}}
    assert (
        await client.post(f"/api/articles/{bobs}/comments", headers=alice.auth, json=comment)
    ).status_code == 201
    await client.post(f"/api/articles/{bobs}/favorite", headers=alice.auth)
    await client.post(f"/api/articles/{alices}/favorite", headers=bob.auth)
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)

    deleted = await client.request(
        "DELETE", "/api/user", headers=alice.auth, json=_deletion(PASSWORD)
    )

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert (await client.get("/api/user", headers=alice.auth)).status_code == 401
    assert (await client.get(f"/api/profiles/{alice.username}")).status_code == 404
    assert (await client.get(f"/api/articles/{alices}")).status_code == 404
    login = {"user": {"email": alice.email, "password": PASSWORD}}
    assert (await client.post("/api/users/login", json=login)).status_code == 401
    left = (await client.get(f"/api/articles/{bobs}")).json()["article"]
    assert left["favoritesCount"] == 0
    assert (await client.get(f"/api/articles/{bobs}/comments")).json() == {
        "comments": [],
        "commentsCount": 0,
    }
    listing = (await client.get("/api/articles?tag=farewell")).json()
    assert (listing["articles"], listing["articlesCount"]) == ([], 0)
    tags = (await client.get("/api/tags?withCounts=true")).json()["tags"]
    assert {"name": "farewell", "count": 0} not in tags
    assert all(tag["count"] > 0 for tag in tags)
    assert (await client.get("/api/user", headers=bob.auth)).status_code == 200


async def test_a_token_alone_cannot_delete_an_account(
    client: httpx.AsyncClient, alice: Account
) -> None:
    wrong = await client.request(
        "DELETE", "/api/user", headers=alice.auth, json=_deletion("not the password")
    )
    assert wrong.status_code == 401
    assert wrong.json() == INVALID_CREDENTIALS
    for _ in range(4):
        await client.request("DELETE", "/api/user", headers=alice.auth, json=_deletion("guess"))
    # Past the sign-in limits even the right password waits.
    throttled = await client.request(
        "DELETE", "/api/user", headers=alice.auth, json=_deletion(PASSWORD)
    )
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert (await client.get("/api/user", headers=alice.auth)).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (None, "body"),
        ({}, "user"),
        ({"user": {}}, "password"),
        ({"user": {"password": ""}}, "password"),
    ],
)
async def test_deleting_needs_a_password_in_the_body(
    client: httpx.AsyncClient, alice: Account, body: object, field: str
) -> None:
    refused = await client.request("DELETE", "/api/user", headers=alice.auth, json=body)
    assert refused.status_code == 422
    assert field in refused.json()["errors"]
    assert (await client.get("/api/user", headers=alice.auth)).status_code == 200


async def test_deleting_needs_a_token(client: httpx.AsyncClient, alice: Account) -> None:
    missing = await client.request("DELETE", "/api/user", json=_deletion(PASSWORD))
    assert missing.status_code == 401
    assert missing.json() == {"errors": {"token": ["is missing"]}}
    assert (await client.get("/api/user", headers=alice.auth)).status_code == 200
