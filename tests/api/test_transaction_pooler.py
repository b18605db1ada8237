"""Behind PgBouncer in transaction mode (``PRESSROOM_TRANSACTION_POOLER``): the CLI migrates
and seeds through it, and ``pressroom serve`` with two workers serves concurrent writers
and readers through it, every answer right and every count exact.

The pooler is a real one (see ``tests.throwaway_postgres``) with two server connections
for many clients, so a client's consecutive transactions land on server connections where
its earlier statements were never prepared, or where a statement of the other worker
already took the name it would give its own.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from pressroom.cli import app as cli
from pressroom.config import get_settings
from pressroom.db.urls import sync_url
from pressroom.models import Article, Comment, favorites
from tests.api.conftest import TEST_SECRET, Account, register
from tests.served import served
from tests.throwaway_postgres import CannotRun, ThrowawayPgBouncer, ThrowawayPostgres, give_up

pytestmark = pytest.mark.backend("postgresql")

WORKERS = 2  # server processes, each with its own pools and its own statement names
CLIENTS = 8  # against the pooler's two server connections
ARTICLES_EACH = 3
SEEDED_ARTICLES = 40


@pytest.fixture
def pooler() -> Iterator[tuple[ThrowawayPostgres, ThrowawayPgBouncer]]:
    postgres = bouncer = None
    try:
        postgres = ThrowawayPostgres()
        postgres.start()
        bouncer = ThrowawayPgBouncer(postgres, server_connections=2)
        bouncer.start()
    except CannotRun as exc:
        give_up("PostgreSQL behind PgBouncer", exc, bouncer, postgres)
    try:
        yield postgres, bouncer
    finally:
        bouncer.remove()
        postgres.remove()


def _cli_through(bouncer: ThrowawayPgBouncer, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PRESSROOM_DATABASE_URL", bouncer.url())
    monkeypatch.setenv("PRESSROOM_TRANSACTION_POOLER", "true")
    monkeypatch.setenv("PRESSROOM_JWT_SECRET", TEST_SECRET)
    get_settings.cache_clear()
    return CliRunner()


async def test_migrations_seed_and_concurrent_requests_through_a_transaction_pooler(
    pooler: tuple[ThrowawayPostgres, ThrowawayPgBouncer],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    postgres, bouncer = pooler
    runner = _cli_through(bouncer, monkeypatch)
    try:
        upgraded = runner.invoke(cli, ["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        plan = ["--users", "10", "--articles", str(SEEDED_ARTICLES), "--comments", "200"]
        plan += ["--tags", "8", "--follows", "20", "--favorites", "100"]
        seeded = runner.invoke(cli, ["seed", *plan])
        assert seeded.exit_code == 0, seeded.output
    finally:
        monkeypatch.undo()  # the server below gets its settings of its own
        get_settings.cache_clear()

    statuses: Counter[int] = Counter()
    favorited: list[str] = []  # the slug of each favorite the API acknowledged
    commented: list[str] = []  # and of each comment

    async def client_session(client: httpx.AsyncClient, number: int) -> None:
        account: Account = await register(client, f"pooled{number}")
        for each in range(ARTICLES_EACH):
            article: dict[str, object] = {
                "title": f"Pooled {number} {each}",
                "description": "d",
                "body": "*b*",
            }
            article |= {"tagList": ["pooled", f"client{number}"]}
            written = await client.post(
                "/api/articles", headers=account.auth, json={"article": article}
            )
            statuses[written.status_code] += 1
        page = await client.get("/api/articles?limit=10&tag=pooled")
        statuses[page.status_code] += 1
        for listed in page.json()["articles"]:
            slug = listed["slug"]
            for path in (f"/api/articles/{slug}", f"/api/articles/{slug}/comments"):
                statuses[(await client.get(path, headers=account.auth)).status_code] += 1
            liked = await client.post(f"/api/articles/{slug}/favorite", headers=account.auth)
            statuses[liked.status_code] += 1
            if liked.status_code == 200:
                favorited.append(slug)
            comment = {"comment": {"body": f"from client {number}"}}
            said = await client.post(
                f"/api/articles/{slug}/comments", headers=account.auth, json=comment
            )
            statuses[said.status_code] += 1
            if said.status_code == 201:
                commented.append(slug)
        for path in ("/api/articles/feed", "/api/tags", f"/api/profiles/{account.username}"):
            statuses[(await client.get(path, headers=account.auth)).status_code] += 1

    pooler_settings = {"database_url": bouncer.url(), "transaction_pooler": "true"}
    with served(tmp_path, workers=WORKERS, jwt_secret=TEST_SECRET, **pooler_settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await asyncio.gather(*(client_session(client, number) for number in range(CLIENTS)))
            pooled = (await client.get("/api/articles?tag=pooled&limit=100")).json()

    assert set(statuses) <= {200, 201}, statuses
    assert pooled["articlesCount"] == CLIENTS * ARTICLES_EACH
    # Every favorite the API acknowledged is counted where the API reports it.
    by_slug = Counter(favorited)
    for article in pooled["articles"]:
        assert article["favoritesCount"] == by_slug[article["slug"]], article["slug"]

    engine = create_engine(sync_url(postgres.url))  # straight to PostgreSQL
    try:
        with engine.connect() as connection:
            articles = connection.scalar(select(func.count()).select_from(Article))
            comments = connection.scalar(
                select(func.count()).select_from(Comment).where(Comment.body.like("from client %"))
            )
            pooled_slugs = [article["slug"] for article in pooled["articles"]]
            liked = connection.scalar(
                select(func.count())
                .select_from(favorites)
                .join(Article, Article.id == favorites.c.article_id)
                .where(Article.slug.in_(pooled_slugs))
            )
    finally:
        engine.dispose()
    assert articles == SEEDED_ARTICLES + CLIENTS * ARTICLES_EACH
    assert comments == len(commented)
    assert liked == len(favorited)
