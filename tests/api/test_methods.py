"""HEAD wherever GET is taken, and a 405 that names every method of its path (RFC 9110)."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from prometheus_client import REGISTRY

from tests.api.conftest import Account
from tests.api.test_articles import create


async def test_head_answers_every_api_read_with_the_headers_of_its_get(
    client: httpx.AsyncClient, alice: Account
) -> None:
    article = await create(client, alice, tagList=["heads"])
    for path in (
        "/api/articles",
        f"/api/articles/{article['slug']}",
        f"/api/articles/{article['slug']}/comments",
        f"/api/profiles/{alice.username}",
        "/api/tags",
        "/api/health",
        "/healthz",
        "/readyz",
    ):
        got = await client.get(path)
        head = await client.head(path)
        assert got.status_code == head.status_code == 200, path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers.get("content-length") == got.headers.get("content-length"), path
        assert head.content == b"", path
    signed_in = await client.head("/api/user", headers=alice.auth)
    assert signed_in.status_code == 200
    assert (await client.head("/api/articles/no-such-article")).status_code == 404


async def test_head_is_refused_where_get_is(client: httpx.AsyncClient) -> None:
    for path in ("/api/users", "/api/users/login"):
        response = await client.head(path)
        assert response.status_code == 405, path
        assert response.headers["allow"] == "POST", path


async def test_head_is_logged_and_counted_as_head(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pressroom.access")

    def heads_of_tags() -> float:
        labels = {"method": "HEAD", "route": "/api/tags", "status": "200"}
        return REGISTRY.get_sample_value("pressroom_requests_total", labels) or 0.0

    before = heads_of_tags()
    await client.head("/api/tags")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "pressroom.access"]
    assert [line["method"] for line in lines] == ["HEAD"]
    assert heads_of_tags() == before + 1


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/articles/some-slug", "GET, HEAD, PUT, DELETE"),
        ("POST", "/api/user", "GET, HEAD, PUT, DELETE"),
        ("GET", "/api/articles/some-slug/favorite", "POST, DELETE"),
        ("PUT", "/api/profiles/someone/follow", "POST, DELETE"),
        ("DELETE", "/api/articles", "GET, HEAD, POST"),
        ("POST", "/api/tags", "GET, HEAD"),
        ("POST", "/healthz", "GET, HEAD"),
    ],
)
async def test_a_405_lists_every_method_its_path_takes(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"errors": {"request": ["method not allowed"]}}


async def test_the_api_document_has_no_head_operations(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api/openapi.json")).json()["paths"]
    assert not [path for path, operations in paths.items() if "head" in operations]
    assert set(paths["/api/articles"]) == {"get", "post"}
    assert set(paths["/api/articles/{slug}"]) == {"get", "put", "delete"}
