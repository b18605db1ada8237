"""Login tokens: only ours, only HS256, only unexpired, only for a user who still exists,
still has the password the token was issued under, has not signed out everywhere since
and has not signed out with that token itself."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from pressroom.kit.clock import utc_now
from pressroom.models import RevokedToken, User
from pressroom.users import security
from tests.api.conftest import LIVE_PREFIX, PASSWORD, TEST_SECRET, Account, register

INVALID = {"errors": {"token": ["is invalid"]}}
# A token is checked in two places: by the ``CurrentUser`` dependency (the account, every
# write), and by ``reading`` for the public reads (the feed, lists, an article...), which
# checks it against the stored password hash and token generation alone. Every test here
# holds both to the same answers.
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


async def _login(client: httpx.AsyncClient, account: Account) -> str:
    response = await client.post(
        "/api/users/login", json={"user": {"email": account.email, "password": PASSWORD}}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["user"]["token"]
    return token


async def test_signing_out_everywhere_ends_every_older_token(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    older_tokens = [alice.token, await _login(client, alice)]
    ended = await client.delete("/api/user/sessions", headers=alice.auth)
    assert ended.status_code == 204
    assert ended.content == b""
    for token in older_tokens:
        assert await _rejected(client, token)
    # Nobody else is signed out.
    assert (await client.get("/api/user", headers=bob.auth)).is_success
    # Signing in again works, and that token is good until the next time.
    again = await _login(client, alice)
    assert _claims_of(again)["gen"] == 1
    for path in CHECKED_BY:
        answer = await client.get(path, headers={"Authorization": f"Token {again}"})
        assert answer.status_code == 200, path
    fresh = await client.get("/api/user", headers={"Authorization": f"Token {again}"})
    assert _claims_of(fresh.json()["user"]["token"])["gen"] == 1
    assert (
        await client.delete("/api/user/sessions", headers={"Authorization": f"Token {again}"})
    ).status_code == 204
    assert await _rejected(client, again)
    assert _claims_of(await _login(client, alice))["gen"] == 2


async def test_signing_out_everywhere_needs_a_token_that_still_works(
    client: httpx.AsyncClient, alice: Account
) -> None:
    missing = await client.delete("/api/user/sessions")
    assert missing.status_code == 401
    assert missing.json() == {"errors": {"token": ["is missing"]}}
    assert (await client.delete("/api/user/sessions", headers=alice.auth)).status_code == 204
    spent = await client.delete("/api/user/sessions", headers=alice.auth)
    assert spent.status_code == 401
    assert spent.json() == INVALID


async def test_a_token_from_before_generations_counts_as_the_first(
    client: httpx.AsyncClient, alice: Account
) -> None:
    # Tokens issued before there were generations carry none: still good at generation 0,
    # void once the user signs out everywhere.
    assert "gen" not in _claims_of(alice.token)
    assert (await client.get("/api/user", headers=alice.auth)).is_success
    await client.delete("/api/user/sessions", headers=alice.auth)
    assert await _rejected(client, alice.token)


async def test_a_token_naming_another_generation_is_refused(
    client: httpx.AsyncClient, alice: Account
) -> None:
    claims = _claims_of(alice.token)
    # Signed with our key (a leaked key is out of scope): any generation but the user's.
    for generation in (1, -1, "0", 0.0, True, None, [0]):
        forged = jwt.encode(claims | {"gen": generation}, TEST_SECRET, algorithm="HS256")
        assert await _rejected(client, forged), generation
    same = jwt.encode(claims | {"gen": 0}, TEST_SECRET, algorithm="HS256")
    assert (await client.get("/api/user", headers={"Authorization": f"Token {same}"})).is_success


async def test_signing_out_ends_that_token_alone(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    other_device = await _login(client, alice)
    assert _claims_of(other_device)["jti"] != _claims_of(alice.token)["jti"]
    ended = await client.delete("/api/user/session", headers=alice.auth)
    assert ended.status_code == 204
    assert ended.content == b""
    assert await _rejected(client, alice.token)
    # Her other tokens, and everybody else's, still work.
    for token in (other_device, bob.token):
        for path in CHECKED_BY:
            answer = await client.get(path, headers={"Authorization": f"Token {token}"})
            assert answer.status_code == 200, path
    spent = await client.delete("/api/user/session", headers=alice.auth)
    assert spent.status_code == 401
    assert spent.json() == INVALID
    assert (await client.delete("/api/user/session")).json() == {
        "errors": {"token": ["is missing"]}
    }


async def test_a_revocation_is_kept_until_its_token_expires_and_no_longer(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    # One that no token can match any more: its token would have expired a minute ago.
    past = utc_now() - timedelta(minutes=1)
    async_session.add(RevokedToken(token_id="expired-long-ago", expires_at=past))
    await async_session.flush()
    assert (await client.delete("/api/user/session", headers=alice.auth)).status_code == 204
    kept = (
        await async_session.execute(select(RevokedToken.token_id, RevokedToken.expires_at))
    ).all()
    claims = _claims_of(alice.token)
    assert [(token_id, expires.timestamp()) for token_id, expires in kept] == [
        (claims["jti"], claims["exp"])
    ]


async def test_a_token_id_is_matched_exactly(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession
) -> None:
    # MySQL's default collations ignore case: the ids must not.
    token_id = _claims_of(alice.token)["jti"]
    other_case = token_id.swapcase()
    assert other_case != token_id
    expires_at = utc_now() + timedelta(hours=1)
    async_session.add(RevokedToken(token_id=other_case, expires_at=expires_at))
    await async_session.flush()
    for path in CHECKED_BY:
        assert (await client.get(path, headers=alice.auth)).status_code == 200, path


async def test_two_sign_outs_with_one_token_at_once_leave_one_revocation(
    live: httpx.AsyncClient, async_engine: AsyncEngine
) -> None:
    account = await register(live, f"{LIVE_PREFIX}signout{id(live) % 10000}")
    answers = await asyncio.gather(
        *(live.delete("/api/user/session", headers=account.auth) for _ in range(4))
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses[0] == 204, [answer.text for answer in answers]
    assert set(statuses) <= {204, 401}, [answer.text for answer in answers]
    assert await _rejected(live, account.token)
    token_id = _claims_of(account.token)["jti"]
    this_token = RevokedToken.token_id == token_id
    async with async_engine.begin() as connection:
        found = await connection.scalars(select(RevokedToken.token_id).where(this_token))
        assert found.all() == [token_id]
        await connection.execute(delete(RevokedToken).where(this_token))


async def test_signing_out_with_a_token_from_before_token_ids_signs_out_everywhere(
    client: httpx.AsyncClient, alice: Account
) -> None:
    # Tokens issued before tokens had ids carry none: they still work, and signing out
    # with one cannot name it alone, so it ends all of them.
    claims = {name: value for name, value in _claims_of(alice.token).items() if name != "jti"}
    older = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    older_auth = {"Authorization": f"Token {older}"}
    for path in CHECKED_BY:
        assert (await client.get(path, headers=older_auth)).status_code == 200, path
    assert (await client.delete("/api/user/session", headers=older_auth)).status_code == 204
    assert await _rejected(client, older)
    assert await _rejected(client, alice.token)


async def test_a_token_id_that_is_not_a_string_is_refused(
    client: httpx.AsyncClient, alice: Account
) -> None:
    claims = _claims_of(alice.token)
    for token_id in (1, None, ["x"], {"id": "x"}):
        forged = jwt.encode(claims | {"jti": token_id}, TEST_SECRET, algorithm="HS256")
        assert await _rejected(client, forged), token_id
