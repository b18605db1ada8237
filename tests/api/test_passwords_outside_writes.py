"""Argon2 takes its time on purpose, so no request hashes or verifies a password while it
holds a write connection: on SQLite that connection's transaction is the lock every
writer waits for, and on any database a request holds one connection at a time.

Each test runs the real app, with its own engines and pools, and watches the pools from
inside the password hasher.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from pressroom.app import create_app
from pressroom.db.session import RequestSessions
from pressroom.models import User
from pressroom.users import security
from tests.api.conftest import LIVE_PREFIX, PASSWORD, TEST_SECRET
from tests.cleanup import delete_where
from tests.conftest import settings_for
from tests.databases import ScratchDatabase
from tests.web.conftest import Browser


@dataclass
class Pools:
    """How many connections each of the app's pools had out whenever Argon2 ran; and what
    else happens meanwhile (``meanwhile``, run once, from the hashing thread)."""

    app: FastAPI
    seen: list[tuple[str, int, int]] = field(default_factory=list)
    meanwhile: Callable[[], object] | None = None

    def note(self, work: str) -> None:
        sessions: RequestSessions = self.app.state.sessions
        write_engine = sessions.write.kw["bind"]
        assert sessions.read_engine is not None
        self.seen.append(
            (work, write_engine.pool.checkedout(), sessions.read_engine.pool.checkedout())
        )

    def take(self) -> list[tuple[str, int, int]]:
        seen, self.seen = self.seen, []
        return seen


class _WatchedHasher(PasswordHasher):
    def __init__(self, pools: Pools) -> None:
        super().__init__()
        self.pools = pools

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.pools.note("hash")
        if self.pools.meanwhile is not None:
            self.pools.meanwhile, meanwhile = None, self.pools.meanwhile
            meanwhile()
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.pools.note("verify")
        return super().verify(hash, password)


@pytest.fixture
async def served(
    database: ScratchDatabase, async_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, Pools]]:
    app = create_app(settings_for(database, jwt_secret=TEST_SECRET))
    pools = Pools(app)
    monkeypatch.setattr(security, "_hasher", _WatchedHasher(pools))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield client, pools
    async with async_engine.begin() as connection:
        await delete_where(connection, User.username.startswith(LIVE_PREFIX))


def _only_reads(seen: list[tuple[str, int, int]], *works: str) -> None:
    """Argon2 ran for each of ``works``, in order, with no write connection out, and at
    most the one read connection the verification reads the hash on."""
    assert [work for work, _, _ in seen] == list(works)
    for work, writing, reading in seen:
        assert (work, writing) == (work, 0)
        assert reading <= 1


async def _register(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    user = {"username": name, "email": f"{name}@example.org", "password": PASSWORD}
    response = await client.post("/api/users", json={"user": user})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Token {response.json()['user']['token']}"}


async def _stored(async_engine: AsyncEngine, column: Any, username: str) -> Any:
    """``column`` of the user called ``username``, as committed (None when there is none)."""
    async with async_engine.connect() as connection:
        return await connection.scalar(select(column).where(User.username == username))


def _sign_out_everywhere(sync_engine: Engine, username: str) -> None:
    """What the owner's "sign out everywhere" does, from another connection."""
    with sync_engine.begin() as connection:
        connection.execute(
            update(User)
            .where(User.username == username)
            .values(token_generation=User.token_generation + 1)
        )


async def test_api_registration_sign_in_and_a_new_password(
    served: tuple[httpx.AsyncClient, Pools], async_engine: AsyncEngine
) -> None:
    client, pools = served
    headers = await _register(client, f"{LIVE_PREFIX}hasher")
    _only_reads(pools.take(), "hash")

    login = {"email": f"{LIVE_PREFIX}hasher@example.org", "password": PASSWORD}
    assert (await client.post("/api/users/login", json={"user": login})).status_code == 200
    _only_reads(pools.take(), "verify")

    changed = await client.put(
        "/api/user", headers=headers, json={"user": {"password": "a new long password"}}
    )
    assert changed.status_code == 200, changed.text
    _only_reads(pools.take(), "hash")
    # The new password took, and the old token ended with the old one.
    login["password"] = "a new long password"
    assert (await client.post("/api/users/login", json={"user": login})).status_code == 200
    assert (await client.get("/api/user", headers=headers)).status_code == 401

    # A change without a password runs no Argon2 at all, and still writes.
    new_headers = {"Authorization": f"Token {changed.json()['user']['token']}"}
    pools.take()
    bio = await client.put("/api/user", headers=new_headers, json={"user": {"bio": "Hashes."}})
    assert bio.status_code == 200, bio.text
    assert pools.take() == []
    assert await _stored(async_engine, User.bio, f"{LIVE_PREFIX}hasher") == "Hashes."


async def test_api_account_deletion_verifies_before_it_writes(
    served: tuple[httpx.AsyncClient, Pools], async_engine: AsyncEngine
) -> None:
    client, pools = served
    headers = await _register(client, f"{LIVE_PREFIX}leaver")
    pools.take()

    wrong = await client.request(
        "DELETE", "/api/user", headers=headers, json={"user": {"password": "not it at all"}}
    )
    assert wrong.status_code == 401
    _only_reads(pools.take(), "verify")

    gone = await client.request(
        "DELETE", "/api/user", headers=headers, json={"user": {"password": PASSWORD}}
    )
    assert gone.status_code == 204, gone.text
    _only_reads(pools.take(), "verify")
    assert await _stored(async_engine, User.id, f"{LIVE_PREFIX}leaver") is None


async def test_site_settings_and_account_deletion_verify_before_they_write(
    served: tuple[httpx.AsyncClient, Pools], async_engine: AsyncEngine
) -> None:
    client, pools = served
    browser = Browser(client)
    await browser.sign_up(f"{LIVE_PREFIX}pages")
    pools.take()

    await browser.get("/settings")
    changed = await browser.post(
        "/settings",
        {
            "username": f"{LIVE_PREFIX}pages",
            "email": f"{LIVE_PREFIX}pages@example.org",
            "bio": "",
            "image": "",
            "password": "another long password",
            "current_password": PASSWORD,
        },
    )
    assert changed.status_code == 303, changed.text
    _only_reads(pools.take(), "verify", "hash")

    await browser.get("/settings/delete")
    deleted = await browser.post("/settings/delete", {"password": "another long password"})
    assert deleted.status_code == 303, deleted.text
    _only_reads(pools.take(), "verify")
    assert await _stored(async_engine, User.id, f"{LIVE_PREFIX}pages") is None


async def test_a_token_signed_out_with_while_argon2_runs_writes_nothing(
    served: tuple[httpx.AsyncClient, Pools], sync_engine: Engine, async_engine: AsyncEngine
) -> None:
    client, pools = served
    name = f"{LIVE_PREFIX}raced"
    headers = await _register(client, name)
    stored = select(User.password_hash, User.email).where(User.username == name)
    async with async_engine.connect() as connection:
        before = (await connection.execute(stored)).one()

    # The owner signs out everywhere while a stolen token's password change hashes.
    pools.meanwhile = lambda: _sign_out_everywhere(sync_engine, name)
    change = {"password": "the thief's password", "email": f"{name}-thief@example.org"}
    stolen = await client.put("/api/user", headers=headers, json={"user": change})
    assert stolen.status_code == 401, stolen.text
    async with async_engine.connect() as connection:
        assert (await connection.execute(stored)).one() == before


async def test_an_account_deleted_while_argon2_runs_is_a_401_not_a_failure(
    served: tuple[httpx.AsyncClient, Pools], sync_engine: Engine
) -> None:
    client, pools = served
    name = f"{LIVE_PREFIX}gone"
    headers = await _register(client, name)

    def delete_the_account() -> None:
        with sync_engine.begin() as connection:
            connection.execute(delete(User).where(User.username == name))

    pools.meanwhile = delete_the_account
    change = {"password": "a password for nobody"}
    late = await client.put("/api/user", headers=headers, json={"user": change})
    assert late.status_code == 401, late.text
    assert late.json() == {"errors": {"token": ["is invalid"]}}


async def test_no_request_whose_token_names_nobody_makes_the_server_hash(
    served: tuple[httpx.AsyncClient, Pools], sync_engine: Engine
) -> None:
    client, pools = served
    name = f"{LIVE_PREFIX}void"
    signed_out, deleted = await _register(client, name), await _register(client, f"{name}2")
    _sign_out_everywhere(sync_engine, name)
    with sync_engine.begin() as connection:
        connection.execute(delete(User).where(User.username == f"{name}2"))
    pools.take()
    change = {"user": {"password": "anything at all"}}
    for headers in ({}, {"Authorization": "Token not.a.token"}, signed_out, deleted):
        assert (await client.put("/api/user", headers=headers, json=change)).status_code == 401
        deletion = await client.request("DELETE", "/api/user", headers=headers, json=change)
        assert deletion.status_code == 401
    assert pools.take() == []
