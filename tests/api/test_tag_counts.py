"""GET /api/tags?withCounts=true: tags with how many published articles use them."""

from __future__ import annotations

from datetime import timedelta

import httpx

from pressroom.kit.clock import utc_now
from tests.api.conftest import Account, AsyncSession, StatementLog
from tests.api.test_articles import create


async def _seed(client: httpx.AsyncClient, alice: Account) -> None:
    await create(client, alice, title="one", tagList=["common", "rare", "zebra"])
    await create(client, alice, title="two", tagList=["common", "beta", "zebra"])
    await create(client, alice, title="three", tagList=["common", "alpha"])
    await create(
        client, alice, title="draft", tagList=["common", "hidden", "alpha"], status="draft"
    )
    later = (utc_now() + timedelta(days=30)).isoformat()
    await create(client, alice, title="later", tagList=["rare", "hidden", "beta"], publishAt=later)


async def test_counts_published_articles_most_used_first_ties_by_name(
    client: httpx.AsyncClient, alice: Account
) -> None:
    await _seed(client, alice)
    response = await client.get("/api/tags?withCounts=true")
    assert response.status_code == 200
    assert response.json() == {
        "tags": [
            {"name": "common", "count": 3},
            {"name": "zebra", "count": 2},
            {"name": "alpha", "count": 1},
            {"name": "beta", "count": 1},
            {"name": "rare", "count": 1},
        ]
    }


async def test_articles_scheduled_this_hour_and_in_later_hours_are_not_counted_yet(
    client: httpx.AsyncClient, alice: Account
) -> None:
    await create(client, alice, title="now", tagList=["ahead", "soon"])
    for minutes in (10, 60 * 24 * 3, 60 * 24 * 3):
        at = (utc_now() + timedelta(minutes=minutes)).isoformat()
        await create(client, alice, title=f"in {minutes} min", tagList=["ahead"], publishAt=at)
    soon = (utc_now() + timedelta(minutes=10)).isoformat()
    await create(client, alice, title="soon", tagList=["soon", "later"], publishAt=soon)
    response = await client.get("/api/tags?withCounts=true")
    assert response.json() == {
        "tags": [{"name": "ahead", "count": 1}, {"name": "soon", "count": 1}]
    }


async def test_without_counts_the_answer_is_unchanged(
    client: httpx.AsyncClient, alice: Account
) -> None:
    await _seed(client, alice)
    expected = {"tags": ["common", "zebra", "alpha", "beta", "rare"]}
    for query in ["", "?withCounts=false", "?withCounts=0"]:
        response = await client.get(f"/api/tags{query}")
        assert response.status_code == 200
        assert response.json() == expected, query


async def test_no_tags(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/tags?withCounts=true")).json() == {"tags": []}
    assert (await client.get("/api/tags")).json() == {"tags": []}


async def test_a_bad_flag_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/tags?withCounts=maybe")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"withCounts"}


async def test_counts_take_one_statement(
    client: httpx.AsyncClient, alice: Account, async_session: AsyncSession, sql: StatementLog
) -> None:
    await _seed(client, alice)
    sql.clear()
    assert (await client.get("/api/tags?withCounts=true")).status_code == 200
    assert sql.count == 1, sql.statements


async def test_openapi_documents_both_shapes(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/openapi.json")).json()
    operation = document["paths"]["/api/tags"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["withCounts"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    refs = {option["$ref"].rsplit("/", 1)[-1] for option in schema["anyOf"]}
    assert refs == {"TagsResponse", "TagCountsResponse"}
    counted = document["components"]["schemas"]["TagCount"]
    assert set(counted["properties"]) == {"name", "count"}
