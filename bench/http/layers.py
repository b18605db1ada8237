"""Where a request's CPU goes, layer by layer: the driver, SQLAlchemy's engine and session,
the framework, and whole endpoints, all called in-process (no socket, no load generator).

Each figure is the CPU time of this process per operation (``time.process_time``), over
a fixed window per layer, in interleaved rounds; the table shows medians. Run it with
``python bench/http/layers.py`` (a throwaway PostgreSQL database, seeded with the standard
data set, is created and dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable

import asyncpg
import stack
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.util import greenlet_spawn

Operation = Callable[[], Awaitable[object]]
# Anonymous reads, as in S2, and a page of S1.
ENDPOINTS = ["/healthz", "/api/tags", "/api/articles/{slug}", "/api/articles/{slug}/comments"]
ENDPOINTS += ["/api/profiles/{username}", "/api/articles?limit=10&offset=100"]


async def request(
    app: Callable[..., Awaitable[None]],
    method: str,
    path: str,
    token: str | None = None,
    payload: object = None,
) -> tuple[int, bytes]:
    """One request through the ASGI app, as uvicorn would hand it over: its status and
    body. With ``token``, as the user it names; with ``payload``, that as a JSON body."""
    route, _, query = path.partition("?")
    headers = [(b"host", b"bench"), (b"accept", b"application/json")]
    if token is not None:
        headers.append((b"authorization", f"Token {token}".encode()))
    content = b"" if payload is None else json.dumps(payload).encode()
    if payload is not None:
        headers.append((b"content-type", b"application/json"))
        headers.append((b"content-length", str(len(content)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 80),
    }
    status = 0
    body: list[bytes] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": content, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])  # type: ignore[call-overload]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))  # type: ignore[arg-type]

    await app(scope, receive, send)
    return status, b"".join(body)


async def get(
    app: Callable[..., Awaitable[None]], path: str, token: str | None = None
) -> tuple[int, bytes]:
    """One GET through the ASGI app: its status and body."""
    return await request(app, "GET", path, token)


async def call(app: Callable[..., Awaitable[None]], path: str, token: str | None = None) -> int:
    """One GET through the ASGI app; its status."""
    return (await get(app, path, token))[0]


async def _cpu_ms(operation: Operation, seconds: float) -> float:
    for _ in range(50):
        await operation()
    count = 0
    started_cpu, started = time.process_time(), time.perf_counter()
    while time.perf_counter() - started < seconds:
        await operation()
        count += 1
    return (time.process_time() - started_cpu) / count * 1000


async def measure(url: str, rounds: int, seconds: float) -> dict[str, float]:
    from pressroom.app import create_served_app
    from pressroom.config import get_settings
    from pressroom.db.engine import create_async_read_engine
    from pressroom.db.session import make_async_sessionmaker

    sync_url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
    pool = await asyncpg.create_pool(url, min_size=2, max_size=2)
    bare = create_async_engine(sync_url, pool_size=2)
    ours = create_async_read_engine(get_settings())
    sessions = make_async_sessionmaker(ours)
    async with pool.acquire() as connection:
        # A typical published article for S2: the median number of comments.
        row = await connection.fetchrow(
            "SELECT a.slug, u.username, count(c.id) AS comments FROM articles a"
            " JOIN users u ON u.id = a.author_id LEFT JOIN comments c ON c.article_id = a.id"
            " WHERE a.published_at < now() GROUP BY a.id, u.username"
            " ORDER BY count(c.id), a.id OFFSET (SELECT count(*) / 2 FROM articles"
            " WHERE published_at < now()) LIMIT 1"
        )
    assert row is not None
    names = {"slug": row["slug"], "username": row["username"]}
    print(f"a typical article: {row['comments']} comments")

    async def driver() -> object:
        async with pool.acquire() as connection:
            return await connection.fetchval("SELECT 1")

    async def engine(target: object) -> object:
        async with target.connect() as connection:  # type: ignore[attr-defined]
            return (await connection.execute(text("SELECT 1"))).scalar()

    def checkout_and_select(target: Engine) -> object:
        with target.connect() as connection:
            return connection.execute(text("SELECT 1")).scalar()

    async def one_greenlet(target: object) -> object:
        # What AsyncConnection does in three greenlets (connect, execute, close), and a
        # task that shields the close, done in one: the sync engine under the async one.
        sync_engine = target.sync_engine  # type: ignore[attr-defined]
        return await greenlet_spawn(checkout_and_select, sync_engine)

    async def session() -> object:
        async with sessions() as current:
            return (await current.execute(text("SELECT 1"))).scalar()

    app = create_served_app()  # as a worker runs it: its heap settled once started
    layers: dict[str, Operation] = {
        "asyncpg pool: acquire, SELECT 1": driver,
        "SQLAlchemy engine, no pre-ping: connect, SELECT 1": lambda: engine(bare),
        "SQLAlchemy engine as configured (pre-ping): connect, SELECT 1": lambda: engine(ours),
        "the same, checkout to close in one greenlet": lambda: one_greenlet(ours),
        "AsyncSession as configured: SELECT 1": session,
    }
    for endpoint in ENDPOINTS:
        path = endpoint.format(**names)
        layers[f"app, in-process: GET {endpoint}"] = lambda path=path: call(app, path)
    figures: dict[str, list[float]] = {name: [] for name in layers}
    async with app.router.lifespan_context(app):
        for name, operation in layers.items():
            if name.startswith("app"):
                assert await operation() == 200, name
        for _ in range(rounds):
            for name, operation in layers.items():
                figures[name].append(await _cpu_ms(operation, seconds))
    await pool.close()
    await bare.dispose()
    await ours.dispose()
    return {name: statistics.median(values) for name, values in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0, help="window per layer and round")
    options = parser.parse_args()
    with stack.database("pressroom_bench_layers") as url:
        env = stack.pressroom_env(url)
        print("seeding pressroom_bench_layers (the standard data set)")
        stack.seed(env)
        os.environ.update(env)
        figures = asyncio.run(measure(url, options.rounds, options.seconds))
    width = max(len(name) for name in figures)
    print(f"\nCPU per operation, medians of {options.rounds} rounds of {options.seconds:g} s")
    for name, value in figures.items():
        print(f"  {name:<{width}}  {value:6.3f} ms")


if __name__ == "__main__":
    main()
