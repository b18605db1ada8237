"""Column reads: statements that select exactly the columns a response shows.

A read is a plain function of a sync :class:`~sqlalchemy.Connection`, the same whether it
serves the web app or a command. The web app runs it in one of two places:

- a public read, on a connection of the read engine, checked out, used and closed in one
  greenlet (:meth:`pressroom.db.session.RequestSessions.on_read_connection`);
- a write that presents what it wrote, on its session's own connection, in its
  transaction (:func:`read_in`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar, TypeVarTuple

from sqlalchemy import Connection, CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TypedReturnsRows

Columns = TypeVarTuple("Columns")
Arguments = ParamSpec("Arguments")
Answer = TypeVar("Answer")

Reads = Connection


def read_rows(
    reads: Reads,
    statement: TypedReturnsRows[*Columns],
    values: Mapping[str, Any] | None = None,
) -> CursorResult[*Columns]:
    """Run a statement of columns (no entities) on a connection.

    Not through a session: ``session.execute`` sets up the ORM's loading for every
    statement and copies each row through it, which for plain columns is CPU spent on
    nothing (a few percent of a list request, more of a wide row's).
    """
    return reads.execute(statement, values)


def dialect_of(reads: Reads) -> str:
    """The name of the database's dialect: ``postgresql``, ``sqlite``, ``mysql``..."""
    return reads.dialect.name


async def read_in(
    session: AsyncSession,
    read: Callable[Concatenate[Reads, Arguments], Answer],
    *args: Arguments.args,
    **kwargs: Arguments.kwargs,
) -> Answer:
    """``read`` on the session's own connection, in its transaction: it sees what the
    session changed, flushed first as the session would before a query."""

    def on_its_connection(own: Session) -> Answer:
        if own.new or own.dirty or own.deleted:
            own.flush()
        return read(own.connection(), *args, **kwargs)

    return await session.run_sync(on_its_connection)
