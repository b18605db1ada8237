"""The stack's floor: the floor's statements, served through FastAPI and SQLAlchemy.

The same answers as ``floor.py``, from the same hand-written statements (PostgreSQL writes
the JSON), but on the stack pressroom is built on and with the practices it keeps: FastAPI
routes with validated parameters, and every statement on a connection of a SQLAlchemy
``AsyncEngine`` set up as pressroom's read engine (asyncpg, autocommit, ``pool_pre_ping``,
a sized pool), its heap settled as a pressroom worker's is. No middleware, no ORM, no
product code beyond the floor's.

Its CPU per request above the floor's is what the stack itself costs; pressroom's above
it is what pressroom adds (validation, visibility, per-viewer flags, middleware).

    FLOOR_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/db \\
        .venv/bin/uvicorn stack_floor:app --app-dir bench/http --loop uvloop --http httptools
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Response
from floor import PAGE_DEFAULT, PAGE_MAX, Answers, rendered_bodies
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from stack import POOL_SIZE  # pressroom's pool under the harness, with no overflow

from pressroom.kit import heap


class EngineDatabase:
    """The floor's three reads, each on a pooled connection of a SQLAlchemy engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def fetch(self, sql: str, *args: Any) -> Sequence[Sequence[Any]]:
        async with self.engine.connect() as connection:
            return (await connection.exec_driver_sql(sql, args)).all()

    async def fetchrow(self, sql: str, *args: Any) -> Sequence[Any] | None:
        async with self.engine.connect() as connection:
            return (await connection.exec_driver_sql(sql, args)).first()

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.exec_driver_sql(sql, args)).scalar()


answers: Answers | None = None


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    global answers
    url = os.environ["FLOOR_DATABASE_URL"].replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_async_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=0,
    )
    database = EngineDatabase(engine)
    answers = Answers(database, await rendered_bodies(database))
    heap.settle_after_start_up()  # as ``pressroom serve`` settles each worker's
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


def _json(answer: tuple[int, bytes]) -> Response:
    status, body = answer
    return Response(body, status_code=status, media_type="application/json")


def _answers() -> Answers:
    assert answers is not None
    return answers


@app.get("/api/articles")
async def articles(
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = PAGE_DEFAULT,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    return _json(await _answers().articles(limit, offset))


@app.get("/api/articles/{slug}")
async def article(slug: Annotated[str, Path(max_length=255)]) -> Response:
    return _json(await _answers().article(slug))


@app.get("/api/articles/{slug}/comments")
async def comments(slug: Annotated[str, Path(max_length=255)]) -> Response:
    return _json(await _answers().comments(slug))


@app.get("/api/profiles/{username}")
async def profile(username: Annotated[str, Path(max_length=255)]) -> Response:
    return _json(await _answers().profile(username))


@app.get("/api/tags")
async def tags() -> Response:
    return _json(await _answers().tags())


@app.get("/api/health")
async def health() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")
