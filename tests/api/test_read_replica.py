"""Reads from a read replica (``PRESSROOM_READ_DATABASE_URL``) that lags behind its primary:
a client still sees each of its writes on its very next request, because the primary's
commits wait for the replica to apply them; and a worker warns when it starts on a primary
that is not set up to wait.

The replica is a real one (see ``tests.throwaway_postgres``): a streaming standby that
applies what it receives no sooner than APPLY_DELAY_MS after the primary committed it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

from pressroom.app import create_app
from pressroom.config import Settings
from pressroom.db import migrate
from pressroom.db.urls import sync_url
from tests.api.conftest import TEST_SECRET, Account, register
from tests.throwaway_postgres import CannotRun, ThrowawayPostgres, ThrowawayStandby, give_up

pytestmark = pytest.mark.backend("postgresql")

# Far longer than a request takes here: a read that does not wait misses the write.
APPLY_DELAY_MS = 400


@pytest.fixture(scope="module")
def replicated() -> Iterator[tuple[ThrowawayPostgres, ThrowawayStandby]]:
    """A migrated primary that waits for its one standby (``*``: whichever streams)."""
    primary = standby = None
    try:
        primary = ThrowawayPostgres()
        primary.start()
        primary.configure(synchronous_standby_names="*")
        standby = ThrowawayStandby(primary, apply_delay_ms=APPLY_DELAY_MS)
        standby.start()
    except CannotRun as exc:
        give_up("a PostgreSQL standby", exc, standby, primary)
    try:
        migrate.upgrade(migrate.alembic_config(sync_url(primary.url)))
        standby.caught_up()
        yield primary, standby
    finally:
        standby.remove()
        primary.remove()


@pytest.fixture
def primary_engine(replicated: tuple[ThrowawayPostgres, ThrowawayStandby]) -> Iterator[Engine]:
    engine = create_engine(sync_url(replicated[0].url))
    yield engine
    engine.dispose()


def _settings(
    replicated: tuple[ThrowawayPostgres, ThrowawayStandby], **overrides: object
) -> Settings:
    primary, standby = replicated
    return Settings(
        database_url=primary.url,
        read_database_url=standby.url,
        jwt_secret=TEST_SECRET,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
async def client(
    replicated: tuple[ThrowawayPostgres, ThrowawayStandby],
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(_settings(replicated))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield client


def test_the_standby_lags_behind_a_commit_that_does_not_wait(
    replicated: tuple[ThrowawayPostgres, ThrowawayStandby], primary_engine: Engine
) -> None:
    """The set-up the next test relies on: a read on the standby misses a fresh write, until
    the standby applies it."""
    with primary_engine.begin() as primary:
        primary.execute(text("SET LOCAL synchronous_commit = local"))
        name = primary.scalar(text("SELECT 'lag-' || txid_current()"))
        primary.execute(text("INSERT INTO tags (name) VALUES (:name)"), {"name": name})
    standby = create_engine(sync_url(replicated[1].url))
    counted = text("SELECT count(*) FROM tags WHERE name = :name")
    try:
        with standby.connect() as replica:
            at_once = replica.scalar(counted, {"name": name})
        replicated[1].caught_up()
        with standby.connect() as replica:
            later = replica.scalar(counted, {"name": name})
    finally:
        standby.dispose()
    assert (at_once, later) == (0, 1)


async def test_a_client_reads_each_of_its_writes_at_once(client: httpx.AsyncClient) -> None:
    author: Account = await register(client, "replicated_author")
    reader: Account = await register(client, "replicated_reader")

    me = await client.get("/api/user", headers=author.auth)
    assert me.status_code == 200, me.text  # the new account's token is known to the replica

    article = {"title": "Straight from the primary", "description": "d", "body": "first"}
    article |= {"tagList": ["replicated"]}
    created = await client.post("/api/articles", headers=author.auth, json={"article": article})
    assert created.status_code == 201, created.text
    slug = created.json()["article"]["slug"]
    read = await client.get(f"/api/articles/{slug}")
    assert read.status_code == 200, read.text
    listed = (await client.get("/api/articles?author=replicated_author")).json()
    assert [a["slug"] for a in listed["articles"]] == [slug]
    assert listed["articlesCount"] == 1
    assert "replicated" in (await client.get("/api/tags")).json()["tags"]

    changed = await client.put(
        f"/api/articles/{slug}", headers=author.auth, json={"article": {"body": "second"}}
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get(f"/api/articles/{slug}")).json()["article"]["body"] == "second"

    said = await client.post(
        f"/api/articles/{slug}/comments", headers=reader.auth, json={"comment": {"body": "hi"}}
    )
    assert said.status_code == 201, said.text
    comments = (await client.get(f"/api/articles/{slug}/comments")).json()["comments"]
    assert [c["body"] for c in comments] == ["hi"]

    liked = await client.post(f"/api/articles/{slug}/favorite", headers=reader.auth)
    assert liked.status_code == 200, liked.text
    seen = (await client.get(f"/api/articles/{slug}", headers=reader.auth)).json()["article"]
    assert (seen["favorited"], seen["favoritesCount"]) == (True, 1)

    followed = await client.post("/api/profiles/replicated_author/follow", headers=reader.auth)
    assert followed.status_code == 200, followed.text
    feed = (await client.get("/api/articles/feed", headers=reader.auth)).json()
    assert [a["slug"] for a in feed["articles"]] == [slug]

    deleted = await client.delete(f"/api/articles/{slug}", headers=author.auth)
    assert deleted.status_code in (200, 204), deleted.text
    assert (await client.get(f"/api/articles/{slug}")).status_code == 404


async def _start_up_warnings(settings: Settings, caplog: pytest.LogCaptureFixture) -> list[str]:
    app = create_app(settings)
    with caplog.at_level(logging.WARNING, logger="pressroom.db.replicas"):
        async with app.router.lifespan_context(app):
            pass
    return [r.getMessage() for r in caplog.records if r.name == "pressroom.db.replicas"]


async def test_a_worker_started_as_it_should_be_does_not_warn(
    replicated: tuple[ThrowawayPostgres, ThrowawayStandby], caplog: pytest.LogCaptureFixture
) -> None:
    assert await _start_up_warnings(_settings(replicated), caplog) == []


async def test_a_worker_warns_when_its_commits_would_not_wait_for_the_replica(
    replicated: tuple[ThrowawayPostgres, ThrowawayStandby], caplog: pytest.LogCaptureFixture
) -> None:
    # Behind a transaction pooler pressroom cannot ask for remote_apply itself: the role
    # must, and here it does not.
    warnings = await _start_up_warnings(_settings(replicated, transaction_pooler=True), caplog)
    assert len(warnings) == 1
    assert "synchronous_commit = on" in warnings[0]
    assert "remote_apply" in warnings[0]


async def test_a_worker_warns_when_the_primary_waits_for_no_standby(
    replicated: tuple[ThrowawayPostgres, ThrowawayStandby],
    caplog: pytest.LogCaptureFixture,
) -> None:
    primary = replicated[0]
    primary.configure(synchronous_standby_names="")
    try:
        warnings = await _start_up_warnings(_settings(replicated), caplog)
    finally:
        primary.configure(synchronous_standby_names="*")
    assert len(warnings) == 1
    assert "synchronous_standby_names is empty" in warnings[0]


async def test_with_its_primary_down_a_worker_stays_ready_and_serves_reads(
    replicated: tuple[ThrowawayPostgres, ThrowawayStandby], client: httpx.AsyncClient
) -> None:
    """/readyz asks the read database: losing the primary takes writes away, not the
    worker out of the load balancer, so readers keep reading."""
    author: Account = await register(client, "primary_down_author")
    article = {"title": "Written before the outage", "description": "d", "body": "b"}
    created = await client.post("/api/articles", headers=author.auth, json={"article": article})
    assert created.status_code == 201, created.text
    slug = created.json()["article"]["slug"]
    primary, standby = replicated

    primary.stop()
    try:
        ready = await client.get("/readyz")
        read = await client.get(f"/api/articles/{slug}")
        listed = await client.get("/api/articles?author=primary_down_author")
        written = await client.post(
            "/api/articles", headers=author.auth, json={"article": article | {"title": "Lost"}}
        )
    finally:
        primary.start()
        standby.caught_up()

    assert ready.status_code == 200, ready.text
    assert read.status_code == 200, read.text
    assert [a["slug"] for a in listed.json()["articles"]] == [slug]
    assert written.status_code == 503, written.text
    assert written.json() == {"errors": {"database": ["is unavailable; try again shortly"]}}
    assert "retry-after" in written.headers
