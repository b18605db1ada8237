"""Full-text search, ``GET /api/articles?q=``, on every database.

These tests commit for real: MariaDB adds rows to a FULLTEXT index only when their
transaction commits, so a search inside the usual rolled-back test transaction would
never see them. Each test writes under names of its own and deletes its users (and, by
cascade, their articles) afterwards.
"""

from __future__ import annotations

import random
import string
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from pressroom.app import create_app
from pressroom.db import migrate
from pressroom.db.session import RequestSessions
from pressroom.db.urls import Backend
from pressroom.kit.clock import utc_now
from pressroom.kit.search_syntax import ENGLISH_STOPWORDS, parse, to_fts5, to_innodb_boolean
from pressroom.models import Tag, User
from pressroom.models.search import is_search_object
from tests.api.conftest import TEST_SECRET, Account, StatementLog, register
from tests.api.test_articles import create
from tests.cleanup import delete_where
from tests.conftest import settings_for
from tests.databases import ScratchDatabase

_rng = random.Random()


def word() -> str:
    """A made-up word no other test uses (letters only, so no tokenizer splits it)."""
    return "q" + "".join(_rng.choice(string.ascii_lowercase) for _ in range(9)) + "x"


@pytest.fixture
async def committed(
    database: ScratchDatabase, async_engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests commit, and a clean-up of everything they wrote."""
    app = create_app(settings_for(database, jwt_secret=TEST_SECRET))
    app.state.sessions = RequestSessions.on(async_engine)
    prefix = "s" + "".join(_rng.choice(string.ascii_lowercase) for _ in range(6))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        client.headers["x-test-prefix"] = prefix
        yield client
    async with async_engine.begin() as connection:
        await delete_where(
            connection, User.username.startswith(prefix), Tag.name.startswith(prefix)
        )


async def author(client: httpx.AsyncClient, n: int = 0) -> Account:
    return await register(client, f"{client.headers['x-test-prefix']}{n}{word()}")


def tag(client: httpx.AsyncClient, name: str) -> str:
    return f"{client.headers['x-test-prefix']}{name}"


async def search(client: httpx.AsyncClient, q: str, extra: str = "", **kw: object) -> list[str]:
    response = await client.get(f"/api/articles?q={q}{extra}", **kw)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["articlesCount"] >= len(body["articles"])
    return [article["slug"] for article in body["articles"]]


async def test_a_title_hit_ranks_above_a_body_hit(committed: httpx.AsyncClient) -> None:
    alice = await author(committed)
    term = word()
    in_body = await create(
        committed, alice, title="Notes from a long week", body=f"Mostly about {term}, once."
    )
    in_title = await create(committed, alice, title=f"All about {term}", body="Short text.")
    in_description = await create(
        committed, alice, title="Something else", description=f"On {term}", body="Text."
    )
    await create(committed, alice, title="Unrelated", body="Nothing to see here.")

    found = await search(committed, term)

    assert found == [in_title["slug"], in_description["slug"], in_body["slug"]]


async def test_an_exclusion_leaves_the_ranking_as_it_was(committed: httpx.AsyncClient) -> None:
    alice = await author(committed)
    term, other = word(), word()
    # Written best first, so that an order by id alone (newest first) would be wrong.
    in_title = await create(committed, alice, title=f"All about {term}", body="Short text.")
    in_description = await create(
        committed, alice, title="Something else", description=f"On {term}", body="Text."
    )
    in_body = await create(
        committed, alice, title="Notes from a long week", body=f"Mostly about {term}, once."
    )
    await create(committed, alice, title=f"About {term}", body=f"And {other} as well.")

    ranked = [in_title["slug"], in_description["slug"], in_body["slug"]]
    assert await search(committed, f"{term} -{other}") == ranked
    assert await search(committed, f'{term} -"{other} as"') == ranked


async def test_every_word_is_required_and_phrases_or_and_minus_work(
    committed: httpx.AsyncClient,
) -> None:
    alice = await author(committed)
    red, blue, green = word(), word(), word()
    both = await create(committed, alice, body=f"{red} and then {blue}")
    only_red = await create(committed, alice, body=f"just {red}")
    phrase = await create(committed, alice, body=f"{green} {red} side by side")

    assert set(await search(committed, f"{red} {blue}")) == {both["slug"]}
    assert set(await search(committed, f"{red} OR {blue}")) == {
        both["slug"],
        only_red["slug"],
        phrase["slug"],
    }
    assert set(await search(committed, f"{red} -{blue}")) == {only_red["slug"], phrase["slug"]}
    assert set(await search(committed, f'"{green} {red}"')) == {phrase["slug"]}
    assert await search(committed, f'"{red} {green}"') == []


async def test_a_stray_or_is_ignored_never_a_word_to_find(committed: httpx.AsyncClient) -> None:
    alice = await author(committed)
    red, blue, green = word(), word(), word()
    both = await create(committed, alice, body=f"{red} next to {blue}")
    only_red = await create(committed, alice, body=f"just {red}")
    only_blue = await create(committed, alice, body=f"just {blue}")
    red_green = await create(committed, alice, body=f"{red} beside {green}")
    red_or = await create(committed, alice, body=f"{red} or else")
    slugs = {
        "both": both["slug"],
        "red": only_red["slug"],
        "blue": only_blue["slug"],
        "red green": red_green["slug"],
        "red or": red_or["slug"],
    }
    with_red = {"both", "red", "red green", "red or"}

    async def found(q: str) -> set[str]:
        response = await committed.get("/api/articles", params={"q": q, "limit": 50})
        assert response.status_code == 200, response.text
        returned = {article["slug"] for article in response.json()["articles"]}
        return {name for name, slug in slugs.items() if slug in returned}

    for q in (red, f"OR {red}", f"or {red}", f"{red} OR", f'"OR" {red}', f"{red} -or"):
        assert await found(q) == with_red, q
    assert await found(f"{red} OR OR {blue}") == with_red | {"blue"}
    assert await found(f"-{blue} OR {red}") == with_red - {"both"}
    assert await found(f"{red} OR -{blue}") == with_red - {"both"}
    assert await found(f"{red} -{green} OR {blue}") == {"both"}
    # OR binds the words on either side, then every clause is required.
    assert await found(f"{red} OR {blue} {green}") == {"red green"}
    for q in ("OR", "or", '"OR"', "- OR", f"-{blue} OR", f"OR -{blue}"):
        assert await found(q) == set(), q


async def test_exclusions_beside_stopwords_alone_do_not_find_everything_else(
    committed: httpx.AsyncClient,
) -> None:
    alice = await author(committed)
    blue = word()
    plain = await create(committed, alice, title="Plain", body="Nothing to see here.")
    await create(committed, alice, body=f"just {blue}")

    # "the" is a stopword to every database here: left with the exclusion alone, the
    # search finds nothing rather than every article lacking it.
    for q in (f"the -{blue}", f"the OR -{blue}"):
        response = await committed.get("/api/articles", params={"q": q, "limit": 50})
        assert response.status_code == 200, response.text
        assert plain["slug"] not in {a["slug"] for a in response.json()["articles"]}, q


async def test_stopwords_alone_find_nothing_and_beside_a_word_count_for_nothing(
    committed: httpx.AsyncClient,
) -> None:
    alice = await author(committed)
    term = word()
    with_term = await create(committed, alice, title="Which", body=f"The {term} of the day.")
    await create(committed, alice, title="Other", body="The end of the day and all of it.")
    for q in ("the", "The of", '"of the"', "the OR of -day"):
        assert await search(committed, q) == [], q
    assert await search(committed, f"the {term}") == [with_term["slug"]]
    assert await search(committed, f"{term} OR the") == [with_term["slug"]]


async def test_the_stopwords_sqlite_leaves_out_are_postgresqls(
    database: ScratchDatabase, async_engine: AsyncEngine
) -> None:
    if database.backend is not Backend.POSTGRESQL:
        pytest.skip("PostgreSQL's own stopwords are asked of PostgreSQL")
    indexed_anyway = text(
        "SELECT word FROM unnest(CAST(:words AS text[])) AS word"
        " WHERE to_tsvector('english', word) <> ''::tsvector"
    )
    async with async_engine.connect() as connection:
        found = await connection.scalars(indexed_anyway, {"words": sorted(ENGLISH_STOPWORDS)})
        assert found.all() == []


async def test_search_combines_with_tag_author_and_favorited(committed: httpx.AsyncClient) -> None:
    alice, bob = await author(committed, 1), await author(committed, 2)
    term = word()
    tagged = await create(committed, alice, body=term, tagList=[tag(committed, "db")])
    by_bob = await create(committed, bob, body=term)
    liked = await create(committed, alice, body=term)
    await committed.post(f"/api/articles/{liked['slug']}/favorite", headers=bob.auth)

    assert await search(committed, term, f"&tag={tag(committed, 'db')}") == [tagged["slug"]]
    assert await search(committed, term, f"&author={bob.username}") == [by_bob["slug"]]
    assert await search(committed, term, f"&favorited={bob.username}") == [liked["slug"]]
    assert len(await search(committed, term)) == 3


async def test_drafts_and_scheduled_articles_are_never_found(committed: httpx.AsyncClient) -> None:
    alice = await author(committed)
    term = word()
    published = await create(committed, alice, body=term)
    await create(committed, alice, body=term, status="draft")
    later = (utc_now() + timedelta(days=1)).isoformat()
    await create(committed, alice, body=term, publishAt=later)

    # Not even by their author: search lists published articles, like every list.
    assert await search(committed, term, headers=alice.auth) == [published["slug"]]
    assert await search(committed, term) == [published["slug"]]


async def test_the_index_follows_updates_and_deletes(
    committed: httpx.AsyncClient, async_engine: AsyncEngine
) -> None:
    alice = await author(committed)
    old, new, gone = word(), word(), word()
    article = await create(committed, alice, body=f"about {old}")
    doomed = await create(committed, alice, body=f"about {gone}")
    assert await search(committed, old) == [article["slug"]]

    response = await committed.put(
        f"/api/articles/{article['slug']}",
        json={"article": {"body": f"now about {new}"}},
        headers=alice.auth,
    )
    assert response.status_code == 200
    assert await search(committed, old) == []
    assert await search(committed, new) == [article["slug"]]

    response = await committed.delete(f"/api/articles/{doomed['slug']}", headers=alice.auth)
    assert response.status_code == 204
    assert await search(committed, gone) == []

    # Articles that go with their author (ON DELETE CASCADE) leave the index too.
    async with async_engine.begin() as connection:
        await delete_where(connection, User.username == alice.username)
    assert await search(committed, new) == []


async def test_search_pages_follow_their_cursor(committed: httpx.AsyncClient) -> None:
    alice = await author(committed)
    term = word()
    for i in range(5):
        # More mentions, more relevance: a spread of ranks, and two equal ones.
        await create(committed, alice, title=f"Part {i}", body=" ".join([term] * (1 + i % 4)))
    everything = await search(committed, term, "&limit=50")
    assert len(everything) == 5

    walked: list[str] = []
    cursor = ""
    while True:
        response = await committed.get(f"/api/articles?q={term}&limit=2{cursor}")
        body = response.json()
        walked += [article["slug"] for article in body["articles"]]
        assert body["articlesCount"] == 5
        if body["nextCursor"] is None:
            break
        cursor = f"&cursor={body['nextCursor']}"
    assert walked == everything


async def test_a_cursor_from_another_list_is_refused(committed: httpx.AsyncClient) -> None:
    alice = await author(committed)
    term = word()
    for _ in range(2):
        await create(committed, alice, body=term)
    by_time = (await committed.get("/api/articles?limit=1")).json()["nextCursor"]
    by_rank = (await committed.get(f"/api/articles?q={term}&limit=1")).json()["nextCursor"]

    for url in (f"/api/articles?q={term}&cursor={by_time}", f"/api/articles?cursor={by_rank}"):
        response = await committed.get(url)
        assert response.status_code == 422
        assert response.json() == {"errors": {"cursor": ["belongs to another list"]}}


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', "AND OR NOT (", "*", "-", "a:b", "NEAR(x y)", "+++", "the", "'; DROP", "é"],
)
async def test_any_text_is_a_valid_search(committed: httpx.AsyncClient, q: str) -> None:
    response = await committed.get("/api/articles", params={"q": q})
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"articles", "articlesCount", "nextCursor"}


async def test_an_over_long_search_is_refused(committed: httpx.AsyncClient) -> None:
    response = await committed.get("/api/articles", params={"q": "x" * 201})
    assert response.status_code == 422
    assert "q" in response.json()["errors"]


async def test_search_costs_the_same_for_1_and_20_matches(
    committed: httpx.AsyncClient, sql: StatementLog
) -> None:
    alice, bob = await author(committed, 1), await author(committed, 2)
    term, rare = word(), word()
    for i in range(20):
        body = f"{term} {rare}" if i == 0 else term
        await create(committed, alice, body=body, tagList=[tag(committed, f"t{i}")])
    counts = []
    for q in (rare, term):
        for headers in ({}, bob.auth):
            sql.clear()
            response = await committed.get(f"/api/articles?q={q}&limit=50", headers=headers)
            assert response.status_code == 200
            counts.append((len(response.json()["articles"]), bool(headers), sql.count))
    assert [c[0] for c in counts] == [1, 1, 20, 20]
    assert counts[0][2] == counts[2][2]  # anonymous
    assert counts[1][2] == counts[3][2]  # signed in


def test_the_search_index_comes_and_goes_with_its_migration(
    fresh_database: ScratchDatabase,
) -> None:
    from sqlalchemy import create_engine

    config = migrate.alembic_config(fresh_database.url)
    engine = create_engine(fresh_database.url)

    def search_objects() -> set[str]:
        inspector = inspect(engine)
        names = {f"table {t}" for t in inspector.get_table_names()}
        names |= {f"column {c['name']}" for c in inspector.get_columns("articles")}
        names |= {f"index {i['name']}" for i in inspector.get_indexes("articles")}
        return {name for name in names if is_search_object(*name.split(" ", 1))}

    try:
        migrate.upgrade(config)
        assert search_objects()
        migrate.downgrade(config, "0001")
        assert search_objects() == set()
        migrate.upgrade(config)
        assert search_objects()
        with engine.connect() as connection:
            assert connection.scalar(select(1)) == 1
    finally:
        engine.dispose()


def test_reader_syntax_is_rewritten_from_words_only() -> None:
    query = parse('"lazy  dog" cat OR "" mouse -rat (x)')
    assert to_fts5(query) == '("lazy dog") AND ("cat" OR "mouse") AND ("x") NOT "rat"'
    # InnoDB indexes neither stopwords nor words under three letters.
    assert to_innodb_boolean(query) == '+"lazy dog" +(cat mouse) -rat'
    assert to_innodb_boolean(parse("the to be")) == ""
    assert parse('-only "!!!"').is_empty
