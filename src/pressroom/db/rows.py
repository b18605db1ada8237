"""Column reads: statements that select exactly the columns a response shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVarTuple

from sqlalchemy import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import TypedReturnsRows

Columns = TypeVarTuple("Columns")


async def read_rows(
    session: AsyncSession,
    statement: TypedReturnsRows[*Columns],
    values: Mapping[str, Any] | None = None,
) -> CursorResult[*Columns]:
    """Run a statement of columns (no entities) on the session's connection.

    ``session.execute`` sets up the ORM's loading for every statement and copies each row
    through it: for plain columns that is CPU spent on nothing (a few percent of a list
    request, more of a wide row's). The connection is the session's own,
    in its transaction, with the same events; pending changes are flushed first, as the
    session would before a query.
    """
    if session.new or session.dirty or session.deleted:
        await session.flush()
    connection = await session.connection()
    return await connection.execute(statement, values)
