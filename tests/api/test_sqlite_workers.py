"""The embedded SQLite database behind several server workers: concurrent writers through
``pressroom serve --workers 2`` never see ``database is locked``, because every write
transaction takes the write lock when it begins and waits its turn for it (within
``PRESSROOM_SQLITE_BUSY_TIMEOUT_MS``).

The documented load: 2 workers, 32 clients writing at once, 10 writes each.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import PASSWORD
from tests.served import served

pytestmark = pytest.mark.backend("sqlite")

WORKERS = 2
CLIENTS = 32
WRITES_EACH = 10


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with served(tmp_path, workers=WORKERS) as base:
        yield base
    assert "database is locked" not in (tmp_path / "server.log").read_text()


async def test_concurrent_writers_through_two_workers_never_meet_a_locked_database(
    server: str,
) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=60) as client:
        tokens = []
        for n in range(CLIENTS):
            user = {
                "username": f"writer{n}",
                "email": f"writer{n}@example.org",
                "password": PASSWORD,
            }
            response = await client.post("/api/users", json={"user": user})
            assert response.status_code == 201, response.text
            tokens.append({"Authorization": f"Token {response.json()['user']['token']}"})
        statuses: Counter[int] = Counter()

        async def write(headers: dict[str, str], n: int) -> None:
            for i in range(WRITES_EACH):
                article = {"title": f"w{n} {i}", "description": "d", "body": "b", "tagList": ["t"]}
                created = await client.post(
                    "/api/articles", headers=headers, json={"article": article}
                )
                statuses[created.status_code] += 1
                if created.status_code == 201:
                    slug = created.json()["article"]["slug"]
                    favorited = await client.post(f"/api/articles/{slug}/favorite", headers=headers)
                    statuses[favorited.status_code] += 1

        await asyncio.gather(*(write(headers, n) for n, headers in enumerate(tokens)))
        total = (await client.get("/api/articles?limit=1")).json()["articlesCount"]

    assert statuses == Counter({201: CLIENTS * WRITES_EACH, 200: CLIENTS * WRITES_EACH})
    assert total == CLIENTS * WRITES_EACH
