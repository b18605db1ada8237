"""Browsers (HTTP clients with cookie jars) on the site, over the test's transaction."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker

from pressroom.app import create_app
from pressroom.db.session import RequestSessions
from tests.api.conftest import PASSWORD, TEST_SECRET, sql
from tests.conftest import settings_for
from tests.databases import ScratchDatabase

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Browser:
    """One visitor: their cookies, and the form token of the last page they saw."""

    http: httpx.AsyncClient
    token: str | None = None
    username: str | None = None

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        response = await self.http.get(path, headers={"Accept": "text/html"}, **kw)
        found = _TOKEN.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    async def post(
        self, path: str, data: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        """Post a form as the page would: with the token, unless ``data`` says otherwise."""
        if self.token is None:
            await self.get("/")
        fields = {"csrf_token": self.token or "", **(data or {})}
        headers = {"Accept": "text/html", **kw.pop("headers", {})}
        return await self.http.post(path, data=fields, headers=headers, **kw)

    async def sign_up(self, username: str) -> None:
        await self.get("/register")
        response = await self.post(
            "/register",
            {"username": username, "email": f"{username}@example.org", "password": PASSWORD},
        )
        assert response.status_code == 303, response.text
        self.username = username

    async def write(self, title: str, action: str = "publish", **fields: str) -> str:
        """A new article through the editor; its slug."""
        await self.get("/editor")
        response = await self.post(
            "/editor",
            {
                "title": title,
                "description": fields.get("description", f"About {title}"),
                "body": fields.get("body", f"# {title}\n\nSome *words* about {title}."),
                "tagList": fields.get("tagList", ""),
                "publishAt": fields.get("publishAt", ""),
                "action": action,
            },
        )
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert location.startswith("/article/")
        return location.removeprefix("/article/")


@pytest.fixture
async def site(database: ScratchDatabase, async_connection: AsyncConnection) -> FastAPI:
    app = create_app(settings_for(database, jwt_secret=TEST_SECRET))
    app.state.sessions = RequestSessions.shared(
        async_sessionmaker(
            bind=async_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
    )
    return app


@pytest.fixture
async def browsers(
    site: FastAPI,
) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """Opens browsers on the site; each has cookies of its own."""
    async with AsyncExitStack() as stack:

        def open_browser(base_url: str = "http://test") -> httpx.AsyncClient:
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=site), base_url=base_url)
            stack.push_async_callback(client.aclose)
            return client

        yield open_browser


@pytest.fixture
def browser(browsers: Callable[..., httpx.AsyncClient]) -> Browser:
    return Browser(browsers())


@pytest.fixture
def other_browser(browsers: Callable[..., httpx.AsyncClient]) -> Browser:
    return Browser(browsers())


__all__ = ["Browser", "sql"]
