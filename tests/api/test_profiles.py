"""Profiles, following and unfollowing."""

from __future__ import annotations

import httpx

from tests.api.conftest import Account


async def test_profile_anonymous_and_signed_in(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    anonymous = await client.get(f"/api/profiles/{bob.username}")
    assert anonymous.status_code == 200
    assert anonymous.json() == {
        "profile": {"username": bob.username, "bio": None, "image": None, "following": False}
    }
    signed_in = await client.get(f"/api/profiles/{bob.username}", headers=alice.auth)
    assert signed_in.json()["profile"]["following"] is False


async def test_unknown_profile_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/profiles/nobody-here")
    assert response.status_code == 404
    assert response.json() == {"errors": {"profile": ["not found"]}}


async def test_follow_and_unfollow(client: httpx.AsyncClient, alice: Account, bob: Account) -> None:
    followed = await client.post(f"/api/profiles/{bob.username}/follow", headers=alice.auth)
    assert followed.status_code == 200
    assert followed.json()["profile"]["following"] is True
    again = await client.post(f"/api/profiles/{bob.username}/follow", headers=alice.auth)
    assert again.status_code == 200  # idempotent
    seen = await client.get(f"/api/profiles/{bob.username}", headers=alice.auth)
    assert seen.json()["profile"]["following"] is True

    unfollowed = await client.delete(f"/api/profiles/{bob.username}/follow", headers=alice.auth)
    assert unfollowed.json()["profile"]["following"] is False
    seen = await client.get(f"/api/profiles/{bob.username}", headers=alice.auth)
    assert seen.json()["profile"]["following"] is False


async def test_follow_needs_a_token_before_anything_else(client: httpx.AsyncClient) -> None:
    for method in ("POST", "DELETE"):
        response = await client.request(method, "/api/profiles/nobody-here/follow")
        assert response.status_code == 401
        assert response.json() == {"errors": {"token": ["is missing"]}}


async def test_follow_unknown_is_404(client: httpx.AsyncClient, alice: Account) -> None:
    response = await client.post("/api/profiles/nobody-here/follow", headers=alice.auth)
    assert response.status_code == 404


async def test_following_yourself_is_refused(client: httpx.AsyncClient, alice: Account) -> None:
    response = await client.post(f"/api/profiles/{alice.username}/follow", headers=alice.auth)
    assert response.status_code == 422  # as the spec lists: 401, 404 or 422
    assert response.json() == {"errors": {"profile": ["cannot follow yourself"]}}


async def test_an_invalid_token_on_an_optional_endpoint_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/profiles/anyone", headers={"Authorization": "Token garbage"})
    assert response.status_code == 401
