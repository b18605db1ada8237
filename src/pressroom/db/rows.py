"""Column reads: statements that select exactly the columns a response shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVarTuple

from sqlalchemy import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.selectable import TypedReturnsRows

Columns = TypeVarTuple("Columns")

# Where Core reads run: a read request's connection (``pressroom.users.deps.reading``),
# which needs no session since it has no unit of work, or a writing request's session,
# whose changes the read must see.
Reads = AsyncSession | AsyncConnection


async def read_rows(
    reads: Reads,
    statement: TypedReturnsRows[*Columns],
    values: Mapping[str, Any] | None = None,
) -> CursorResult[*Columns]:
    """Run a statement of columns (no entities) on a connection, or a session's connection.

    ``session.execute`` sets up the ORM's loading for every statement and copies each row
    through it: for plain columns that is CPU spent on nothing (a few percent of a list
    request, more of a wide row's). A session's connection is its own, in its transaction,
    with the same events; pending changes are flushed first, as the session would before
    a query.
    """
    if isinstance(reads, AsyncSession):
        if reads.new or reads.dirty or reads.deleted:
            await reads.flush()
        reads = await reads.connection()
    return await reads.execute(statement, values)


def dialect_of(reads: Reads) -> str:
    """The name of the database's dialect: ``postgresql``, ``sqlite``, ``mysql``..."""
    bind = reads.get_bind() if isinstance(reads, AsyncSession) else reads
    return bind.dialect.name
