"""Sessionmakers and the unit of work for the CLI and jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Concatenate

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.util import greenlet_spawn

from pressroom.db.rows import Answer, Arguments, Reads, read_in


def make_sync_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for the sync engine; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def make_async_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for the async engine; objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@dataclass(frozen=True)
class RequestSessions:
    """Where a web request's session comes from: writes get a transaction, reads need none.

    Reads may come from another engine than writes (see ``create_async_read_engine``): a
    page and its total may then see snapshots a moment apart, and nothing a read does is
    written, so nothing can be half-written.
    """

    write: async_sessionmaker[AsyncSession]
    read: async_sessionmaker[AsyncSession]
    # The public reads run on a connection of their own, without a session; with none
    # (a test's shared transaction), on the connection of a read session.
    read_engine: AsyncEngine | None = None

    @classmethod
    def on(cls, engine: AsyncEngine, read_engine: AsyncEngine | None = None) -> RequestSessions:
        reads = read_engine or engine
        return cls(make_async_sessionmaker(engine), make_async_sessionmaker(reads), reads)

    @classmethod
    def shared(cls, factory: async_sessionmaker[AsyncSession]) -> RequestSessions:
        """Reads and writes from one sessionmaker, e.g. one joined to a test's transaction."""
        return cls(factory, factory)

    async def on_read_connection(
        self,
        read: Callable[Concatenate[Reads, Arguments], Answer],
        *args: Arguments.args,
        **kwargs: Arguments.kwargs,
    ) -> Answer:
        """``read`` on a read's connection, in autocommit on the read engine (Core
        statements only); with no read engine, on a read session's connection.

        The connection is checked out (pinged), used and closed in one greenlet, through
        ``greenlet_spawn``, the bridge SQLAlchemy's asyncio extension itself is built on:
        ``AsyncConnection`` takes a greenlet for each step (connect, each statement,
        close) and a task to shield its close, which cost a one-statement read a fifth of
        its CPU (``bench/http/layers.py``). A cancelled request closes the connection in
        the same greenlet on its way out, before the cancellation reaches the endpoint: a
        statement cut short invalidates its connection, and the pool opens a new one in
        its place.
        """
        if self.read_engine is None:
            async with self.read() as session:
                return await read_in(session, read, *args, **kwargs)
        engine = self.read_engine.sync_engine

        def on_a_connection() -> Answer:
            with engine.connect() as connection:
                return read(connection, *args, **kwargs)

        return await greenlet_spawn(on_a_connection)


# The execution option a unit of work that is going to write begins with: on SQLite it
# begins IMMEDIATE, taking the write lock (or waiting its turn for it) before it reads.
# A deferred transaction that reads and then writes fails at once when another writer
# committed in between, since its snapshot is stale. Server databases ignore it.
WRITES = "pressroom_writes"


@contextmanager
def transaction(factory: sessionmaker[Session], *, writes: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close.

    ``writes`` says that it is going to write (see ``WRITES``); a read-only one, such as
    an export, never holds SQLite's write lock and so never holds up the web app's writes.
    """
    with factory() as session:
        try:
            if writes:
                session.connection(execution_options={WRITES: True})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@asynccontextmanager
async def async_transaction(
    factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """The async twin of :func:`transaction`, for background jobs in the web process."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
