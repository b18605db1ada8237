"""Favorites, follows and comments under real concurrency (and an account deleted amid
them): fifty readers at once, through the real app, each request committing on a
connection of its own.

Every reader favorites and unfavorites one article (and follows and unfollows its author)
in a random order, and sends its first change twice at the same moment. Afterwards the
stored rows, ``favoritesCount`` and every reader's flags must be exactly what each
reader's last request asked for, and no request may fail: a deadlock or a duplicate key
would answer 500.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from pressroom.accounts import service as accounts
from pressroom.db.engine import create_sync_engine
from pressroom.db.session import make_sync_sessionmaker, transaction
from pressroom.models import Tag, User, favorites, follows
from tests.api.conftest import LIVE_PREFIX, Account, register
from tests.api.test_articles import create
from tests.conftest import settings_for
from tests.counts import wrong_counts_async
from tests.databases import ScratchDatabase

READERS = 50
CHANGES_EACH = 6

Request = Callable[[], Awaitable[httpx.Response]]


async def _readers(live: httpx.AsyncClient, tag: str) -> list[Account]:
    return list(
        await asyncio.gather(
            *(register(live, f"{LIVE_PREFIX}{tag}r{n}x{id(live) % 10000}") for n in range(READERS))
        )
    )


async def _run_everyone(plans: list[list[Request]]) -> Counter[int]:
    """Each reader's requests in order, all readers at once; the first one sent twice."""

    async def one_reader(plan: list[Request]) -> list[int]:
        first = await asyncio.gather(plan[0](), plan[0]())
        rest = [await request() for request in plan[1:]]
        return [response.status_code for response in [*first, *rest]]

    statuses: Counter[int] = Counter()
    for codes in await asyncio.gather(*(one_reader(plan) for plan in plans)):
        statuses.update(codes)
    return statuses


def _toggling(
    live: httpx.AsyncClient, readers: list[Account], path: str, *, seed: int
) -> tuple[list[list[Request]], set[str]]:
    """Each reader's random run of POSTs (on) and DELETEs (off) to ``path``; and who ends on."""
    rng = random.Random(seed)
    plans, ends_on = [], set()
    for reader in readers:
        choices = [rng.choice(["POST", "DELETE"]) for _ in range(CHANGES_EACH)]
        plans.append(
            [
                lambda method=method, auth=reader.auth: live.request(method, path, headers=auth)
                for method in choices
            ]
        )
        if choices[-1] == "POST":
            ends_on.add(reader.username)
    return plans, ends_on


async def test_favorites_count_is_exact_after_any_interleaving(
    live: httpx.AsyncClient, async_engine: AsyncEngine
) -> None:
    author = await register(live, f"{LIVE_PREFIX}author{id(live) % 10000}")
    slug = (await create(live, author, title="Fifty readers"))["slug"]
    readers = await _readers(live, "fav")
    plans, wanted = _toggling(live, readers, f"/api/articles/{slug}/favorite", seed=20261124)

    statuses = await _run_everyone(plans)

    assert statuses == Counter({200: READERS * (CHANGES_EACH + 1)})
    article = (await live.get(f"/api/articles/{slug}")).json()["article"]
    assert article["favoritesCount"] == len(wanted)
    async with async_engine.connect() as connection:
        stored = await connection.scalars(
            select(User.username).join(favorites, favorites.c.user_id == User.id)
        )
        assert {name for name in stored if name.startswith(LIVE_PREFIX)} == wanted
        assert await wrong_counts_async(connection) == []
    for reader in readers[:5]:
        seen = await live.get(f"/api/articles/{slug}", headers=reader.auth)
        assert seen.json()["article"]["favorited"] == (reader.username in wanted)


async def test_follows_are_exact_after_any_interleaving(
    live: httpx.AsyncClient, async_engine: AsyncEngine
) -> None:
    author = await register(live, f"{LIVE_PREFIX}followed{id(live) % 10000}")
    readers = await _readers(live, "fol")
    path = f"/api/profiles/{author.username}/follow"
    plans, wanted = _toggling(live, readers, path, seed=11242026)

    statuses = await _run_everyone(plans)

    assert statuses == Counter({200: READERS * (CHANGES_EACH + 1)})
    async with async_engine.connect() as connection:
        followers = await connection.scalar(
            select(func.count())
            .select_from(follows)
            .join(User, User.id == follows.c.followee_id)
            .where(User.username == author.username)
        )
    assert followers == len(wanted)
    for reader in readers:
        profile = await live.get(f"/api/profiles/{author.username}", headers=reader.auth)
        assert profile.json()["profile"]["following"] == (reader.username in wanted)


async def test_concurrent_comments_are_all_kept(live: httpx.AsyncClient) -> None:
    author = await register(live, f"{LIVE_PREFIX}commented{id(live) % 10000}")
    slug = (await create(live, author, title="Fifty commenters"))["slug"]
    readers = await _readers(live, "com")
    plans = [
        [
            lambda n=n, auth=reader.auth: live.post(
                f"/api/articles/{slug}/comments",
                headers=auth,
                json={"comment": {"body": f"comment {n}"}},
            )
            for n in range(3)
        ]
        for reader in readers
    ]

    statuses = await _run_everyone(plans)

    # Each reader's first comment was sent twice at once: both are comments, both kept.
    assert statuses == Counter({201: READERS * 4})
    comments = (await live.get(f"/api/articles/{slug}/comments")).json()["comments"]
    assert len(comments) == READERS * 4
    assert len({comment["id"] for comment in comments}) == READERS * 4


async def test_deleting_an_account_amid_favorites_keeps_every_count_exact(
    live: httpx.AsyncClient, async_engine: AsyncEngine, database: ScratchDatabase
) -> None:
    """The operator deletes a reader (``pressroom user delete``, on the sync engine) while
    everyone favorites and unfavorites her articles and the ones she favorited, and she
    does too."""
    tag = f"x{id(live) % 10000}"
    author = await register(live, f"{LIVE_PREFIX}author{tag}")
    leaving = await register(live, f"{LIVE_PREFIX}leaving{tag}")
    kept, gone = f"{LIVE_PREFIX}kept{tag}", f"{LIVE_PREFIX}gone{tag}"  # this test's tags
    theirs = [
        (await create(live, author, title=f"Kept {n}", tagList=[kept]))["slug"] for n in range(3)
    ]
    hers = [
        (await create(live, leaving, title=f"Gone {n}", tagList=[kept, gone]))["slug"]
        for n in range(2)
    ]
    for slug in theirs:
        await live.post(f"/api/articles/{slug}/favorite", headers=leaving.auth)
    readers = (await _readers(live, "del"))[:20]
    plans: list[list[Request]] = []
    for n, reader in enumerate([*readers, leaving]):
        plan, _ = _toggling(
            live, [reader], f"/api/articles/{(theirs + hers)[n % 5]}/favorite", seed=n
        )
        plans.extend(plan)

    engine = create_sync_engine(settings_for(database))

    def delete_her() -> None:
        with transaction(make_sync_sessionmaker(engine), writes=True) as session:
            accounts.delete_account(session, accounts.find(session, leaving.username))

    try:
        deleting = asyncio.create_task(asyncio.to_thread(delete_her))
        statuses = await _run_everyone(plans)
        await deleting
    finally:
        engine.dispose()

    # Her own requests stop at 401 once she is gone, favorites of her articles at 404.
    assert set(statuses) <= {200, 401, 404}, statuses
    async with async_engine.connect() as connection:
        assert (
            await connection.scalar(
                select(func.count()).select_from(User).where(User.username == leaving.username)
            )
            == 0
        )
        assert await wrong_counts_async(connection) == []
    for slug in theirs:
        assert (await live.get(f"/api/articles/{slug}")).status_code == 200
    async with async_engine.begin() as connection:
        await connection.execute(delete(Tag).where(Tag.name.in_([kept, gone])))
