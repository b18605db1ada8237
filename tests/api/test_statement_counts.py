"""Every endpoint runs a fixed number of SQL statements, whatever the size of what it returns."""

from __future__ import annotations

import httpx

from tests.api.conftest import Account, StatementLog, register
from tests.api.test_articles import create


async def _statements(
    sql: StatementLog, client: httpx.AsyncClient, *args: object, **kw: object
) -> int:
    sql.clear()
    response = await client.request(*args, **kw)  # type: ignore[arg-type]
    assert response.status_code < 300, response.text
    return sql.count


async def _seed(client: httpx.AsyncClient, alice: Account, bob: Account, n: int = 50) -> list[str]:
    """``n`` articles by several authors, with tags, favorites and a follow."""
    carol = await register(client)
    authors = [alice, bob, carol]
    slugs = []
    for i in range(n):
        author = authors[i % 3]
        article = await create(client, author, title=f"Seeded {i}", tagList=[f"t{i}", "shared"])
        slugs.append(article["slug"])
    for slug in slugs[::2]:
        await client.post(f"/api/articles/{slug}/favorite", headers=bob.auth)
        await client.post(f"/api/articles/{slug}/favorite", headers=carol.auth)
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)
    await client.post(f"/api/profiles/{carol.username}/follow", headers=bob.auth)
    return slugs


async def test_lists_cost_the_same_for_1_and_50_articles(
    client: httpx.AsyncClient, alice: Account, bob: Account, sql: StatementLog
) -> None:
    await _seed(client, alice, bob)
    for query in ["", "&tag=shared", f"&favorited={bob.username}"]:
        for headers in ({}, bob.auth):
            one = await _statements(
                sql, client, "GET", f"/api/articles?limit=1{query}", headers=headers
            )
            fifty = await _statements(
                sql, client, "GET", f"/api/articles?limit=50{query}", headers=headers
            )
            assert one == fifty, (query, headers, sql.statements)
    one = await _statements(sql, client, "GET", "/api/articles/feed?limit=1", headers=bob.auth)
    fifty = await _statements(sql, client, "GET", "/api/articles/feed?limit=50", headers=bob.auth)
    assert one == fifty
    one = await _statements(sql, client, "GET", "/api/user/articles?limit=1", headers=alice.auth)
    fifty = await _statements(sql, client, "GET", "/api/user/articles?limit=50", headers=alice.auth)
    assert one == fifty


async def test_a_page_of_articles_takes_few_statements(
    client: httpx.AsyncClient, alice: Account, bob: Account, sql: StatementLog
) -> None:
    await _seed(client, alice, bob, n=5)
    # the page: tags, favorites and flags as subqueries of each row, the total beside them
    assert await _statements(sql, client, "GET", "/api/articles?limit=50") == 1
    # + the viewer
    assert await _statements(sql, client, "GET", "/api/articles?limit=50", headers=bob.auth) == 2
    # a page past the end has no row to carry the total: it is counted on its own
    assert await _statements(sql, client, "GET", "/api/articles?offset=500") == 2


async def test_single_article_and_comments_cost_the_same_for_1_and_50(
    client: httpx.AsyncClient, alice: Account, bob: Account, sql: StatementLog
) -> None:
    small = (await create(client, alice, title="Small", tagList=["one"]))["slug"]
    big = (await create(client, alice, title="Big", tagList=[f"tag{i}" for i in range(20)]))["slug"]
    await client.post(
        f"/api/articles/{small}/comments", headers=bob.auth, json={"comment": {"body": "x"}}
    )
    for i in range(50):
        who = bob if i % 2 else alice
        await client.post(
            f"/api/articles/{big}/comments", headers=who.auth, json={"comment": {"body": f"c{i}"}}
        )
    for headers in ({}, bob.auth):
        assert await _statements(sql, client, "GET", f"/api/articles/{small}", headers=headers) == (
            await _statements(sql, client, "GET", f"/api/articles/{big}", headers=headers)
        )
        assert await _statements(
            sql, client, "GET", f"/api/articles/{small}/comments", headers=headers
        ) == await _statements(sql, client, "GET", f"/api/articles/{big}/comments", headers=headers)
        # A page of comments is one statement too, its total included, whatever its size.
        for page in ("?limit=1", "?limit=50", "?limit=10&offset=45", "?offset=500"):
            path = f"/api/articles/{big}/comments{page}"
            assert await _statements(sql, client, "GET", path, headers=headers) == (
                1 if not headers else 2
            ), page


async def test_a_profile_is_one_statement(
    client: httpx.AsyncClient, alice: Account, bob: Account, sql: StatementLog
) -> None:
    await client.post(f"/api/profiles/{alice.username}/follow", headers=bob.auth)
    path = f"/api/profiles/{alice.username}"
    assert await _statements(sql, client, "GET", path) == 1
    # + the viewer; whether they follow comes with the profile
    assert await _statements(sql, client, "GET", path, headers=bob.auth) == 2
    response = await client.get(path, headers=bob.auth)
    assert response.json()["profile"]["following"] is True


async def test_tags_and_writes_do_not_grow_with_their_input(
    client: httpx.AsyncClient, alice: Account, sql: StatementLog
) -> None:
    await create(client, alice, title="few tags", tagList=["a"])
    one_tag = await _statements(sql, client, "GET", "/api/tags")
    await create(client, alice, title="many tags", tagList=[f"many{i}" for i in range(20)])
    assert await _statements(sql, client, "GET", "/api/tags") == one_tag

    article = {"title": "x", "description": "d", "body": "b"}
    few = await _statements(
        sql,
        client,
        "POST",
        "/api/articles",
        headers=alice.auth,
        json={"article": {**article, "title": "few", "tagList": ["fresh-1"]}},
    )
    many = await _statements(
        sql,
        client,
        "POST",
        "/api/articles",
        headers=alice.auth,
        json={
            "article": {
                **article,
                "title": "many",
                "tagList": [f"fresh-many-{i}" for i in range(20)],
            }
        },
    )
    assert few == many, "\n".join(s[:90] for s in sql.statements)
