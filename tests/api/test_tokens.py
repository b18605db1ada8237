"""Login tokens: only ours, only HS256, only unexpired, only for a user who still exists
and still has the password the token was issued under."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.kit.clock import utc_now
from pressroom.models import User
from pressroom.users import security
from tests.api.conftest import PASSWORD, TEST_SECRET, Account

INVALID = {"errors": {"token": ["is invalid"]}}
# A token is checked in two places: by the ``CurrentUser`` dependency (the account, every
# write), and by ``reading`` for the public reads (the feed, lists, an article...), which
# checks it against the stored password hash alone. Every test here holds both to the
# same answers.
CHECKED_BY = ("/api/user", "/api/articles/feed", "/api/articles?limit=1")


async def _rejected(client: httpx.AsyncClient, token: str) -> bool:
    for path in CHECKED_BY:
        response = await client.get(path, headers={"Authorization": f"Token {token}"})
        if response.status_code != 401 or response.json() != INVALID:
            return False
    return True


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def test_a_token_of_ours_works(client: httpx.AsyncClient, alice: Account) -> None:
    for path in CHECKED_BY:
        response = await client.get(path, headers=alice.auth)
        assert response.status_code == 200, path


async def test_the_public_reads_ignore_no_token_but_need_one_for_the_feed(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/api/articles?limit=1")).status_code == 200
    feed = await client.get("/api/articles/feed")
    assert feed.status_code == 401
    assert feed.json() == {"errors": {"token": ["is missing"]}}


async def test_tags_answer_whatever_token_comes_with_them(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/tags", headers={"Authorization": "Token not-a-token"})
    assert response.status_code == 200


async def test_alg_none_is_refused(client: httpx.AsyncClient, alice: Account) -> None:
    claims = _claims_of(alice.token)
    unsigned = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."
    assert await _rejected(client, unsigned)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_other_algorithms_are_refused_even_with_our_key(
    client: httpx.AsyncClient, alice: Account
) -> None:
    claims = _claims_of(alice.token)
    # Signed with the right key, but not with the one algorithm we accept.
    assert await _rejected(client, jwt.encode(claims, TEST_SECRET, algorithm="HS512"))
    # An RS256 header whose "signature" is an HMAC: the RS/HS confusion.
    head_and_body = f"{_segment({'alg': 'RS256', 'typ': 'JWT'})}.{_segment(claims)}"
    forged = jwt.encode(claims, TEST_SECRET, algorithm="HS256").rsplit(".", 1)[1]
    assert await _rejected(client, f"{head_and_body}.{forged}")


async def test_a_token_signed_with_another_key_is_refused(
    client: httpx.AsyncClient, alice: Account
) -> None:
    claims = _claims_of(alice.token)
    assert await _rejected(client, jwt.encode(claims, "another-" + "k" * 40, algorithm="HS256"))


async def test_changed_claims_break_the_signature(
    client: httpx.AsyncClient, alice: Account
) -> None:
    header, _, signature = alice.token.split(".")
    claims = _claims_of(alice.token) | {"sub": "1"}
    assert await _rejected(client, f"{header}.{_segment(claims)}.{signature}")


async def test_a_token_without_expiry_or_password_mark_is_refused(
    client: httpx.AsyncClient, alice: Account
) -> None:
    claims = _claims_of(alice.token)
    for missing in ("exp", "pwd", "iat"):
        partial = {name: value for name, value in claims.items() if name != missing}
        assert await _rejected(client, jwt.encode(partial, TEST_SECRET, algorithm="HS256")), missing


async def test_an_expired_token_is_refused(client: httpx.AsyncClient, alice: Account) -> None:
    claims = _claims_of(alice.token) | {"exp": utc_now() - timedelta(seconds=1)}
    assert await _rejected(client, jwt.encode(claims, TEST_SECRET, algorithm="HS256"))


async def test_a_token_already_accepted_is_refused_once_it_expires(
    client: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Accepted once, the token is remembered as verified; its expiry still counts.
    for path in CHECKED_BY:
        assert (await client.get(path, headers=alice.auth)).status_code == 200, path
    expiry = _claims_of(alice.token)["exp"]
    monkeypatch.setattr(security, "utc_now", lambda: utc_now() + timedelta(days=36500))
    assert expiry < security.utc_now().timestamp()
    assert await _rejected(client, alice.token)


async def test_a_deleted_users_token_is_refused(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    await async_session.execute(delete(User).where(User.username == alice.username))
    assert await _rejected(client, alice.token)


async def test_changing_the_password_ends_every_older_token(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    second_login = await client.post(
        "/api/users/login", json={"user": {"email": alice.email, "password": PASSWORD}}
    )
    older_tokens = [alice.token, second_login.json()["user"]["token"]]
    changed = await client.put(
        "/api/user", headers=alice.auth, json={"user": {"password": "a new passphrase"}}
    )
    assert changed.status_code == 200
    for token in older_tokens:
        assert await _rejected(client, token)
    new_token = changed.json()["user"]["token"]
    assert (
        await client.get("/api/user", headers={"Authorization": f"Token {new_token}"})
    ).is_success
    # Other settings leave tokens alone.
    renamed = await client.put(
        "/api/user",
        headers={"Authorization": f"Token {new_token}"},
        json={"user": {"bio": "still me"}},
    )
    assert renamed.status_code == 200
    assert (
        await client.get("/api/user", headers={"Authorization": f"Token {new_token}"})
    ).is_success
    # The mark in the token tells nothing of the hash.
    user = await async_session.scalar(select(User).where(User.username == alice.username))
    assert user is not None
    assert _claims_of(new_token)["pwd"] not in user.password_hash
