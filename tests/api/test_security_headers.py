"""Every answer carries headers that keep browsers from sniffing, framing or running it."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import Account

STRICT = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def _assert_hardened(response: httpx.Response, policy: str = STRICT) -> None:
    assert response.headers["content-security-policy"] == policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "path",
    [
        "/api/articles",
        "/api/tags",
        "/api/articles/no-such-article",
        "/feed.xml",
        "/atom.xml",
        "/sitemap.xml",
        "/sitemaps/articles-0.xml",
        "/healthz",
        "/api/openapi.json",
        "/api/no/such/path",
        "/api/articles?limit=-1",
        "/api/articles?tag=%00",
    ],
)
async def test_every_kind_of_answer_is_hardened(client: httpx.AsyncClient, path: str) -> None:
    _assert_hardened(await client.get(path))


async def test_writes_and_refusals_are_hardened(client: httpx.AsyncClient, alice: Account) -> None:
    created = await client.post(
        "/api/articles",
        headers=alice.auth,
        json={"article": {"title": "t", "description": "d", "body": "b"}},
    )
    assert created.status_code == 201
    _assert_hardened(created)
    too_big = await client.post(
        "/api/articles", headers={**alice.auth, "content-length": "99999999"}, content=b"{}"
    )
    assert too_big.status_code == 413
    _assert_hardened(too_big)


async def test_the_api_docs_may_load_swagger_ui_and_nothing_else(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src https://cdn.jsdelivr.net 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy


async def test_https_requests_get_strict_transport_security(client: httpx.AsyncClient) -> None:
    secure = await client.get("https://test/api/tags")
    assert secure.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" not in (await client.get("/api/tags")).headers
