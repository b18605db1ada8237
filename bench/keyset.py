"""Deep pages: is page 10,000 by cursor as fast as page 1?

Seeds a publication with ``pressroom seed``, serves it with ``pressroom serve`` and times,
over HTTP and in interleaved rounds, three requests for ten articles each:

- the first page (``/api/articles?limit=10``),
- page N by cursor (``&cursor=`` naming the last article of page N-1),
- page N by offset (``&offset=10*(N-1)``), the way the RealWorld spec pages,

then prints the median latencies and their ratios to the first page, and checks that the
cursor page and the offset page hold the same articles.

    .venv/bin/python bench/keyset.py                       # SQLite and PostgreSQL, 200,000 articles
    .venv/bin/python bench/keyset.py --articles 1000000 --backend postgresql
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select, text

from pressroom.kit.pagination import Position, encode_cursor
from pressroom.models import Article

VENV_BIN = Path(sys.executable).parent
PAGE_SIZE = 10
ADMIN_POSTGRESQL = os.environ.get(
    "PRESSROOM_BENCH_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE_NAME = "pressroom_bench_keyset"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgresql_database() -> Iterator[str]:
    admin = create_engine(ADMIN_POSTGRESQL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {DATABASE_NAME}"))
    try:
        yield ADMIN_POSTGRESQL.rsplit("/", 1)[0] + f"/{DATABASE_NAME}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="pressroom-keyset-") as folder:
        yield f"sqlite:///{folder}/bench.db"


def _pressroom(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(VENV_BIN / "pressroom"), *args], env=env, check=True)


@contextmanager
def served(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "pressroom"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(10)


def _cursor_before(url: str, page: int) -> str:
    """The cursor a client holds after reading pages 1..page-1 (read from the database)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            last = connection.execute(
                select(Article.published_at, Article.id)
                .where(Article.published_now())
                .order_by(Article.published_at.desc(), Article.id.desc())
                .offset((page - 1) * PAGE_SIZE - 1)
                .limit(1)
            ).one()
    finally:
        engine.dispose()
    return encode_cursor(Position(last.published_at, last.id))


def _time(client: httpx.Client, url: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, [article["slug"] for article in response.json()["articles"]]


def measure(backend: str, url: str, articles: int, page: int, rounds: int) -> dict[str, float]:
    env = os.environ | {
        "PRESSROOM_DATABASE_URL": url,
        "PRESSROOM_JWT_SECRET": "bench-" + "x" * 40,
        "PRESSROOM_LOG_LEVEL": "WARNING",
        "PRESSROOM_SLOW_QUERY_MS": "60000",  # seeding runs large batches on purpose
    }
    _pressroom(env, "db", "upgrade")
    started = time.perf_counter()
    users = max(50, articles // 100)
    _pressroom(env, "seed", "--users", str(users), "--articles", str(articles), "--comments", "0")
    print(f"{backend}: seeded {articles:,} articles in {time.perf_counter() - started:.0f} s")
    cursor = _cursor_before(url, page)
    requests = {
        "first page": "/api/articles?limit=10",
        f"page {page:,} by cursor": f"/api/articles?limit=10&cursor={cursor}",
        f"page {page:,} by offset": f"/api/articles?limit=10&offset={(page - 1) * PAGE_SIZE}",
    }
    timings: dict[str, list[float]] = {name: [] for name in requests}
    with served(env) as base, httpx.Client(base_url=base, timeout=60) as client:
        by_cursor = _time(client, requests[f"page {page:,} by cursor"])[1]
        by_offset = _time(client, requests[f"page {page:,} by offset"])[1]
        if by_cursor != by_offset or len(by_cursor) != PAGE_SIZE:
            raise RuntimeError(f"the cursor page and the offset page differ on {backend}")
        for path in requests.values():  # warm up
            _time(client, path)
        for _ in range(rounds):
            for name, path in requests.items():
                timings[name].append(_time(client, path)[0])
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--page", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    options = parser.parse_args()
    needed = options.page * PAGE_SIZE
    if options.articles * 0.8 < needed:
        parser.error(f"page {options.page} needs about {needed / 0.8:,.0f} articles")

    databases = {"sqlite": sqlite_database, "postgresql": postgresql_database}
    chosen = list(databases) if options.backend == "both" else [options.backend]
    results = {}
    for backend in chosen:
        with databases[backend]() as url:
            results[backend] = measure(backend, url, options.articles, options.page, options.rounds)

    print(f"\nmedian latency over {options.rounds} interleaved rounds, {PAGE_SIZE} articles a page")
    print(f"{'database':<12}{'request':<26}{'ms':>9}{'x first page':>14}")
    for backend, figures in results.items():
        first = figures["first page"]
        for name, ms in figures.items():
            print(f"{backend:<12}{name:<26}{ms:>9.2f}{ms / first:>14.2f}")


if __name__ == "__main__":
    main()
