"""The request's unit of work, as a FastAPI dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Concatenate

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pressroom.db.rows import Answer, Arguments, Reads
from pressroom.db.session import RequestSessions

# Methods that never change anything: their sessions skip the transaction round trips.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@asynccontextmanager
async def _read_only(sessions: RequestSessions, request: Request) -> AsyncIterator[AsyncSession]:
    async with sessions.read() as session:
        yield session
        if session.new or session.dirty or session.deleted:
            raise RuntimeError(f"{request.method} {request.url.path} changed data")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: committed before the response is sent, rolled back on error.

    A read gets a session without a transaction, and may not change anything through it.
    """
    sessions: RequestSessions = request.app.state.sessions
    if request.method in READ_METHODS:
        async with _read_only(sessions, request) as session:
            yield session
        return
    async with sessions.write() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# scope="function" runs the commit when the endpoint returns, before the reply goes out:
# a failed commit becomes an error response instead of a 200 for lost work.
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def on_read_connection(
    request: Request,
    read: Callable[Concatenate[Reads, Arguments], Answer],
    *args: Arguments.args,
    **kwargs: Arguments.kwargs,
) -> Answer:
    """``read`` on a read's connection, for the public reads (``pressroom.users.deps.reading``):
    in autocommit on the read engine, for Core statements, with no session around it."""
    sessions: RequestSessions = request.app.state.sessions
    return await sessions.on_read_connection(read, *args, **kwargs)


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A read session for a request that also writes: for the reads that must not hold the
    write transaction open while they take their time (verifying a password). Close it
    before writing, so the request never holds two connections."""
    async with _read_only(request.app.state.sessions, request) as session:
        yield session


ReadSession = Annotated[AsyncSession, Depends(get_read_session, scope="function")]
